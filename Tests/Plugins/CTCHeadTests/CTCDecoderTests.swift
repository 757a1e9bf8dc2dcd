import Foundation
import Testing
import CTCHead
import SignTensor

/// Greedy and prefix beam search decoding on hand-made probability tables, and beam search against
/// brute-force enumeration of every alignment.
@Suite("CTC decoding")
struct CTCDecoderTests {
    /// log-probabilities [1, T, C] from a table of probabilities.
    func table(_ rows: [[Double]]) throws -> Tensor {
        try Tensor(shape: [1, rows.count, rows[0].count], data: rows.flatMap { $0.map { Float(Foundation.log($0)) } })
    }

    /// A random table [T, C]: softmax of N(0, spread²) logits.
    func randomTable(frames: Int, classes: Int, spread: Double, rng: inout RandomStream) -> [[Double]] {
        (0..<frames).map { _ in
            let z = (0..<classes).map { _ in Double(rng.normal()) * spread }
            let e = z.map { Foundation.exp($0) }, s = e.reduce(0, +)
            return e.map { $0 / s }
        }
    }

    /// Every labelling's total probability Σ over the alignments that collapse to it (C^T paths).
    func bruteForce(_ rows: [[Double]], blank: Int = 0) -> [[Int]: Double] {
        let t = rows.count, c = rows[0].count
        var totals: [[Int]: Double] = [:]
        var path = [Int](repeating: 0, count: t)
        func visit(_ i: Int, _ p: Double) {
            if i == t {
                var labels: [Int] = [], prev = -1
                for k in path { if k != blank && k != prev { labels.append(k) }; prev = k }
                totals[labels, default: 0] += p
                return
            }
            for k in 0..<c { path[i] = k; visit(i + 1, p * rows[i][k]) }
        }
        visit(0, 1)
        return totals
    }

    /// The classic case: two frames with p(blank) = 0.6, p(a) = 0.4. The best path is blank blank
    /// (0.36), so greedy outputs nothing; the labelling "a" collects a a, a −, − a = 0.16 + 0.24 + 0.24
    /// = 0.64 > 0.36, so beam search outputs "a".
    @Test func classicExampleGreedyAndBeamDiffer() throws {
        let lp = try table([[0.6, 0.4], [0.6, 0.4]])
        let greedy = try CTCDecoder.hypotheses(lp, lengths: [2], method: .greedy)[0][0]
        #expect(greedy.labels == [])
        #expect(Swift.abs(greedy.logProbability - Foundation.log(0.36)) < 1e-6)
        let beams = try CTCDecoder.hypotheses(lp, lengths: [2], method: .beamSearch(width: 2))[0]
        #expect(beams.map(\.labels) == [[1], []])
        #expect(Swift.abs(beams[0].logProbability - Foundation.log(0.64)) < 1e-6)
        #expect(Swift.abs(beams[1].logProbability - Foundation.log(0.36)) < 1e-6)
        #expect(try CTCDecoder.decode(lp, lengths: [2], method: .beamSearch(width: 4)) == [[1]])
    }

    /// Three classes (blank, a, b): greedy reads b − b → "b b", whose only alignment has
    /// 0.5·0.5·0.6 = 0.15, while "a b" collects 0.278 over its alignments: a − b 0.12, a b b 0.096,
    /// a b − 0.032, a a b 0.024, − a b 0.006 (by hand; the test checks the brute-force totals).
    @Test func beamFindsTheMostProbableLabellingWhereGreedyDoesNot() throws {
        let rows: [[Double]] = [[0.1, 0.4, 0.5], [0.5, 0.1, 0.4], [0.2, 0.2, 0.6]]
        let totals = bruteForce(rows)
        let best = totals.max { $0.value < $1.value }!
        let lp = try table(rows)
        #expect(try CTCDecoder.decode(lp, lengths: [3], method: .greedy) == [[2, 2]])
        #expect(best.key == [1, 2] && Swift.abs(best.value - 0.278) < 1e-12 && Swift.abs(totals[[2, 2]]! - 0.15) < 1e-12)
        let beam = try CTCDecoder.hypotheses(lp, lengths: [3], method: .beamSearch(width: 8))[0][0]
        #expect(beam.labels == best.key)
        #expect(Swift.abs(beam.logProbability - Foundation.log(best.value)) < 1e-6)   // tables are Float32 logs
    }

    /// With a width at least the number of prefixes, beam search is exact: every returned labelling
    /// carries its full probability, and the best one is the brute-force arg-max.
    @Test func wideBeamIsExact() throws {
        var rng = RandomStream(seed: 11)
        for trial in 0..<20 {
            let c = trial % 2 == 0 ? 3 : 4, t = c == 3 ? 6 : 4
            let rows = randomTable(frames: t, classes: c, spread: 1.5, rng: &rng)
            let totals = bruteForce(rows)
            let best = totals.max { $0.value < $1.value }!
            for prune in [true, false] {
                let beams = try CTCDecoder.hypotheses(try table(rows), lengths: [t], method: .beamSearch(width: 400), pruneClasses: prune)[0]
                #expect(beams[0].labels == best.key, "trial \(trial)")
                for h in beams {
                    #expect(Swift.abs(h.logProbability - Foundation.log(totals[h.labels]!)) < 1e-6, "trial \(trial) \(h.labels)")
                }
            }
        }
    }

