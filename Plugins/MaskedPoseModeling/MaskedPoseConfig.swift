import SignCore
import SignPose

/// How masked pose modeling hides inputs: one strategy is drawn per masking step, with probability
/// proportional to its weight (paper notes §4.1: SignBERT+ mixes joint, frame and clip masking,
/// MASA masks whole part tokens).
public enum MaskStrategy: String, CaseIterable, Sendable {
    /// One frame: all four part tokens of that frame.
    case frame
    /// `minClipLength…maxClipLength` consecutive valid frames, each with all four part tokens.
    case clip
    /// Some part tokens of one frame: body, left hand, right hand and the non-manual token are each
    /// masked independently with `partProbability` (at least one of those the layout has).
    case part
    /// 1…`jointsPerFrame` keypoints of one frame (their inputs are zeroed before embedding).
    case joint
}

/// The recipe of `pretext/masked-pose`, validated; every field has a default.
public struct MaskedPoseConfig: Sendable {
    /// Fraction of each clip's valid (unpadded) frames that carry some masking.
    public var maskRatio: Double = 0.5
    /// Relative weights of the strategies (≥ 0, at least one > 0), in `MaskStrategy` order.
    public var strategyWeights: [MaskStrategy: Double] = [.frame: 1, .clip: 1, .part: 1, .joint: 1]
    public var minClipLength = 2
    public var maxClipLength = 8
    /// Probability that each part token is masked when the `part` strategy is drawn.
    public var partProbability: Double = 0.5
    /// The most keypoints one `joint` step masks (it draws 1…this many uniformly).
    public var jointsPerFrame = 5
    /// The layout whose per-part point counts size the decoder's heads.
    public var layoutName = "mslu-79"
    /// Pose decoder: width, pre-LN Transformer layers, heads, feed-forward width, dropout.
    public var decoderDim = 256
    public var decoderLayers = 2
    public var decoderHeads = 8
    public var decoderFFDim = 1024
    public var dropout: Double = 0.1
    /// The decoder also sees, per frame, the visible keypoints around each point (`VisiblePoseContext`)
    /// and predicts the residual from the copy of the nearest visible frame.
    public var visibleContext = true

    public init() {}

    /// Recipe field names with their meaning and default (shown by `signzoo registry info`).
    public static let parameters: [(name: String, help: String)] = [
        ("maskRatio", "fraction of each clip's valid (unpadded) frames that carry masking, 0.0…1.0 (default 0.5)"),
        ("strategies", "relative weights {frame, clip, part, joint}, each ≥ 0, not all 0 (default all 1); missing keys weigh 0 when the object is given"),
        ("minClipLength", "shortest clip of the clip strategy, ≥ 2 (default 2)"),
        ("maxClipLength", "longest clip, ≥ minClipLength (default 8)"),
        ("partProbability", "part strategy: chance that each part token (body, left hand, right hand, non-manual) is masked, 0.0…1.0 (default 0.5; at least one is always masked)"),
        ("jointsPerFrame", "joint strategy: masks 1…this many keypoints of a frame, ≥ 1 (default 5)"),
        ("layout", "pose layout whose per-part point counts size the decoder heads (default \"mslu-79\"); batches must have the same point count per part"),
        ("decoderDim", "pose decoder width, ≥ 1 (default 256)"),
        ("decoderLayers", "pre-LN Transformer layers of the decoder, ≥ 0 (default 2)"),
        ("decoderHeads", "attention heads, must divide decoderDim (default 8)"),
        ("decoderFFDim", "feed-forward width, ≥ 1 (default 1024)"),
        ("dropout", "decoder dropout, 0.0…0.9 (default 0.1)"),
        ("visibleContext", "the decoder also gets each point's nearest visible values (never the masked ones) and predicts the residual from "
            + "copying the nearest visible frame (default true; false: tokens only)"),
    ]

    static let knownKeys = ["type"] + parameters.map(\.name)

    /// Reads and validates a recipe node; errors name the JSON path (`pretext[0].maskRatio: …`).
    public init(recipe node: RecipeValue) throws {
        try node.rejectUnknownKeys(Self.knownKeys)
        maskRatio = try node.number("maskRatio", default: 0.5, in: 0...1)
        if let s = try node.optional("strategies") {
            try s.rejectUnknownKeys(MaskStrategy.allCases.map(\.rawValue))
            var weights: [MaskStrategy: Double] = [:]
            for strategy in MaskStrategy.allCases {
                weights[strategy] = try s.number(strategy.rawValue, default: 0, in: 0...1e6)
            }
            guard weights.values.contains(where: { $0 > 0 }) else {
                throw RecipeError(path: s.path, message: "expected at least one strategy weight > 0, got all 0")
            }
            strategyWeights = weights
        }
        minClipLength = try node.int("minClipLength", default: 2, in: 2...4096)
        maxClipLength = try node.int("maxClipLength", default: 8, in: minClipLength...4096)
        partProbability = try node.number("partProbability", default: 0.5, in: 0...1)
        jointsPerFrame = try node.int("jointsPerFrame", default: 5, in: 1...100_000)
        layoutName = try node.string("layout", default: "mslu-79")
        if let l = try node.optional("layout") {
            do { _ = try PoseLayouts.named(layoutName) } catch {
                throw RecipeError(path: l.path, message: "unknown layout \"\(layoutName)\"; registered: \(PoseLayouts.names.joined(separator: ", "))")
            }
        }
        decoderDim = try node.int("decoderDim", default: 256, in: 1...1_000_000)
        decoderLayers = try node.int("decoderLayers", default: 2, in: 0...1000)
        decoderHeads = try node.int("decoderHeads", default: 8, in: 1...1_000_000)
        if decoderDim % decoderHeads != 0 {
            throw RecipeError(path: recipePath(node.path, "decoderHeads"),
                              message: "expected a divisor of decoderDim \(decoderDim), got \(decoderHeads)")
        }
        decoderFFDim = try node.int("decoderFFDim", default: 1024, in: 1...10_000_000)
        dropout = try node.number("dropout", default: 0.1, in: 0...0.9)
        visibleContext = try node.bool("visibleContext", default: true)
    }

}

/// `path.key` (or `key` at the root), as RecipeValue builds paths.
func recipePath(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
