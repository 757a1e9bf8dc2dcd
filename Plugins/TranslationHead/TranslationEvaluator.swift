import SignCore
import SignTensor

/// Translates every clip of a split and scores the sentences against the batch texts:
///
/// - `bleu1` … `bleu4`: corpus BLEU with maximum n-gram order 1…4, exactly sacreBLEU's
///   `BLEU(tokenize=…, max_ngram_order=n).corpus_score(...).score` (0…100, exp smoothing);
///   tokenizer from the recipe, or `zh` when the targets are Chinese (language `zh` in the recipe,
///   the build context or any batch, or a char-level vocabulary) and `13a` otherwise;
/// - `rouge_l`: mean sentence-level ROUGE-L F_β (β = `rougeBeta`, 1.2) in 0…100, over words, or over
///   characters for Chinese / char-level targets.
///
/// Decoding follows the recipe (`decoding`, `beamWidth`, `lengthPenalty`, `maxDecodeLength`).
/// Artefact `translations.tsv`: id, hypothesis, reference per clip.
public final class TranslationEvaluator: HeadEvaluator {
    let head: TranslationHead
    public private(set) var ids: [String] = []
    public private(set) var hypotheses: [String] = []
    public private(set) var references: [String] = []
    private var sawChinese = false

    public init(head: TranslationHead) { self.head = head }

    public func add(_ input: HeadInput) throws {
        guard let texts = input.batch.texts else {
            throw TensorError("head/translation", "evaluation batch carries no reference texts (clips \(input.batch.ids.prefix(4).joined(separator: ", "))…)")
        }
        try add(hypotheses: head.translate(input.encoded), references: texts, ids: input.batch.ids, languages: input.batch.languages)
    }

    /// Adds already decoded sentences (the evaluator's scoring without the decoder).
    public func add(hypotheses hyps: [String], references refs: [String], ids clipIDs: [String], languages: [String]? = nil) throws {
        guard hyps.count == refs.count, clipIDs.count == refs.count else {
            throw TensorError("head/translation", "\(hyps.count) hypotheses, \(refs.count) references and \(clipIDs.count) ids differ")
        }
        hypotheses += hyps
        references += refs
        ids += clipIDs
        if languages?.contains(where: Self.isChinese) == true { sawChinese = true }
    }

    static func isChinese(_ language: String) -> Bool {
        let l = language.lowercased()
        return l == "zh" || l.hasPrefix("zh-") || l.hasPrefix("zh_") || l == "cmn"
    }

    /// Whether the targets are scored as Chinese (character-level ROUGE, `zh` BLEU tokenizer).
    public var chineseTargets: Bool {
        sawChinese || head.textVocabulary.tokenization == .char || head.config.language.map(Self.isChinese) == true
    }

    public var bleuTokenizer: BLEUTokenizer { head.config.bleuTokenizer ?? (chineseTargets ? .zh : .thirteenA) }

    public func metrics() throws -> [String: Double] {
        guard !hypotheses.isEmpty else { throw TensorError("head/translation", "no clip was evaluated") }
        var bleu = try CorpusBLEU(tokenizer: bleuTokenizer, maxOrder: 4)
        var rouge = try CorpusRougeL(tokenization: chineseTargets ? .characters : .words, beta: head.config.rougeBeta)
        for (h, r) in zip(hypotheses, references) {
            try bleu.add(hypothesis: h, references: [r])
            try rouge.add(hypothesis: h, references: [r])
        }
        var out: [String: Double] = ["rouge_l": rouge.score]
        for n in 1...4 { out["bleu\(n)"] = try bleu.score(order: n).score }
        return out
    }

    public func artefacts() throws -> [String: String] {
        func clean(_ s: String) -> String { String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }) }
        var lines = ["id\thypothesis\treference"]
        for i in hypotheses.indices { lines.append("\(clean(ids[i]))\t\(clean(hypotheses[i]))\t\(clean(references[i]))") }
        return ["translations.tsv": lines.joined(separator: "\n") + "\n"]
    }
}
