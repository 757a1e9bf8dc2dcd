import SignCore
import SignTensor

/// Registers `head/islr`.
///
/// The factory builds an `any TaskHead` (an `ISLRHead`) from its recipe node (`ISLRConfig.parameters`
/// lists the fields), the build context's `encoder.dim` and its list `labels` (class names, in class
/// index order); parameters are initialized from `context.seed` (stream derived with `seedTag`).
public enum ISLRHeadPlugin {
    public static let info = PluginInfo(
        kind: .head, id: "islr",
        summary: "Isolated sign recognition: temporal attention pooling of the encoder tokens (Linear D→1 score per frame, "
            + "softmax over valid frames), dropout, Linear classifier over the label list; loss islr.ce (label-smoothed "
            + "cross-entropy), metrics top1/top5 per instance and per class, confusion_matrix.csv",
        parameters: ISLRConfig.parameters,
        origin: "ISLRHead")

    public static let seedTag: UInt64 = 0x4953_4C52

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { (node: RecipeValue, context: BuildContext) throws -> any TaskHead in
            try build(node, context)
        }
    }

    /// Builds the head from a recipe node (`{"type": "islr", "labelSmoothing": 0.1, "dropout": 0.1}`).
    public static func build(_ node: RecipeValue, _ context: BuildContext) throws -> ISLRHead {
        let config = try ISLRConfig(recipe: node)
        var rng = RandomStream(seed: context.seed).derived(seedTag)
        return try ISLRHead(config: config, encoderDim: try context.dimension("encoder.dim"), labels: try context.list("labels"), rng: &rng)
    }
}
