import SignCore

/// Registers `encoder/mslu`, built from a recipe node read by `MSLUEncoderConfig(recipe:)` (every
/// size has a default; errors name the JSON path), seeded by the build context. The factory
/// produces `any PoseEncoder`.
public enum MSLUEncoderPlugin {
    public static let info = PluginInfo(
        kind: .encoder, id: "mslu",
        summary: "MSLU pose encoder: per-part spatial GCNs (body, shared mirrored hands, face + mouth), manual and non-manual pre-LN Transformers, fused per-frame tokens",
        parameters: MSLUEncoderConfig.parameters, origin: "MSLUEncoder")

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { (node: RecipeValue, context: BuildContext) throws -> any PoseEncoder in
            try MSLUEncoder(config: try MSLUEncoderConfig(recipe: node), seed: context.seed)
        }
    }
}
