import SignCore
import SignTensor

/// Registers `head/ctc`.
///
/// The factory builds an `any TaskHead` (a `CTCHead`) from its recipe node (`CTCHeadConfig.parameters`
/// lists the fields), the build context's `encoder.dim` and its `glosses` list (the gloss vocabulary
/// that `PoseBatch.glosses` ids index); parameters are initialized from `context.seed` (stream derived
/// with the tag `CTCHeadPlugin.seedTag`).
public enum CTCHeadPlugin {
    public static let info = PluginInfo(
        kind: .head, id: "ctc",
        summary: "Continuous sign language recognition: optional temporal downsampling (Conv1d k5 + BatchNorm + ReLU + MaxPool 2), "
            + "a pre-LN Transformer, Linear to blank + glosses; loss ctc.loss = CTC (blank 0); predicts gloss sequences by greedy "
            + "or prefix beam search decoding; metrics wer (group costs del 3 / ins 3 / sub 4), wer_levenshtein, del, ins, sub (percent)",
        parameters: CTCHeadConfig.parameters,
        origin: "CTCHead")

    public static let seedTag: UInt64 = 0x4354_4300

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { (node: RecipeValue, context: BuildContext) throws -> any TaskHead in
            try build(node, context)
        }
    }

    /// Builds the head from a recipe node (`{"type": "ctc", "downsample": 4, …}`).
    public static func build(_ node: RecipeValue, _ context: BuildContext) throws -> CTCHead {
        let config = try CTCHeadConfig(recipe: node)
        let glosses = try context.list("glosses")
        var rng = RandomStream(seed: context.seed).derived(seedTag)
        do {
            return try CTCHead(config: config, inputDim: try context.dimension("encoder.dim"), glosses: glosses, rng: &rng)
        } catch let e as TensorError {
            throw RecipeError(path: node.path, message: e.message)
        }
    }
}
