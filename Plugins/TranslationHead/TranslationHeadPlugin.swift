import SignCore
import SignTensor

/// Registers `head/translation`.
///
/// The factory builds an `any TaskHead` (a `TranslationHead`) from its recipe node
/// (`TranslationConfig.parameters` lists the fields) and the build context:
/// - `encoder.dim` (dimension): the encoder's token width;
/// - lists: `vocabulary` (restore: the token list a fine-tuned checkpoint stored, used as is) or
///   else `texts` (build: the training sentences, from which the vocabulary is made);
/// - values: `language` (optional; the recipe's `language` wins) for `auto` tokenization and BLEU.
/// When restoring with `tokenization: auto`, the tokenization is read off the token list (word level
/// iff it holds ▁-marked words). Parameters are initialized from `context.seed` (stream derived
/// with `seedTag`).
public enum TranslationHeadPlugin {
    public static let info = PluginInfo(
        kind: .head, id: "translation",
        summary: "Gloss-free translation: Linear to d_model, a pre-LN Transformer decoder (causal self-attention, cross-attention over the "
            + "pose tokens) with learned positions and tied or untied output; loss translation.ce (label-smoothed, pads ignored); "
            + "greedy or beam search (GNMT length penalty) with a KV cache; metrics bleu1…bleu4 (sacreBLEU) and rouge_l",
        parameters: TranslationConfig.parameters,
        origin: "TranslationHead")

    public static let seedTag: UInt64 = 0x534C_5448

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { (node: RecipeValue, context: BuildContext) throws -> any TaskHead in
            try build(node, context)
        }
    }

    /// Builds the head from a recipe node (`{"type": "translation", "beamWidth": 5, …}`).
    public static func build(_ node: RecipeValue, _ context: BuildContext) throws -> TranslationHead {
        var config = try TranslationConfig(recipe: node)
        if config.language == nil, let l = context.values["language"], !l.isEmpty { config.language = l }
        let vocabulary: TextVocabulary
        if let tokens = context.lists["vocabulary"] {
            let tokenization = config.tokenization ?? TextVocabulary.inferTokenization(tokens)
            vocabulary = try TextVocabulary(tokens: tokens, tokenization: tokenization, lowercase: config.lowercase)
        } else if let texts = context.lists["texts"] {
            guard !texts.isEmpty else {
                throw RegistryError(message: "\(node.path.isEmpty ? "head" : node.path): the build context's \"texts\" list is empty; the translation vocabulary is built from the training sentences")
            }
            let tokenization = config.tokenization ?? TextTokenization.automatic(texts: texts, language: config.language)
            vocabulary = try TextVocabulary.build(texts: texts, tokenization: tokenization, lowercase: config.lowercase,
                                                  minFrequency: config.minFrequency, maxSize: config.maxVocabulary)
        } else {
            throw RegistryError(message: "\(node.path.isEmpty ? "head" : node.path): head/translation needs the list \"texts\" (training sentences, to build the vocabulary) or \"vocabulary\" (from a checkpoint) in the build context (known: \(context.lists.keys.sorted().joined(separator: ", ")))")
        }
        var rng = RandomStream(seed: context.seed).derived(seedTag)
        return try TranslationHead(config: config, vocabulary: vocabulary, encoderDim: try context.dimension("encoder.dim"), rng: &rng)
    }
}
