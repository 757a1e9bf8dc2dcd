import SignCore
import SignTensor

/// Registers `pretext/sign-text-contrastive`.
///
/// The factory builds an `any PretextTask` (a `SignTextContrastive`) from its recipe node
/// (`ContrastiveConfig.parameters` lists the fields) and the build context's `encoder.dim` and
/// `text.dim`; parameters are initialized from `context.seed` (stream derived with `seedTag`).
public enum SignTextContrastivePlugin {
    public static let info = PluginInfo(
        kind: .pretext, id: "sign-text-contrastive",
        summary: "Fine-grained sign–text contrastive learning: pose and frozen text tokens projected to a shared space, "
            + "token-level max-mean similarity (or global cosine), symmetric InfoNCE with a learnable temperature and duplicate texts "
            + "excluded as negatives; loss contrastive.infonce",
        parameters: ContrastiveConfig.parameters,
        origin: "SignTextContrastive")

    public static let seedTag: UInt64 = 0x5354_4300

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { (node: RecipeValue, context: BuildContext) throws -> any PretextTask in
            try build(node, context)
        }
    }

    /// Builds the task from a recipe node (`{"type": "sign-text-contrastive", "embedDim": 512, …}`).
    public static func build(_ node: RecipeValue, _ context: BuildContext) throws -> SignTextContrastive {
        let config = try ContrastiveConfig(recipe: node)
        var rng = RandomStream(seed: context.seed).derived(seedTag)
        return try SignTextContrastive(config: config, encoderDim: try context.dimension("encoder.dim"),
                                       textDim: try context.dimension("text.dim"), rng: &rng)
    }
}
