import SignTensor

/// How ROUGE-L splits a sentence into units.
public enum RougeTokenization: String, Sendable, CaseIterable {
    /// Whitespace-separated words (Python `str.split()`), as the SLT evaluation scripts do.
    case words
    /// Every non-whitespace character (Unicode scalar) — character-level ROUGE for Chinese (CSL-Daily).
    case characters

    public func units(_ text: String) -> [String] {
        switch self {
        case .words: return PythonText.split(text)
        case .characters: return text.unicodeScalars.filter { !PythonText.isSpace($0) }.map { String($0) }
        }
    }
}

/// Sentence-level ROUGE-L (Lin 2004, LCS-based F-measure), averaged over sentences, as the sign
/// language translation papers report it.
///
/// For a candidate c and references r_1…r_k (each a list of units):
///   P = max_i LCS(c, r_i)/|c|,   R = max_i LCS(c, r_i)/|r_i|,
///   F_β = (1 + β²)·P·R / (R + β²·P)   (0 when P = 0 or R = 0),
/// the formula and β = 1.2 of the MS-COCO caption evaluation (`pycocoevalcap/rouge/rouge.py`),
/// which GFSLT-VLP uses through nlg-eval and joeynmt-based SLT code (Camgoz et al.'s `mscoco_rouge`)
/// uses directly. β > 1 weighs recall more. An empty candidate or reference scores 0.
///
/// Peers differ here (documented so numbers are compared knowingly): TwoStream-SLT and Uni-Sign call
/// a TensorFlow-NMT `rouge.py` whose F uses β = P/R, which reduces to LCS·(m² + n²)/(m³ + n³); the
/// `rouge-score` package reports β = 1 (F1) after lower-casing and dropping non-alphanumerics.
/// β = 1 with the same units reproduces `rouge-score`'s F1 (tested).
public enum RougeL {
    /// Length of the longest common subsequence, O(|a|·|b|) time, O(|b|) memory.
    public static func lcsLength(_ a: [String], _ b: [String]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var prev = [Int](repeating: 0, count: b.count + 1)
        var cur = prev
        for x in a {
            for j in 1...b.count {
                cur[j] = x == b[j - 1] ? prev[j - 1] + 1 : Swift.max(prev[j], cur[j - 1])
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// F_β of one candidate against its references (in 0…1).
    public static func sentenceScore(candidate: [String], references: [[String]], beta: Double = 1.2) -> Double {
        guard !candidate.isEmpty else { return 0 }
        var precision = 0.0, recall = 0.0
        for ref in references where !ref.isEmpty {
            let l = Double(lcsLength(candidate, ref))
            precision = Swift.max(precision, l / Double(candidate.count))
            recall = Swift.max(recall, l / Double(ref.count))
        }
        guard precision > 0, recall > 0 else { return 0 }
        let b2 = beta * beta
        return (1 + b2) * precision * recall / (recall + b2 * precision)
    }
}

/// Running mean of sentence-level ROUGE-L over a corpus, reported in percent (0…100) like BLEU.
public struct CorpusRougeL: Sendable {
    public let tokenization: RougeTokenization
    public let beta: Double
    public private(set) var sum = 0.0
    public private(set) var count = 0

    public init(tokenization: RougeTokenization = .words, beta: Double = 1.2) throws {
        guard beta > 0, beta.isFinite else { throw TensorError("CorpusRougeL", "beta must be a positive number, got \(beta)") }
        self.tokenization = tokenization
        self.beta = beta
    }

    public mutating func add(hypothesis: String, references: [String]) throws {
        guard !references.isEmpty else { throw TensorError("CorpusRougeL", "segment \(count) has no reference") }
        sum += RougeL.sentenceScore(candidate: tokenization.units(hypothesis), references: references.map(tokenization.units), beta: beta)
        count += 1
    }

    /// 100 × the mean sentence F_β (0 for an empty corpus).
    public var score: Double { count == 0 ? 0 : 100 * sum / Double(count) }
}
