import SignCore
import SignNN

/// How `predict` and the evaluator generate sentences.
public enum TranslationDecoding: String, CaseIterable, Sendable {
    case greedy, beam
}

/// The recipe of `head/translation`, validated; every field has a default.
public struct TranslationConfig: Sendable {
    /// `auto`, `word` or `char` (nil = auto: decided from the language and the training texts).
    public var tokenization: TextTokenization?
    /// Target language (`de`, `zh`, …) for `auto` tokenization and the BLEU tokenizer; nil = unknown.
    public var language: String?
    public var lowercase = false
    public var minFrequency = 1
    public var maxVocabulary = 0
    public var dModel = 256
    public var layers = 3
    public var heads = 4
    public var ffDim = 1024
    public var dropout: Double = 0.1
    public var activation: Activation = .gelu
    /// Longest training target in tokens, `<eos>` included (longer sentences are truncated).
    public var maxLength = 50
    /// Most tokens generated at inference, `<eos>` included.
    public var maxDecodeLength = 100
    public var labelSmoothing: Double = 0.2
    public var tieEmbeddings = true
    public var decoding: TranslationDecoding = .beam
    public var beamWidth = 4
    /// GNMT length penalty exponent α: hypotheses are ranked by log P / ((5 + |Y|)/6)^α.
    public var lengthPenalty: Double = 1.0
    /// BLEU tokenizer: nil = auto (`zh` for Chinese or char-level vocabularies, else `13a`).
    public var bleuTokenizer: BLEUTokenizer?
    /// ROUGE-L β.
    public var rougeBeta: Double = 1.2

    public init() {}

    /// Recipe field names with their meaning and default (shown by `signzoo registry info`).
    public static let parameters: [(name: String, help: String)] = [
        ("tokenization", "\"auto\" | \"word\" | \"char\" (default \"auto\": char when language is zh or at least half the letters of the training texts are CJK, else word)"),
        ("language", "target language code, e.g. \"de\", \"zh\" (default: none; also read from the build context value \"language\")"),
        ("lowercase", "lower-case targets before tokenizing (default false)"),
        ("minFrequency", "keep pieces seen at least this often in the training texts, ≥ 1; rarer ones become <unk> (default 1)"),
        ("maxVocabulary", "most vocabulary entries including the 4 special tokens, 0 = no limit (default 0)"),
        ("dModel", "decoder width, ≥ 1 (default 256)"),
        ("layers", "pre-LN Transformer decoder layers (causal self-attention + cross-attention over the pose tokens), ≥ 1 (default 3)"),
        ("heads", "attention heads, must divide dModel (default 4)"),
        ("ffDim", "feed-forward width, ≥ 1 (default 1024)"),
        ("dropout", "dropout on embeddings, attention and feed-forward, 0.0…0.9 (default 0.1)"),
        ("activation", "\"gelu\" | \"relu\" (default \"gelu\")"),
        ("maxLength", "longest training target in tokens including <eos>, ≥ 2; longer ones are truncated (default 50)"),
        ("maxDecodeLength", "most generated tokens including <eos>, ≥ 1 (default 100)"),
        ("labelSmoothing", "label smoothing ε of translation.ce, 0.0…0.99 (default 0.2, as GFSLT-VLP and Uni-Sign)"),
        ("tieEmbeddings", "output projection shares the token embedding matrix (default true)"),
        ("decoding", "\"beam\" | \"greedy\" for predict and evaluation (default \"beam\")"),
        ("beamWidth", "beam width, ≥ 1 (default 4)"),
        ("lengthPenalty", "GNMT α ≥ 0: beams ranked by log P / ((5 + length)/6)^α (default 1.0)"),
        ("bleuTokenizer", "\"auto\" | \"13a\" | \"zh\" | \"none\" for BLEU (default \"auto\": zh for Chinese or char-level targets, else 13a)"),
        ("rougeBeta", "ROUGE-L F-measure β > 0 (default 1.2, the MS-COCO/GFSLT value)"),
    ]

    static let knownKeys = ["type"] + parameters.map(\.name)

