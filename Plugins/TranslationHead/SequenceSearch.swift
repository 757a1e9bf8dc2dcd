import Foundation
import SignTensor

/// A finished hypothesis: its tokens (ending in `<eos>` unless cut at the maximum length), the sum of
/// its token log-probabilities and that sum divided by the GNMT length penalty.
public struct DecodedSequence: Sendable, Equatable {
    public var tokens: [Int]
    public var logProbability: Double
    public var normalizedScore: Double
}

/// What a search drives: `step(tokens)` feeds one token per row (row r continues hypothesis r) and
/// returns the next-token log-probabilities, rows × vocabulary, row-major; `reorder(rows)` makes new
/// row i continue old row `rows[i]` (beam search's cache shuffling).
public struct SearchModel {
    public var vocabularySize: Int
    public var step: ([Int]) throws -> [Float]
    public var reorder: ([Int]) throws -> Void
    public init(vocabularySize: Int, step: @escaping ([Int]) throws -> [Float], reorder: @escaping ([Int]) throws -> Void) {
        self.vocabularySize = vocabularySize; self.step = step; self.reorder = reorder
    }
}

/// Greedy and beam search over a `SearchModel`, independent of the network (tests drive them with
/// hand-made distributions).
///
/// GNMT length penalty (Wu et al. 2016): lp(Y) = ((5 + |Y|)/(5 + 1))^α, |Y| the generated tokens
/// including `<eos>`; a hypothesis is ranked by log P(Y)/lp(Y). α = 0 ranks by log-probability,
/// larger α favours longer outputs.
public struct SequenceSearch {
    public let bos: Int
    public let eos: Int
    public let pad: Int
    /// Most generated tokens per clip, `<eos>` included.
    public let maxLength: Int

    public init(bos: Int, eos: Int, pad: Int, maxLength: Int) throws {
        guard maxLength >= 1 else { throw TensorError("SequenceSearch", "maxLength must be ≥ 1, got \(maxLength)") }
        self.bos = bos; self.eos = eos; self.pad = pad; self.maxLength = maxLength
    }

    public static func lengthPenalty(length: Int, alpha: Double) -> Double { Foundation.pow((5 + Double(length)) / 6, alpha) }

    /// The `count` tokens of row `row` with the highest log-probability, best first (lower id on ties),
    /// by one pass with a small sorted insertion list.
    static func topTokens(_ lp: [Float], row: Int, vocabularySize v: Int, count: Int) -> [Int] {
        var best: [(value: Float, token: Int)] = []
        best.reserveCapacity(count + 1)
        let base = row * v
        for j in 0..<v {
            let x = lp[base + j]
            if best.count == count, let last = best.last, !(x > last.value) { continue }
            var at = best.count
            while at > 0 && best[at - 1].value < x { at -= 1 }
            best.insert((x, j), at: at)
            if best.count > count { best.removeLast() }
        }
        return best.map(\.token)
    }

    /// Greedy decoding of `batch` clips (model rows = clips): the arg-max token each step (lowest id on
    /// ties) until every clip produced `<eos>` or `maxLength` tokens. Finished rows are fed `<pad>`.
    public func greedy(batch: Int, model: SearchModel, alpha: Double = 0) throws -> [DecodedSequence] {
        let v = model.vocabularySize
        var tokens = [[Int]](repeating: [], count: batch)
        var logp = [Double](repeating: 0, count: batch)
        var done = [Bool](repeating: false, count: batch)
        var input = [Int](repeating: bos, count: batch)
        for _ in 0..<maxLength {
            let lp = try model.step(input)
            guard lp.count == batch * v else { throw TensorError("SequenceSearch", "step returned \(lp.count) values for \(batch) rows × \(v)") }
            for b in 0..<batch {
                if done[b] { input[b] = pad; continue }
                var best = 0
                for j in 1..<v where lp[b * v + j] > lp[b * v + best] { best = j }
                tokens[b].append(best)
                logp[b] += Double(lp[b * v + best])
                input[b] = best
                if best == eos { done[b] = true }
            }
            if !done.contains(false) { break }
        }
        return (0..<batch).map {
            DecodedSequence(tokens: tokens[$0], logProbability: logp[$0],
                            normalizedScore: logp[$0] / Self.lengthPenalty(length: tokens[$0].count, alpha: alpha))
        }
    }

