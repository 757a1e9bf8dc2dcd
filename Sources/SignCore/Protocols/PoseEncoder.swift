import SignNN
import SignPose
import SignTensor

/// The per-frame tokens an encoder produces for a batch.
public struct EncoderOutput {
    /// [B, T', D] per-frame tokens (T' = T unless the encoder downsamples time).
    public var tokens: Tensor
    /// [B, T'] 1 for valid tokens.
    public var mask: Tensor
    /// [B, D] a clip-level feature (masked mean of the tokens unless the encoder says otherwise).
    public var pooled: Tensor
    /// Named intermediate streams (e.g. `manual`, `non_manual` [B, T', D_branch]) for tasks that
    /// want them; never required.
    public var streams: [String: Tensor]

    public init(tokens: Tensor, mask: Tensor, pooled: Tensor, streams: [String: Tensor] = [:]) {
        self.tokens = tokens; self.mask = mask; self.pooled = pooled; self.streams = streams
    }
}

/// The per-frame part tokens an encoder exposes to masking, in this order.
public enum PartToken: Int, CaseIterable, Sendable {
    case body, leftHand, rightHand, nonManual
    /// The layout parts each token covers.
    public var parts: [PosePart] {
        switch self {
        case .body: return [.body]
        case .leftHand: return [.leftHand]
        case .rightHand: return [.rightHand]
        case .nonManual: return [.face, .mouth]
        }
    }
    public var isManual: Bool { self != .nonManual }
}

/// What to hide from the encoder (masked pose modeling). 1 = masked.
///
/// - `partTokens` [B, T, 4] (order of `PartToken`): the encoder replaces that frame's part
///   embedding with its learnable mask token — frame and clip masking set all four.
/// - `joints` [B, T, P]: those keypoints' inputs (x, y, score) are zeroed before embedding.
public struct PoseMasking {
    public var partTokens: Tensor?
    public var joints: Tensor?
    public init(partTokens: Tensor? = nil, joints: Tensor? = nil) { self.partTokens = partTokens; self.joints = joints }
}

/// Pose sequences → per-frame tokens (`encoder/…` plugins).
///
/// An encoder must run on any layout that has the parts it needs; a part the layout lacks is
/// masked out of its stream (never silently fed zeros), and `encode` throws when a required part
/// is missing.
public protocol PoseEncoder: Module {
    /// Width D of `tokens` and `pooled`.
    var outputDim: Int { get }
    /// Encodes a batch, optionally with inputs hidden for masked modeling.
    func encode(_ batch: PoseBatch, masking: PoseMasking?) throws -> EncoderOutput
    /// How the encoder's parameters stack, for layer-wise learning-rate decay (`LayerDecay`);
    /// nil (the default) when the encoder defines no depth, and then `optimizer.layerDecay` is refused.
    func depth() throws -> EncoderDepth?
}

extension PoseEncoder {
    public func encode(_ batch: PoseBatch) throws -> EncoderOutput { try encode(batch, masking: nil) }
    public func depth() throws -> EncoderDepth? { nil }
}

/// The depth of each encoder parameter: layer 0 is the input embedding, layers 1…L the stacked
/// layers from the bottom up (L = `layers`); whatever follows the last layer (final norms, fusion)
/// belongs to layer L.
public struct EncoderDepth: Equatable, Sendable {
    /// L, the number of stacked layers above the input embedding.
    public let layers: Int
    /// Layer id in 0…L of every parameter, by its name relative to the encoder.
    public let layerOfParameter: [String: Int]

    /// Errors: a negative L, an id outside 0…L (named).
    public init(layers: Int, layerOfParameter: [String: Int]) throws {
        guard layers >= 0 else { throw RecipeError(path: "encoder", message: "an encoder depth must be ≥ 0, got \(layers)") }
        for (name, id) in layerOfParameter.sorted(by: { $0.key < $1.key }) where !(0...layers).contains(id) {
            throw RecipeError(path: "encoder", message: "parameter \(name) has layer id \(id), outside 0…\(layers)")
        }
        self.layers = layers
        self.layerOfParameter = layerOfParameter
    }
}
