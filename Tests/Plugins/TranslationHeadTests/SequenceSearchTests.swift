import Foundation
import Testing
import SignCore
import SignTensor
import TranslationHead

/// Token ids of the hand-made search cases (after the four specials).
private let eos = TextVocabulary.eosID, A = 4, B = 5, C = 6

@Suite("Greedy and beam search")
struct SequenceSearchTests {
    func search(_ maxLength: Int) throws -> SequenceSearch {
        try SequenceSearch(bos: TextVocabulary.bosID, eos: eos, pad: TextVocabulary.padID, maxLength: maxLength)
    }

    /// P(A) = 0.5, P(B) = 0.4 first; after A the best continuation has only 0.35 (eos), after B eos has
    /// 0.95. Greedy takes A then eos: 0.5·0.35 = 0.175. Beam (width 2) keeps B and finds B eos:
    /// 0.4·0.95 = 0.38 — a higher-scoring sequence of the same length.
    static func garden(_ prefix: [Int]) -> [Int: Double] {
        switch prefix {
        case []: return [A: 0.5, B: 0.4, C: 0.1]
        case [A]: return [eos: 0.35, C: 0.33, B: 0.32]
        case [B]: return [eos: 0.95, C: 0.05]
        default: return [eos: 1.0]
        }
    }

    @Test func beamFindsAHigherScoringSequenceThanGreedy() throws {
        let s = try search(5)
        let greedy = try s.greedy(batch: 1, model: TableModel(rows: 1, vocabularySize: 7, distribution: Self.garden).model)[0]
        let beam = try s.beam(batch: 1, width: 2, alpha: 0, model: TableModel(rows: 2, vocabularySize: 7, distribution: Self.garden).model)[0]
        #expect(greedy.tokens == [A, eos])
        #expect(beam.tokens == [B, eos])
        #expect(abs(greedy.logProbability - Foundation.log(0.5 * 0.35)) < 1e-6)
        #expect(abs(beam.logProbability - Foundation.log(0.4 * 0.95)) < 1e-6)
        #expect(beam.logProbability > greedy.logProbability)
        // The same holds with a length penalty: both have length 2.
        let penalized = try s.beam(batch: 1, width: 2, alpha: 1, model: TableModel(rows: 2, vocabularySize: 7, distribution: Self.garden).model)[0]
        #expect(penalized.tokens == [B, eos])
        #expect(abs(penalized.normalizedScore - Foundation.log(0.38) / (7.0 / 6)) < 1e-6)
    }

    /// Ending at once has P = 0.5 (log −0.693, |Y| = 1); A A A eos has 0.45·0.9³ = 0.328
    /// (log −1.114, |Y| = 4). α = 0 ranks by log P and ends at once; with α = 2,
    /// lp(1) = 1 and lp(4) = (9/6)² = 2.25, so −1.114/2.25 = −0.495 beats −0.693: the long one wins.
    static func shortOrLong(_ prefix: [Int]) -> [Int: Double] {
        switch prefix {
        case []: return [eos: 0.5, A: 0.45, B: 0.05]
        case [A], [A, A]: return [A: 0.9, B: 0.1]
        case [A, A, A]: return [eos: 0.9, B: 0.1]
        default: return [B: 0.99, C: 0.01]
        }
    }

    @Test func lengthPenaltyFavoursLongerOutputsAsAlphaGrows() throws {
        let s = try search(8)
        func run(_ alpha: Double) throws -> DecodedSequence {
            try s.beam(batch: 1, width: 2, alpha: alpha, model: TableModel(rows: 2, vocabularySize: 7, distribution: Self.shortOrLong).model)[0]
        }
        let plain = try run(0), strong = try run(2), mild = try run(1)
        #expect(plain.tokens == [eos])
        #expect(strong.tokens == [A, A, A, eos])
        #expect(abs(strong.normalizedScore - Foundation.log(0.45 * 0.9 * 0.9 * 0.9) / 2.25) < 1e-6)
        // α = 1: lp(4) = 1.5 → −1.114/1.5 = −0.743 < −0.693, still the short one.
        #expect(mild.tokens == [eos])
        #expect(abs(SequenceSearch.lengthPenalty(length: 4, alpha: 2) - 2.25) < 1e-12)
        #expect(SequenceSearch.lengthPenalty(length: 7, alpha: 0) == 1)
    }

    @Test func beamStopsOnceEveryBeamEnded() throws {
        // Every prefix ends with P = 0.9 and continues with A (0.1): both beams end after 2 steps,
        // so the search makes 2 model steps although 20 are allowed.
        let table = TableModel(rows: 2, vocabularySize: 7) { $0.isEmpty ? [A: 0.6, B: 0.4] : [eos: 0.9, A: 0.1] }
        let out = try search(20).beam(batch: 1, width: 2, alpha: 1, model: table.model)[0]
        #expect(out.tokens == [A, eos])
        #expect(table.steps == 2)
        // At the length limit, unfinished beams are returned as they are.
        let endless = TableModel(rows: 2, vocabularySize: 7) { _ in [A: 0.7, B: 0.3] }
        let cut = try search(3).beam(batch: 1, width: 2, alpha: 0, model: endless.model)[0]
        #expect(cut.tokens == [A, A, A])
    }

    /// Width 1 is greedy search on random Markov models, clip by clip in one batch.
    @Test func beamWidthOneEqualsGreedyOnRandomModels() throws {
        var rng = RandomStream(seed: 5)
        let v = 9, batch = 4
        // Each clip has its own random transition table (last token → distribution).
        var tables: [[[Double]]] = []
        for _ in 0..<batch {
            tables.append((0..<v).map { _ in
                let w = (0..<v).map { _ in Double(rng.uniform()) + 0.05 }
                let s = w.reduce(0, +)
                return w.map { $0 / s }
            })
        }
        func model(rowsPerClip: Int) -> (SearchModel, () -> Void) {
            var last = [Int](repeating: TextVocabulary.bosID, count: batch * rowsPerClip)
            let m = SearchModel(vocabularySize: v, step: { tokens in
                var out: [Float] = []
                for (r, t) in tokens.enumerated() {
                    if t != TextVocabulary.padID { last[r] = t }
                    out += tables[r / rowsPerClip][last[r]].map { Float(Foundation.log($0)) }
                }
                return out
            }, reorder: { origin in last = origin.map { last[$0] } })
            return (m, {})
        }
        let s = try search(12)
        let greedy = try s.greedy(batch: batch, model: model(rowsPerClip: 1).0, alpha: 0.6)
        let beam = try s.beam(batch: batch, width: 1, alpha: 0.6, model: model(rowsPerClip: 1).0)
        #expect(greedy.map(\.tokens) == beam.map(\.tokens))
        for (g, b) in zip(greedy, beam) {
            #expect(abs(g.logProbability - b.logProbability) < 1e-9)
            #expect(abs(g.normalizedScore - b.normalizedScore) < 1e-9)
        }
        #expect(greedy.contains { $0.tokens.count > 1 })
    }

    @Test func badArgumentsAreErrors() throws {
        #expect(throws: (any Error).self) { _ = try search(0) }
        let table = TableModel(rows: 1, vocabularySize: 7, distribution: Self.garden)
        #expect(throws: (any Error).self) { _ = try search(3).beam(batch: 1, width: 0, alpha: 0, model: table.model) }
        let wrong = SearchModel(vocabularySize: 7, step: { _ in [0, 1] }, reorder: { _ in })
        #expect(throws: (any Error).self) { _ = try search(3).greedy(batch: 1, model: wrong) }
    }
}
