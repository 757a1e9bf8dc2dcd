import SignCore
import SignPose
import SignTensor

/// Registers `pretext/masked-pose`.
///
/// The factory builds an `any PretextTask` (a `MaskedPoseModeling`) from its recipe node
/// (`MaskedPoseConfig.parameters` lists the fields) and the build context's `encoder.dim`;
/// parameters are initialized from `context.seed` (stream derived with the tag `MaskedPoseModelingPlugin.seedTag`).
public enum MaskedPoseModelingPlugin {
    public static let info = PluginInfo(
        kind: .pretext, id: "masked-pose",
        summary: "Masked pose modeling: hide frames, clips, part tokens and joints of valid frames; a pre-LN Transformer pose decoder "
            + "with one linear head per part reconstructs (x, y); loss masked_pose.l1 = confidence-weighted L1 over masked points",
        parameters: MaskedPoseConfig.parameters,
        origin: "MaskedPoseModeling")

    public static let seedTag: UInt64 = 0x4D50_4D00

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { (node: RecipeValue, context: BuildContext) throws -> any PretextTask in
            try build(node, context)
        }
    }

    /// Builds the task from a recipe node (`{"type": "masked-pose", "maskRatio": 0.5, …}`).
    public static func build(_ node: RecipeValue, _ context: BuildContext) throws -> MaskedPoseModeling {
        let config = try MaskedPoseConfig(recipe: node)
        let layout = try PoseLayouts.named(config.layoutName)
        var rng = RandomStream(seed: context.seed).derived(seedTag)
        return try MaskedPoseModeling(config: config, encoderDim: try context.dimension("encoder.dim"), layout: layout, rng: &rng)
    }
}
