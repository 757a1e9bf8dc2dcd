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
}

extension PoseEncoder {
    public func encode(_ batch: PoseBatch) throws -> EncoderOutput { try encode(batch, masking: nil) }
}
