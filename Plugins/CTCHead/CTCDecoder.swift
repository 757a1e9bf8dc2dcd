import Foundation
import SignTensor

/// How per-frame CTC log-probabilities become label sequences.
public enum CTCDecoding: Sendable, Equatable {
    /// Best path: the arg-max class of every frame, repeats collapsed, blanks dropped.
    case greedy
    /// Prefix beam search keeping `width` prefixes; `insertionBonus` (per emitted label, in nats)
    /// is added to a prefix's log-probability when beams are ranked (> 0 favours longer outputs).
    case beamSearch(width: Int, insertionBonus: Double = 0)
}

/// One decoded label sequence with its log-probability log p(labels | x), summed over every
/// alignment the search kept, and the ranking score (log-probability + bonus·length).
public struct CTCHypothesis: Sendable, Equatable {
    public var labels: [Int]
    public var logProbability: Double
    public var score: Double
}

/// CTC decoding of log-probabilities [B, T, C] (or one clip's [T, C] rows).
///
/// Greedy: π_t = argmax_k y_t(k) (first maximum on ties), then collapse repeats and drop blanks.
///
/// Prefix beam search (Hannun et al. 2014), in log space (⊕ = log-sum-exp): each prefix ℓ carries
/// p_b(ℓ) (its alignments ending in blank) and p_nb(ℓ) (ending in its last label). Per frame t, for
/// every kept ℓ with last label e and P(ℓ) = p_b ⊕ p_nb:
///   blank:               p_b′(ℓ)    ⊕= P(ℓ) + y_t(blank)
///   e again (collapsed): p_nb′(ℓ)   ⊕= p_nb(ℓ) + y_t(e)
///   e after a blank:     p_nb′(ℓ+e) ⊕= p_b(ℓ) + y_t(e)
///   any other label c:   p_nb′(ℓ+c) ⊕= P(ℓ) + y_t(c)
/// then the `width` prefixes with the best P′ + bonus·|ℓ| are kept (ties: earlier-created prefix
/// first). The best surviving prefix is the output. With a width at least the number of possible
/// prefixes this is exact: the labelling of highest total probability.
///
/// Class pruning (on by default) extends each prefix only by the frame's `width + 1` most likely
/// labels and by the last labels of the kept prefixes. That keeps the search's result: a pruned
/// extension ℓ+c is a new prefix (no kept prefix ends in c) whose P′ is exactly P(ℓ)·p_t(c), and at
/// least `width` other new prefixes ℓ+c′ score at least as much, so it could not have survived
/// (up to exact ties). Prefixes live in a trie, so extending one is a dictionary lookup.
///
/// A width-1 beam search is not the greedy decoder in general (it follows the most probable
/// prefix, summing over alignments); the two agree when each frame's arg-max is dominant.
public enum CTCDecoder {
    /// Decodes each clip of `logProbs` [B, T, C] over its first `lengths[b]` frames.
    public static func decode(_ logProbs: Tensor, lengths: [Int], method: CTCDecoding, blank: Int = 0) throws -> [[Int]] {
        try hypotheses(logProbs, lengths: lengths, method: method, blank: blank).map { $0.first?.labels ?? [] }
    }

    /// The final beams of each clip, best first (one hypothesis for greedy decoding, whose
    /// `logProbability` is that of its best path).
    public static func hypotheses(_ logProbs: Tensor, lengths: [Int], method: CTCDecoding, blank: Int = 0,
                                  pruneClasses: Bool = true) throws -> [[CTCHypothesis]] {
        guard logProbs.rank == 3, logProbs.shape[2] > 0 else {
            throw TensorError("CTCDecoder", "log-probabilities must be [B, T, C] with C ≥ 1, got \(logProbs.shape)")
        }
        let (b, t, c) = (logProbs.shape[0], logProbs.shape[1], logProbs.shape[2])
        guard lengths.count == b else { throw TensorError("CTCDecoder", "\(lengths.count) lengths for a batch of \(b)") }
        for (i, n) in lengths.enumerated() where n < 0 || n > t {
            throw TensorError("CTCDecoder", "clip \(i) has length \(n), outside [0, \(t)] for log-probabilities \(logProbs.shape)")
        }
        guard (0..<c).contains(blank) else { throw TensorError("CTCDecoder", "blank \(blank) is outside [0, \(c))") }
        if case .beamSearch(let width, let bonus) = method {
            guard width >= 1 else { throw TensorError("CTCDecoder", "beam width must be ≥ 1, got \(width)") }
            guard bonus.isFinite else { throw TensorError("CTCDecoder", "insertion bonus must be finite, got \(bonus)") }
        }
        var out = [[CTCHypothesis]](repeating: [], count: b)
        let base = UnsafeSendable(UnsafePointer(logProbs.pointer))
        out.withUnsafeMutableBufferPointer { ob in
            let O = UnsafeSendable(ob)
            Parallel.forEach(b) { i in
                let rows = base.value + i * t * c
                switch method {
                case .greedy:
                    O.value[i] = [greedy(rows, frames: lengths[i], classes: c, blank: blank)]
                case .beamSearch(let width, let bonus):
                    O.value[i] = beamSearch(rows, frames: lengths[i], classes: c, blank: blank, width: width,
                                            insertionBonus: bonus, pruneClasses: pruneClasses)
                }
            }
        }
        return out
    }

