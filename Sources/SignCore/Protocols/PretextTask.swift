import SignNN
import SignTensor

/// The loss terms (unweighted scalars) and metrics of one pretext task on one batch.
public struct PretextResult {
    public var terms: [String: Tensor]
    public var metrics: [String: Float]
    public init(terms: [String: Tensor], metrics: [String: Float] = [:]) { self.terms = terms; self.metrics = metrics }
}

/// What a pretext task may use besides the encoder and the batch. The unmasked encoding is computed
/// at most once per batch and shared by every task that asks for it.
public final class PretextContext {
    public let encoder: any PoseEncoder
    public let batch: PoseBatch
    public let textEncoder: (any TextEncoder)?
    /// This task's own random stream (masking); derived per task and step, so runs are reproducible.
    public var rng: RandomStream
    private var cachedUnmasked: EncoderOutput?

    public init(encoder: any PoseEncoder, batch: PoseBatch, textEncoder: (any TextEncoder)?, rng: RandomStream) {
        self.encoder = encoder; self.batch = batch; self.textEncoder = textEncoder; self.rng = rng
    }

    /// The encoder's output on the batch without masking (computed once per batch).
    public func unmasked() throws -> EncoderOutput {
        if let cachedUnmasked { return cachedUnmasked }
        let out = try encoder.encode(batch, masking: nil)
        cachedUnmasked = out
        return out
    }
}

/// A self-supervised objective over the encoder (`pretext/…` plugins). It owns its extra modules
/// (a pose decoder, projections, a temperature): they are its parameters, saved with the
/// pre-training checkpoint under `pretext.<id>.` and dropped when fine-tuning.
public protocol PretextTask: Module {
    /// Prefix of this task's loss terms and metrics in logs (`masked_pose`, `contrastive`).
    var termPrefix: String { get }
    /// Whether the batch must carry texts.
    var needsText: Bool { get }
    func compute(_ context: PretextContext) throws -> PretextResult
}
