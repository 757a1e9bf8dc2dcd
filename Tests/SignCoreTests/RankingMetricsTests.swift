import Foundation
import SignCore
import SignTensor
import Testing

@Suite("RankingMetrics")
struct RankingMetricsTests {
    /// Similarities rounded to one decimal (so rows 0 and 5 have ties with the best match), and the
    /// ranks, R@1/5/10 and MedR a numpy implementation gives. Generated once with:
    ///   rng = np.random.default_rng(5); S = np.round(rng.uniform(-1, 1, (6, 8)), 1)
    ///   pos = [[0], [1, 5], [2], [3, 4, 7], [6], [0, 1]]
    ///   def rank(row, p, strict):
    ///       best = row[p].max(); neg = np.ones(len(row), bool); neg[p] = False
    ///       return 1 + int((row[neg] > best).sum() if strict else (row[neg] >= best).sum())
    ///   r = np.array([rank(S[q], pos[q], strict) for q in range(6)])   # strict=False: pessimistic, True: optimistic
    ///   [float((r <= k).mean()) for k in (1, 5, 10)], float(np.median(r))
    static let similarity: [[Float]] = [
        [0.6, 0.6, 0.0, -0.4, -0.9, -0.2, -0.2, -0.9], [-0.9, 1.0, 0.3, -0.5, -0.1, 0.9, 0.8, 0.7],
        [-0.2, -0.0, 0.4, -0.9, 0.1, -0.5, 0.8, -0.9], [0.4, 0.7, -0.5, 0.8, 0.7, -1.0, 0.4, -1.0],
        [0.0, -0.1, -0.6, -0.4, 0.6, -0.4, -0.7, 0.4], [-0.1, 0.6, -0.5, -0.4, 0.6, 0.0, 0.0, -0.5]]
    static let positives = [[0], [1, 5], [2], [3, 4, 7], [6], [0, 1]]

    @Test func ranksRecallAndMedianMatchNumpy() throws {
        let s = try Tensor(shape: [6, 8], data: Self.similarity.flatMap { $0 })
        let pessimistic = try retrievalRanks(scores: s, positives: Self.positives, ties: .pessimistic)
        let optimistic = try retrievalRanks(scores: s, positives: Self.positives, ties: .optimistic)
        #expect(pessimistic == [2, 1, 2, 1, 8, 2])
        #expect(optimistic == [1, 1, 2, 1, 8, 1])
        #expect(try [1, 5, 10].map { try recallAtK(ranks: pessimistic, k: $0) } == [0.3333333333333333, 0.8333333333333334, 1.0])
        #expect(try [1, 5, 10].map { try recallAtK(ranks: optimistic, k: $0) } == [0.6666666666666666, 0.8333333333333334, 1.0])
        #expect(try medianRank(pessimistic) == 2 && medianRank(optimistic) == 1)
        // By index (hand): the tied negatives sit at higher indices than the best match, so as optimistic here.
        #expect(try retrievalRanks(scores: s, positives: Self.positives, ties: .byIndex) == [1, 1, 2, 1, 8, 1])
    }

    @Test func tiesHandComputed() throws {
        let row: [Float] = [0.5, 0.5, 0.2, 0.5]
        func r(_ p: [Int], _ ties: TieBreaking) -> Int { row.withUnsafeBufferPointer { rankOfBestPositive($0.baseAddress!, count: 4, positives: p, ties: ties) } }
        // Match 1 tied with negatives 0 and 3.
        #expect(r([1], .pessimistic) == 3 && r([1], .optimistic) == 1 && r([1], .byIndex) == 2)
        // Matches 1 and 3: the other match never counts against; by index the first match is 1.
        #expect(r([1, 3], .pessimistic) == 2 && r([1, 3], .optimistic) == 1 && r([1, 3], .byIndex) == 2)
        // Match 2 below three equal negatives.
        #expect(r([2], .pessimistic) == 4 && r([2], .optimistic) == 4 && r([2], .byIndex) == 4)
        // A collapsed scorer (all equal) gets the worst rank pessimistically.
        let flat: [Float] = [1, 1, 1, 1, 1]
        #expect(flat.withUnsafeBufferPointer { rankOfBestPositive($0.baseAddress!, count: 5, positives: [2], ties: .pessimistic) } == 5)
    }