    /// Reads and validates a recipe node; errors name the JSON path (`head.beamWidth: …`).
    public init(recipe node: RecipeValue) throws {
        try node.rejectUnknownKeys(Self.knownKeys)
        if let t = try node.optional("tokenization") {
            let s = try t.string
            if s != "auto" {
                guard let v = TextTokenization(rawValue: s) else {
                    throw RecipeError(path: t.path, message: "expected \"auto\", \"word\" or \"char\", got \"\(s)\"")
                }
                tokenization = v
            }
        }
        if let l = try node.optional("language") {
            let s = try l.string
            guard !s.isEmpty else { throw RecipeError(path: l.path, message: "expected a language code, got an empty string") }
            language = s
        }
        lowercase = try node.bool("lowercase", default: false)
        minFrequency = try node.int("minFrequency", default: 1, in: 1...1_000_000_000)
        maxVocabulary = try node.int("maxVocabulary", default: 0, in: 0...100_000_000)
        if maxVocabulary != 0 && maxVocabulary <= TextVocabulary.specials.count {
            throw RecipeError(path: Self.path(node.path, "maxVocabulary"), message: "expected 0 (no limit) or more than \(TextVocabulary.specials.count), got \(maxVocabulary)")
        }
        dModel = try node.int("dModel", default: 256, in: 1...1_000_000)
        layers = try node.int("layers", default: 3, in: 1...1000)
        heads = try node.int("heads", default: 4, in: 1...1_000_000)
        if dModel % heads != 0 {
            throw RecipeError(path: Self.path(node.path, "heads"), message: "expected a divisor of dModel \(dModel), got \(heads)")
        }
        ffDim = try node.int("ffDim", default: 1024, in: 1...10_000_000)
        dropout = try node.number("dropout", default: 0.1, in: 0...0.9)
        if let a = try node.optional("activation") {
            guard let v = Activation(rawValue: try a.string) else {
                throw RecipeError(path: a.path, message: "expected \"gelu\" or \"relu\", got \(a)")
            }
            activation = v
        }
        maxLength = try node.int("maxLength", default: 50, in: 2...100_000)
        maxDecodeLength = try node.int("maxDecodeLength", default: 100, in: 1...100_000)
        labelSmoothing = try node.number("labelSmoothing", default: 0.2, in: 0...0.99)
        tieEmbeddings = try node.bool("tieEmbeddings", default: true)
        if let d = try node.optional("decoding") {
            guard let v = TranslationDecoding(rawValue: try d.string) else {
                throw RecipeError(path: d.path, message: "expected \"beam\" or \"greedy\", got \(d)")
            }
            decoding = v
        }
        beamWidth = try node.int("beamWidth", default: 4, in: 1...1000)
        lengthPenalty = try node.number("lengthPenalty", default: 1.0, in: 0...100)
        if let b = try node.optional("bleuTokenizer") {
            let s = try b.string
            if s != "auto" {
                guard let v = BLEUTokenizer(rawValue: s) else {
                    throw RecipeError(path: b.path, message: "expected \"auto\", \"13a\", \"zh\" or \"none\", got \"\(s)\"")
                }
                bleuTokenizer = v
            }
        }
        rougeBeta = try node.number("rougeBeta", default: 1.2, in: 1e-6...1e6)
    }

    static func path(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Checks a configuration built in code (the recipe initializer checks the same rules).
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> RecipeError { RecipeError(path: field, message: message) }
        if minFrequency < 1 { throw fail("minFrequency", "expected ≥ 1, got \(minFrequency)") }
        if maxVocabulary != 0 && maxVocabulary <= TextVocabulary.specials.count { throw fail("maxVocabulary", "expected 0 or more than 4, got \(maxVocabulary)") }
        if dModel < 1 { throw fail("dModel", "expected ≥ 1, got \(dModel)") }
        if layers < 1 { throw fail("layers", "expected ≥ 1, got \(layers)") }
        if heads < 1 || dModel % heads != 0 { throw fail("heads", "expected a divisor of dModel \(dModel), got \(heads)") }
        if ffDim < 1 { throw fail("ffDim", "expected ≥ 1, got \(ffDim)") }
        if !(0...0.9).contains(dropout) { throw fail("dropout", "expected 0.0…0.9, got \(dropout)") }
        if maxLength < 2 { throw fail("maxLength", "expected ≥ 2, got \(maxLength)") }
        if maxDecodeLength < 1 { throw fail("maxDecodeLength", "expected ≥ 1, got \(maxDecodeLength)") }
        if !(0...0.99).contains(labelSmoothing) { throw fail("labelSmoothing", "expected 0.0…0.99, got \(labelSmoothing)") }
        if beamWidth < 1 { throw fail("beamWidth", "expected ≥ 1, got \(beamWidth)") }
        if !(0...100).contains(lengthPenalty) { throw fail("lengthPenalty", "expected 0…100, got \(lengthPenalty)") }
        if !(rougeBeta > 0) { throw fail("rougeBeta", "expected > 0, got \(rougeBeta)") }
    }
}