    /// Best-path decoding of `frames` rows of `classes` log-probabilities.
    public static func greedy(_ rows: UnsafePointer<Float>, frames: Int, classes: Int, blank: Int) -> CTCHypothesis {
        var labels: [Int] = [], previous = -1, logP = 0.0
        for t in 0..<frames {
            let row = rows + t * classes
            var best = 0
            for k in 1..<classes where row[k] > row[best] { best = k }
            logP += Double(row[best])
            if best != blank && best != previous { labels.append(best) }
            previous = best
        }
        return CTCHypothesis(labels: labels, logProbability: logP, score: logP)
    }

    /// Prefix beam search over `frames` rows (see the type's documentation); beams best first.
    public static func beamSearch(_ rows: UnsafePointer<Float>, frames: Int, classes: Int, blank: Int, width: Int,
                                  insertionBonus: Double = 0, pruneClasses: Bool = true) -> [CTCHypothesis] {
        var trie = PrefixTrie()
        var beams: [(node: Int, pb: Double, pnb: Double)] = [(0, 0, -.infinity)]
        var next: [Int: (pb: Double, pnb: Double)] = [:]
        var candidates: [Int] = []
        let keepClasses = width + 1
        for t in 0..<frames {
            let row = rows + t * classes
            @inline(__always) func y(_ k: Int) -> Double { Double(row[k]) }
            candidates = pruneClasses && classes - 1 > keepClasses
                ? topLabels(row, classes: classes, blank: blank, count: keepClasses, also: beams.compactMap { trie.last($0.node) })
                : (0..<classes).filter { $0 != blank }
            next.removeAll(keepingCapacity: true)
            func add(_ node: Int, pb: Double = -.infinity, pnb: Double = -.infinity) {
                if pb == -.infinity && pnb == -.infinity { return }   // an impossible prefix is never kept
                let old = next[node] ?? (-.infinity, -.infinity)
                next[node] = (logAdd(old.pb, pb), logAdd(old.pnb, pnb))
            }
            for beam in beams {
                let total = logAdd(beam.pb, beam.pnb)
                add(beam.node, pb: total + y(blank))
                let last = trie.last(beam.node)
                if let last { add(beam.node, pnb: beam.pnb + y(last)) }
                for k in candidates {
                    let child = trie.child(of: beam.node, label: k)
                    add(child, pnb: (k == last ? beam.pb : total) + y(k))
                }
            }
            beams = rank(next, trie: trie, bonus: insertionBonus).prefix(width).map { ($0, next[$0]!.pb, next[$0]!.pnb) }
        }
        return beams.map { beam in
            let logP = logAdd(beam.pb, beam.pnb)
            return CTCHypothesis(labels: trie.labels(beam.node), logProbability: logP,
                                 score: logP + insertionBonus * Double(trie.length(beam.node)))
        }
    }

    /// Nodes of `scores` by P + bonus·length, best first; ties by node id (creation order).
    static func rank(_ scores: [Int: (pb: Double, pnb: Double)], trie: PrefixTrie, bonus: Double) -> [Int] {
        scores.map { (node: $0.key, score: logAdd($0.value.pb, $0.value.pnb) + bonus * Double(trie.length($0.key))) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.node < $1.node }
            .map(\.node)
    }

    /// The `count` most likely non-blank classes of a row, plus `also`, without repeats.
    static func topLabels(_ row: UnsafePointer<Float>, classes: Int, blank: Int, count: Int, also: [Int]) -> [Int] {
        var best: [(k: Int, v: Float)] = []
        best.reserveCapacity(count + 1)
        for k in 0..<classes where k != blank {
            let v = row[k]
            if best.count == count, v <= best[count - 1].v { continue }
            var i = best.count
            while i > 0 && best[i - 1].v < v { i -= 1 }
            best.insert((k, v), at: i)
            if best.count > count { best.removeLast() }
        }
        var labels = best.map(\.k)
        for k in also where !labels.contains(k) { labels.append(k) }
        return labels
    }
}

/// Label prefixes as a trie: node 0 is the empty prefix; each other node has a parent and a label.
struct PrefixTrie {
    private var parent: [Int] = [-1]
    private var label: [Int] = [-1]
    private var depth: [Int] = [0]
    private var children: [ChildKey: Int] = [:]

    struct ChildKey: Hashable { let node: Int; let label: Int }

    /// The node of prefix(node) + label, created on first use.
    mutating func child(of node: Int, label k: Int) -> Int {
        let key = ChildKey(node: node, label: k)
        if let c = children[key] { return c }
        let c = parent.count
        parent.append(node); label.append(k); depth.append(depth[node] + 1)
        children[key] = c
        return c
    }

    func last(_ node: Int) -> Int? { node == 0 ? nil : label[node] }
    func length(_ node: Int) -> Int { depth[node] }

    func labels(_ node: Int) -> [Int] {
        var out: [Int] = [], n = node
        while n != 0 { out.append(label[n]); n = parent[n] }
        return out.reversed()
    }
}

/// log(e^a + e^b); −∞ is the identity.
@inline(__always) func logAdd(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + Foundation.log1p(Foundation.exp(b - a)) : b + Foundation.log1p(Foundation.exp(a - b))
}
