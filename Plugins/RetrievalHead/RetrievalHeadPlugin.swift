import SignCore
import SignTensor

/// Registers `head/retrieval`.
///
/// The factory builds an `any TaskHead` (a `RetrievalHead`) from its recipe node
/// (`RetrievalConfig.parameters` lists the fields) and the build context's `encoder.dim` and
/// `text.dim`; parameters are initialized from `context.seed` (stream derived with `seedTag`).
public enum RetrievalHeadPlugin {
    public static let info = PluginInfo(
        kind: .head, id: "retrieval",
        summary: "Sign-language retrieval: dual encoder of the pooled pose feature and the pooled frozen text feature, "
            + "each projected and L2-normalized; symmetric InfoNCE with a learnable temperature and duplicate texts masked "
            + "as negatives (retrieval.infonce); metrics R@1/5/10 and median rank text→pose (t2v_*) and pose→text (v2t_*)",
        parameters: RetrievalConfig.parameters,
        origin: "RetrievalHead")

    public static let seedTag: UInt64 = 0x5254_5256

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { (node: RecipeValue, context: BuildContext) throws -> any TaskHead in
            try build(node, context)
        }
    }

    /// Builds the head from a recipe node (`{"type": "retrieval", "embedDim": 256, "pooling": "mean"}`).
    public static func build(_ node: RecipeValue, _ context: BuildContext) throws -> RetrievalHead {
        let config = try RetrievalConfig(recipe: node)
        var rng = RandomStream(seed: context.seed).derived(seedTag)
        return try RetrievalHead(config: config, encoderDim: try context.dimension("encoder.dim"),
                                 textDim: try context.dimension("text.dim"), rng: &rng)
    }
}
