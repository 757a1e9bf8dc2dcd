import Foundation
import SignTensor

/// How BLEU treats an n-gram order without any match (Chen & Cherry 2014, as in sacreBLEU).
public enum BLEUSmoothing: Sendable, Equatable {
    /// No smoothing: a zero precision makes BLEU 0.
    case none
    /// Method 1: a zero count becomes `value` (sacreBLEU's default value 0.1).
    case floor(Double)
    /// Method 2: add `value` to the counts and totals of orders ≥ 2 (default 1).
    case addK(Double)
    /// Method 3, sacreBLEU's default (NIST mteval-v13a): the k-th zero-count order gets precision
    /// 100 / (2^k · total_n).
    case exp
}

/// A BLEU score with its statistics (precisions in percent, as sacreBLEU prints them).
public struct BLEUScore: Sendable, Equatable {
    /// BLEU in 0…100.
    public var score: Double
    /// Modified n-gram precisions p_1 … p_N in percent (after smoothing).
    public var precisions: [Double]
    public var brevityPenalty: Double
    public var systemLength: Int
    public var referenceLength: Int
}

/// Corpus BLEU exactly as `sacrebleu.metrics.BLEU(...).corpus_score(hypotheses, references)`
/// (sacreBLEU 2.x, `metrics/bleu.py`):
///
/// - each segment is tokenized (`BLEUTokenizer`); for every order n ≤ N the hypothesis n-gram counts
///   are clipped by the largest count of that n-gram in any one reference ("modified precision"):
///   correct_n += Σ_g min(c_hyp(g), max_r c_r(g)),  total_n += Σ_g c_hyp(g);
/// - the segment's reference length is the reference length closest to the hypothesis length
///   (the shorter one on ties); c = Σ hypothesis lengths, r = Σ those reference lengths;
/// - BP = 1 if c ≥ r, else e^{1 − r/c} (0 when c = 0);
/// - p_n = 100·correct_n/total_n, smoothed as `BLEUSmoothing` says; the loop over n stops at the
///   first order with total_n = 0 (its precision stays 0);
/// - BLEU = BP · exp((1/N′) Σ_{n ≤ N′} log p_n) with log 0 = −9999999999 (sacreBLEU's `my_log`),
///   N′ = N, or with `effectiveOrder` the last order that had n-grams; BLEU = 0 when no n-gram of
///   any order ≤ N matched.
///
/// BLEU-n for n < N uses the same statistics truncated to orders 1…n, which is what sacreBLEU
/// computes with `max_ngram_order = n` (its counts of order k do not depend on the maximum order).
/// So one accumulator gives BLEU-1…BLEU-4 as `BLEU(max_ngram_order=n).corpus_score(...).score`
/// reports them — the convention of the SLT papers' "BLEU-1…4" (joeynmt/TwoStream/Uni-Sign report
/// the cumulative scores, not the single precisions).
public struct CorpusBLEU: Sendable {
    public let tokenizer: BLEUTokenizer
    public let maxOrder: Int
    public let lowercase: Bool
    public private(set) var systemLength = 0
    public private(set) var referenceLength = 0
    /// correct_n and total_n for n = 1 … maxOrder.
    public private(set) var correct: [Int]
    public private(set) var total: [Int]
    public private(set) var segmentCount = 0

    public init(tokenizer: BLEUTokenizer = .thirteenA, maxOrder: Int = 4, lowercase: Bool = false) throws {
        guard maxOrder >= 1 else { throw TensorError("CorpusBLEU", "maxOrder must be ≥ 1, got \(maxOrder)") }
        self.tokenizer = tokenizer
        self.maxOrder = maxOrder
        self.lowercase = lowercase
        correct = Array(repeating: 0, count: maxOrder)
        total = Array(repeating: 0, count: maxOrder)
    }

    /// Adds one segment: a hypothesis and its references (at least one).
    public mutating func add(hypothesis: String, references: [String]) throws {
        guard !references.isEmpty else { throw TensorError("CorpusBLEU", "segment \(segmentCount) has no reference") }
        var refCounts: [[String]: Int] = [:]
        var refLengths: [Int] = []
        for ref in references {
            let tokens = tokenizer.tokenize(ref, lowercase: lowercase)
            refLengths.append(tokens.count)
            for (g, c) in Self.ngramCounts(tokens, maxOrder: maxOrder) { refCounts[g] = Swift.max(refCounts[g] ?? 0, c) }
        }
        let hyp = tokenizer.tokenize(hypothesis, lowercase: lowercase)
        for (g, c) in Self.ngramCounts(hyp, maxOrder: maxOrder) {
            total[g.count - 1] += c
            if let r = refCounts[g] { correct[g.count - 1] += Swift.min(c, r) }
        }
        systemLength += hyp.count
        referenceLength += Self.closestReferenceLength(hyp.count, refLengths)
        segmentCount += 1
    }

