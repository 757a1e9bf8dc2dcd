/// Word error rate: align a hypothesis word sequence with its reference by minimum-cost edit
/// operations, then count the substitutions S, deletions D and insertions I of the chosen alignment:
///   WER = (S + D + I) / N,   N = reference length.
///
/// Two cost settings matter (paper notes §5):
/// - `EditCosts.groupEvaluation` (deletion 3, insertion 3, substitution 4): the group's CSLR
///   evaluation script (TwoStream / Uni-Sign `wer_single`, NIST sclite's conventional costs). It
///   minimizes 3·(S + D + I) + S, so it may pick an alignment with more errors but fewer
///   substitutions than Levenshtein does; the reported WER counts the errors of that alignment.
/// - `EditCosts.levenshtein` (all 1): plain edit distance, as `jiwer` and most ASR toolkits report.
///
/// The dynamic programme, with r the reference, h the hypothesis and costs (del, ins, sub):
///   d[i][0] = i·del,  d[0][j] = j·ins
///   d[i][j] = d[i−1][j−1]                                            if r_i = h_j
///           = min(d[i−1][j−1] + sub, d[i][j−1] + ins, d[i−1][j] + del) otherwise
/// and the alignment is read back from (|r|, |h|) preferring, in this order, a correct word
/// (r_x = h_y and d unchanged), a substitution, an insertion, else a deletion — the order of the
/// group's `get_alignment`, so ties resolve as theirs do. (Their matrix is `uint8`, which wraps for
/// long sentences; this one uses Int.)
public struct EditCosts: Sendable, Equatable {
    public var deletion: Int
    public var insertion: Int
    public var substitution: Int
    /// Costs are meant to be ≥ 0.
    public init(deletion: Int, insertion: Int, substitution: Int) {
        self.deletion = deletion; self.insertion = insertion; self.substitution = substitution
    }
    /// Plain Levenshtein distance.
    public static let levenshtein = EditCosts(deletion: 1, insertion: 1, substitution: 1)
    /// The group's evaluation costs: deletion 3, insertion 3, substitution 4.
    public static let groupEvaluation = EditCosts(deletion: 3, insertion: 3, substitution: 4)
}

/// One step of an alignment, in reference order.
public enum AlignmentStep: Character, Sendable, Equatable {
    case correct = "C", substitution = "S", insertion = "I", deletion = "D"
}

/// Error counts of one or more aligned sentences (they add up over a corpus).
public struct WordErrorCounts: Sendable, Equatable {
    public var correct = 0
    public var substitutions = 0
    public var deletions = 0
    public var insertions = 0
    /// N: reference words.
    public var referenceWords = 0

    public init(correct: Int = 0, substitutions: Int = 0, deletions: Int = 0, insertions: Int = 0, referenceWords: Int = 0) {
        self.correct = correct; self.substitutions = substitutions; self.deletions = deletions
        self.insertions = insertions; self.referenceWords = referenceWords
    }

    /// Counts of an alignment.
    public init(_ steps: [AlignmentStep]) {
        for s in steps {
            switch s {
            case .correct: correct += 1
            case .substitution: substitutions += 1
            case .deletion: deletions += 1
            case .insertion: insertions += 1
            }
        }
        referenceWords = correct + substitutions + deletions
    }

    /// S + D + I.
    public var errors: Int { substitutions + deletions + insertions }

    /// (S + D + I) / N as a fraction; with no reference words, 0 when there are no errors, else +∞.
    public var wordErrorRate: Double { rate(errors) }
    public var substitutionRate: Double { rate(substitutions) }
    public var deletionRate: Double { rate(deletions) }
    public var insertionRate: Double { rate(insertions) }

    private func rate(_ n: Int) -> Double {
        referenceWords > 0 ? Double(n) / Double(referenceWords) : (n == 0 ? 0 : .infinity)
    }

    public static func + (a: WordErrorCounts, b: WordErrorCounts) -> WordErrorCounts {
        WordErrorCounts(correct: a.correct + b.correct, substitutions: a.substitutions + b.substitutions,
                        deletions: a.deletions + b.deletions, insertions: a.insertions + b.insertions,
                        referenceWords: a.referenceWords + b.referenceWords)
    }

    public static func += (a: inout WordErrorCounts, b: WordErrorCounts) { a = a + b }
}

/// The minimum-cost alignment of `hypothesis` to `reference` (see `EditCosts` for the programme and
/// the tie-breaking), as steps in reference order.
public func alignWords<Word: Equatable>(reference r: [Word], hypothesis h: [Word], costs: EditCosts = .groupEvaluation) -> [AlignmentStep] {
    let rows = r.count + 1, cols = h.count + 1
    var d = [Int](repeating: 0, count: rows * cols)
    for i in 0..<rows { d[i * cols] = i * costs.deletion }
    for j in 0..<cols { d[j] = j * costs.insertion }
    for i in 1..<rows {
        for j in 1..<cols {
            d[i * cols + j] = r[i - 1] == h[j - 1]
                ? d[(i - 1) * cols + j - 1]
                : Swift.min(d[(i - 1) * cols + j - 1] + costs.substitution, d[i * cols + j - 1] + costs.insertion,
                            d[(i - 1) * cols + j] + costs.deletion)
        }
    }
    var steps: [AlignmentStep] = []
    steps.reserveCapacity(rows + cols)
    var x = r.count, y = h.count
    while x > 0 || y > 0 {
        let here = d[x * cols + y]
        if x >= 1, y >= 1, here == d[(x - 1) * cols + y - 1], r[x - 1] == h[y - 1] {
            steps.append(.correct); x -= 1; y -= 1
        } else if x >= 1, y >= 1, here == d[(x - 1) * cols + y - 1] + costs.substitution {
            steps.append(.substitution); x -= 1; y -= 1
        } else if y >= 1, here == d[x * cols + y - 1] + costs.insertion {
            steps.append(.insertion); y -= 1
        } else if x >= 1 {
            steps.append(.deletion); x -= 1
        } else {
            steps.append(.insertion); y -= 1   // only reached with negative costs
        }
    }
    return steps.reversed()
}

/// Error counts of the chosen alignment of one sentence.
public func wordErrors<Word: Equatable>(reference: [Word], hypothesis: [Word], costs: EditCosts = .groupEvaluation) -> WordErrorCounts {
    WordErrorCounts(alignWords(reference: reference, hypothesis: hypothesis, costs: costs))
}

/// Error counts of two whitespace-separated sentences (as the group's script splits them).
public func wordErrors(reference: String, hypothesis: String, costs: EditCosts = .groupEvaluation) -> WordErrorCounts {
    wordErrors(reference: reference.split(whereSeparator: \.isWhitespace).map(String.init),
               hypothesis: hypothesis.split(whereSeparator: \.isWhitespace).map(String.init), costs: costs)
}