    @Test func medianOfAnEvenCountAveragesTheMiddleRanks() throws {
        #expect(try medianRank([4, 1, 3, 2]) == 2.5)   // numpy.median([1, 2, 3, 4]) = 2.5
        #expect(try medianRank([7]) == 7 && medianRank([3, 1, 2]) == 2)
        #expect(throws: TensorError.self) { _ = try medianRank([]) }
        #expect(throws: TensorError.self) { _ = try recallAtK(ranks: [1], k: 0) }
    }

    @Test func badPositivesAreClearErrors() throws {
        let s = Tensor.zeros([2, 3])
        #expect(throws: TensorError("retrievalRanks", "query 1 has no matching gallery item")) {
            _ = try retrievalRanks(scores: s, positives: [[0], []], ties: .pessimistic)
        }
        #expect(throws: TensorError("retrievalRanks", "query 0 lists gallery item 3, outside 0..<3")) {
            _ = try retrievalRanks(scores: s, positives: [[3], [0]], ties: .pessimistic)
        }
        #expect(throws: TensorError("retrievalRanks", "1 positive lists for 2 queries (scores [2, 3])")) {
            _ = try retrievalRanks(scores: s, positives: [[0]], ties: .pessimistic)
        }
    }

    @Test func topKSortsByScoreThenIndex() throws {
        let row: [Float] = [0.2, 0.9, .nan, 0.9, -1]
        let top = row.withUnsafeBufferPointer { topK($0.baseAddress!, count: 5, k: 5) }
        #expect(top.map(\.index) == [1, 3, 0, 4, 2])
        #expect(row.withUnsafeBufferPointer { topK($0.baseAddress!, count: 5, k: 2) }.map(\.index) == [1, 3])
        #expect(row.withUnsafeBufferPointer { topK($0.baseAddress!, count: 5, k: 9) }.count == 5)
    }
}

@Suite("ClassificationMetrics")
struct ClassificationMetricsTests {
    /// Hand case: 3 classes, 6 instances. Scores with a tie in row 4 (classes 0 and 2 at 0.5).
    @Test func topKAndPerClassByHand() throws {
        let scores = try Tensor(shape: [6, 3], data: [0.7, 0.2, 0.1,   0.1, 0.8, 0.1,   0.6, 0.3, 0.1,
                                                      0.2, 0.3, 0.5,   0.5, 0.0, 0.5,   0.1, 0.1, 0.8])
        let targets = [0, 1, 1, 2, 2, 2]
        let ranks = try classRanks(scores: scores, targets: targets)
        #expect(ranks == [1, 1, 2, 1, 2, 1])   // row 4: class 0 ties class 2 and comes first by index
        #expect(try classRanks(scores: scores, targets: targets, ties: .optimistic) == [1, 1, 2, 1, 1, 1])
        #expect(try topKAccuracy(ranks: ranks, k: 1) == 4.0 / 6)
        #expect(try topKAccuracy(ranks: ranks, k: 2) == 1)
        // Per class top-1: class 0 1/1, class 1 1/2, class 2 2/3 → mean (1 + 0.5 + 2/3) / 3.
        #expect(Swift.abs(try perClassTopKAccuracy(targets: targets, ranks: ranks, k: 1) - (1 + 0.5 + 2.0 / 3) / 3) < 1e-15)
        #expect(try perClassTopKAccuracy(targets: targets, ranks: ranks, k: 3) == 1)
        #expect(throws: TensorError.self) { _ = try perClassTopKAccuracy(targets: [0], ranks: [1, 2], k: 1) }
        #expect(throws: TensorError.self) { _ = try topKAccuracy(ranks: [], k: 1) }
    }

    @Test func confusionMatrixUsesTheUnionOfClassesAndQuotesNames() throws {
        let m = try ConfusionMatrix(targets: [0, 0, 2, 2, 2], predictions: [0, 4, 2, 0, 2])
        #expect(m.classes == [0, 2, 4])
        #expect(m.counts == [[1, 0, 1], [1, 2, 0], [0, 0, 0]])
        let csv = try m.csv(names: ["a,b", "unused", "q\"x", "unused", "line\nbreak"])
        #expect(csv == "true\\predicted,\"a,b\",\"q\"\"x\",\"line\nbreak\"\n\"a,b\",1,0,1\n\"q\"\"x\",1,2,0\n\"line\nbreak\",0,0,0\n")
        #expect(throws: TensorError.self) { _ = try m.csv(names: ["a", "b"]) }
        #expect(throws: TensorError.self) { _ = try ConfusionMatrix(targets: [0], predictions: []) }
    }
}