    /// BLEU with orders 1…`order` (default `maxOrder`).
    public func score(order: Int? = nil, smoothing: BLEUSmoothing = .exp, effectiveOrder: Bool = false) throws -> BLEUScore {
        let n = order ?? maxOrder
        guard n >= 1 && n <= maxOrder else { throw TensorError("CorpusBLEU", "order must be in 1…\(maxOrder), got \(n)") }
        return Self.compute(correct: Array(correct[0..<n]), total: Array(total[0..<n]), systemLength: systemLength,
                            referenceLength: referenceLength, smoothing: smoothing, effectiveOrder: effectiveOrder)
    }

    /// BLEU-1 … BLEU-maxOrder (each the score with that maximum order).
    public func cumulativeScores(smoothing: BLEUSmoothing = .exp) throws -> [Double] {
        try (1...maxOrder).map { try score(order: $0, smoothing: smoothing).score }
    }

    /// sacreBLEU's `compute_bleu` from sufficient statistics (see the type doc).
    public static func compute(correct c: [Int], total t: [Int], systemLength: Int, referenceLength: Int,
                               smoothing: BLEUSmoothing = .exp, effectiveOrder: Bool = false) -> BLEUScore {
        let n = c.count
        var bp = 1.0
        if systemLength < referenceLength {
            bp = systemLength > 0 ? Foundation.exp(1 - Double(referenceLength) / Double(systemLength)) : 0
        }
        var precisions = Array(repeating: 0.0, count: n)
        guard c.contains(where: { $0 != 0 }) else {
            return BLEUScore(score: 0, precisions: precisions, brevityPenalty: bp, systemLength: systemLength, referenceLength: referenceLength)
        }
        var correct = c.map(Double.init), total = t.map(Double.init)
        var smoothMteval = 1.0
        var eff = n
        for k in 1...n {
            if case .addK(let v) = smoothing, k > 1 { correct[k - 1] += v; total[k - 1] += v }
            if total[k - 1] == 0 { break }
            if effectiveOrder { eff = k }
            if correct[k - 1] == 0 {
                switch smoothing {
                case .exp:
                    smoothMteval *= 2
                    precisions[k - 1] = 100 / (smoothMteval * total[k - 1])
                case .floor(let v):
                    precisions[k - 1] = 100 * v / total[k - 1]
                case .none, .addK:
                    break
                }
            } else {
                precisions[k - 1] = 100 * correct[k - 1] / total[k - 1]
            }
        }
        var logSum = 0.0
        for p in precisions[0..<eff] { logSum += p == 0 ? -9_999_999_999 : Foundation.log(p) }
        let score = bp * Foundation.exp(logSum / Double(eff))
        return BLEUScore(score: score, precisions: precisions, brevityPenalty: bp, systemLength: systemLength, referenceLength: referenceLength)
    }

    /// Counts of every n-gram with 1 ≤ n ≤ maxOrder (keys are token arrays, so their length is n).
    static func ngramCounts(_ tokens: [String], maxOrder: Int) -> [[String]: Int] {
        var counts: [[String]: Int] = [:]
        for n in 1...maxOrder where n <= tokens.count {
            for i in 0...(tokens.count - n) { counts[Array(tokens[i..<(i + n)]), default: 0] += 1 }
        }
        return counts
    }

    /// The reference length closest to `hypothesisLength`, the shorter one on ties.
    static func closestReferenceLength(_ hypothesisLength: Int, _ lengths: [Int]) -> Int {
        var bestDiff = -1, best = -1
        for l in lengths {
            let d = Swift.abs(hypothesisLength - l)
            if bestDiff == -1 || d < bestDiff { bestDiff = d; best = l }
            else if d == bestDiff && l < best { best = l }
        }
        return best
    }
}

extension CorpusBLEU {
    /// Corpus BLEU of parallel lists (one reference per hypothesis).
    public static func score(hypotheses: [String], references: [String], tokenizer: BLEUTokenizer = .thirteenA,
                             order: Int = 4, smoothing: BLEUSmoothing = .exp) throws -> BLEUScore {
        guard hypotheses.count == references.count else {
            throw TensorError("CorpusBLEU", "\(hypotheses.count) hypotheses for \(references.count) references")
        }
        var bleu = try CorpusBLEU(tokenizer: tokenizer, maxOrder: order)
        for (h, r) in zip(hypotheses, references) { try bleu.add(hypothesis: h, references: [r]) }
        return try bleu.score(smoothing: smoothing)
    }
}