    /// Beam search with `width` beams per clip (model rows b·width + k), returning each clip's best
    /// finished hypothesis by normalized score.
    ///
    /// Each step, for every unfinished clip: the width·V continuations of its live beams are ranked
    /// by summed log-probability (ties: lower beam, then lower token); the best 2·width are visited
    /// in order: an `<eos>` continuation among the first `width` ranks is finished (scored
    /// log P/lp), other `<eos>` ones are dropped, the rest fill the next `width` live beams. A clip
    /// stops once it holds `width` finished hypotheses ("all beams ended", HuggingFace's
    /// `early_stopping=True`); at `maxLength` its live beams are finished as they are. Search stops
    /// when every clip stopped. Width 1 is exactly greedy search.
    public func beam(batch: Int, width: Int, alpha: Double, model: SearchModel) throws -> [DecodedSequence] {
        guard width >= 1 else { throw TensorError("SequenceSearch", "beam width must be ≥ 1, got \(width)") }
        let v = model.vocabularySize, rows = batch * width
        var sequences = [[Int]](repeating: [], count: rows)
        var scores = [Double](repeating: -.infinity, count: rows)
        for b in 0..<batch { scores[b * width] = 0 }
        var finished = [[DecodedSequence]](repeating: [], count: batch)
        var done = [Bool](repeating: false, count: batch)
        var input = [Int](repeating: bos, count: rows)
        for t in 0..<maxLength {
            let lp = try model.step(input)
            guard lp.count == rows * v else { throw TensorError("SequenceSearch", "step returned \(lp.count) values for \(rows) rows × \(v)") }
            var origin = Array(0..<rows)
            var nextSequences = sequences, nextScores = scores
            for b in 0..<batch where !done[b] {
                // The best 2·width continuations of this clip's live beams: each beam's best 2·width
                // tokens hold every global winner, so only width·2·width candidates are sorted.
                var candidates: [(score: Double, beam: Int, token: Int)] = []
                candidates.reserveCapacity(2 * width * width)
                for k in 0..<width where scores[b * width + k] > -.infinity {
                    let r = b * width + k
                    for j in Self.topTokens(lp, row: r, vocabularySize: v, count: 2 * width) {
                        let s = scores[r] + Double(lp[r * v + j])
                        if s > -.infinity { candidates.append((s, k, j)) }
                    }
                }
                candidates.sort { $0.score != $1.score ? $0.score > $1.score : ($0.beam != $1.beam ? $0.beam < $1.beam : $0.token < $1.token) }
                var live = 0
                for (rank, c) in candidates.prefix(2 * width).enumerated() {
                    let from = b * width + c.beam
                    if c.token == eos {
                        if rank < width {
                            let y = sequences[from] + [eos]
                            finished[b].append(DecodedSequence(tokens: y, logProbability: c.score,
                                                               normalizedScore: c.score / Self.lengthPenalty(length: y.count, alpha: alpha)))
                        }
                        continue
                    }
                    let to = b * width + live
                    origin[to] = from
                    nextSequences[to] = sequences[from] + [c.token]
                    nextScores[to] = c.score
                    input[to] = c.token
                    live += 1
                    if live == width { break }
                }
                for k in live..<width { nextScores[b * width + k] = -.infinity; input[b * width + k] = pad }
                if finished[b].count >= width { done[b] = true }
                if t == maxLength - 1 && !done[b] {
                    for k in 0..<live {
                        let r = b * width + k
                        finished[b].append(DecodedSequence(tokens: nextSequences[r], logProbability: nextScores[r],
                                                           normalizedScore: nextScores[r] / Self.lengthPenalty(length: nextSequences[r].count, alpha: alpha)))
                    }
                    done[b] = true
                }
                if done[b] { for k in 0..<width { input[b * width + k] = pad } }
            }
            sequences = nextSequences
            scores = nextScores
            if !done.contains(false) { break }
            try model.reorder(origin)
        }
        return try (0..<batch).map { b in
            // Stable: the first of equal scores (the one finished earlier) wins.
            guard var best = finished[b].first else { throw TensorError("SequenceSearch", "clip \(b) ended without a hypothesis") }
            for h in finished[b].dropFirst() where h.normalizedScore > best.normalizedScore { best = h }
            return best
        }
    }
}
