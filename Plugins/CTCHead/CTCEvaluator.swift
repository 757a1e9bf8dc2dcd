import SignCore

/// Word error rates of a `CTCHead` over an evaluation split, in percent like the group's script:
///
/// - `wer`: (S + D + I) / N of the alignments chosen with the group's costs (del 3, ins 3, sub 4),
///   summed over clips; `del`, `ins`, `sub`: D / N, I / N, S / N of those alignments.
/// - `wer_levenshtein`: the same with plain edit distance (what `jiwer` reports).
/// - `clips`, `reference_glosses`: how many clips and reference glosses were scored.
/// Artefact `ctc_predictions.tsv`: clip id, reference and hypothesis glosses (space-separated).
public final class CTCEvaluator: HeadEvaluator {
    public let head: CTCHead
    public private(set) var group = WordErrorCounts()
    public private(set) var levenshtein = WordErrorCounts()
    private var clips = 0
    private var rows: [String] = ["id\treference\thypothesis"]

    public init(head: CTCHead) { self.head = head }

    public func add(_ input: HeadInput) throws {
        let references = try head.referenceIDs(input.batch)
        let hypotheses = try head.decodeIDs(input.encoded)
        for (clip, (r, h)) in zip(references, hypotheses).enumerated() {
            group += wordErrors(reference: r, hypothesis: h, costs: .groupEvaluation)
            levenshtein += wordErrors(reference: r, hypothesis: h, costs: .levenshtein)
            clips += 1
            let words = { (ids: [Int]) in ids.map { self.head.glosses[$0] }.joined(separator: " ") }
            rows.append("\(input.batch.ids[clip])\t\(words(r))\t\(words(h))")
        }
    }

    public func metrics() throws -> [String: Double] {
        ["wer": 100 * group.wordErrorRate, "del": 100 * group.deletionRate, "ins": 100 * group.insertionRate,
         "sub": 100 * group.substitutionRate, "wer_levenshtein": 100 * levenshtein.wordErrorRate,
         "clips": Double(clips), "reference_glosses": Double(group.referenceWords)]
    }

    public func artefacts() throws -> [String: String] {
        ["ctc_predictions.tsv": rows.joined(separator: "\n") + "\n"]
    }
}