    @Test func classPruningKeepsTheResult() throws {
        var rng = RandomStream(seed: 5)
        for _ in 0..<10 {
            let rows = randomTable(frames: 15, classes: 12, spread: 2, rng: &rng)
            let lp = try table(rows)
            for width in [1, 3, 5] {
                let pruned = try CTCDecoder.hypotheses(lp, lengths: [15], method: .beamSearch(width: width), pruneClasses: true)[0]
                let full = try CTCDecoder.hypotheses(lp, lengths: [15], method: .beamSearch(width: width), pruneClasses: false)[0]
                #expect(pruned.map(\.labels) == full.map(\.labels))
                #expect(zip(pruned, full).allSatisfy { Swift.abs($0.logProbability - $1.logProbability) < 1e-9 })
            }
        }
    }

    /// When each frame's arg-max holds ≥ 0.9 of the mass, a width-1 beam follows the best path.
    @Test func widthOneEqualsGreedyOnDominantFrames() throws {
        var rng = RandomStream(seed: 3)
        var nonEmpty = 0, withRepeats = 0
        for _ in 0..<200 {
            let t = 14, c = 5
            var rows: [[Double]] = []
            var k = Int(rng.next() % UInt64(c))
            for _ in 0..<t {
                if rng.uniform() < 0.4 { k = Int(rng.next() % UInt64(c)) }
                let top = 0.9 + 0.09 * Double(rng.uniform())
                var row = (0..<c).map { _ in Double(rng.uniform()) + 0.01 }
                row[k] = 0
                let s = row.reduce(0, +)
                row = row.map { $0 / s * (1 - top) }
                row[k] = top
                rows.append(row)
            }
            let lp = try table(rows)
            let greedy = try CTCDecoder.decode(lp, lengths: [t], method: .greedy)[0]
            let beam = try CTCDecoder.decode(lp, lengths: [t], method: .beamSearch(width: 1))[0]
            #expect(beam == greedy, "\(rows)")
            if !greedy.isEmpty { nonEmpty += 1 }
            if zip(greedy, greedy.dropFirst()).contains(where: { $0 == $1 }) { withRepeats += 1 }
        }
        #expect(nonEmpty > 150 && withRepeats > 10)   // the tables exercise repeats split by blanks
    }

    /// p(blank) = 0.8, p(a) = 0.2 in both frames: "" has 0.64, "a" has 0.36. A bonus b per label
    /// ranks "a" first once ln 0.36 + b > ln 0.64, i.e. b > ln(16/9) ≈ 0.575.
    @Test func insertionBonusFavoursLongerOutputs() throws {
        let lp = try table([[0.8, 0.2], [0.8, 0.2]])
        #expect(try CTCDecoder.decode(lp, lengths: [2], method: .beamSearch(width: 3, insertionBonus: 0.5)) == [[]])
        let h = try CTCDecoder.hypotheses(lp, lengths: [2], method: .beamSearch(width: 3, insertionBonus: 0.65))[0][0]
        #expect(h.labels == [1])
        #expect(Swift.abs(h.score - (Foundation.log(0.36) + 0.65)) < 1e-6)
    }

    @Test func respectsLengthsAndBlankIndex() throws {
        // Clip 0 uses 2 of 3 frames; blank is class 2 here.
        let rows: [[Double]] = [[0.9, 0.05, 0.05], [0.05, 0.05, 0.9], [0.05, 0.9, 0.05]]
        let lp = try Tensor(shape: [2, 3, 3], data: (rows + rows).flatMap { $0.map { Float(Foundation.log($0)) } })
        #expect(try CTCDecoder.decode(lp, lengths: [2, 3], method: .greedy, blank: 2) == [[0], [0, 1]])
        #expect(try CTCDecoder.decode(lp, lengths: [2, 3], method: .beamSearch(width: 4), blank: 2) == [[0], [0, 1]])
        #expect(try CTCDecoder.decode(lp, lengths: [0, 3], method: .beamSearch(width: 4), blank: 2) == [[], [0, 1]])
    }

    @Test func rejectsBadArguments() throws {
        let lp = try table([[0.5, 0.5]])
        #expect(throws: TensorError.self) { try CTCDecoder.decode(lp, lengths: [2], method: .greedy) }
        #expect(throws: TensorError.self) { try CTCDecoder.decode(lp, lengths: [1, 1], method: .greedy) }
        #expect(throws: TensorError.self) { try CTCDecoder.decode(lp, lengths: [1], method: .beamSearch(width: 0)) }
        #expect(throws: TensorError.self) { try CTCDecoder.decode(lp, lengths: [1], method: .greedy, blank: 2) }
        #expect(throws: TensorError.self) { try CTCDecoder.decode(try lp.reshaped([1, 2]), lengths: [1], method: .greedy) }
    }
}
