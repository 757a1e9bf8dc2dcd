import Foundation
import SignCore
import SignNN
import SignTensor
import SignTextContrastive

/// `head/retrieval`: sign-language retrieval (SL-RT, paper notes §5) with a CLIP-style dual encoder.
///
///   v = normalize(poseProjection(pool(tokens, mask)))   pool = masked mean | attention | encoder's pooled; Linear D → E   [B, E]
///   t = normalize(textProjection(pooled text))          masked mean of the frozen `text/*` features; Linear D_text → E   [B, E]
///   s = v·tᵀ                                            cosine similarities                                              [B, B]
///   retrieval.infonce = symmetricInfoNCE(s, scale = 1/τ, duplicates of a text excluded as negatives)
///
/// Temperature: `logit_scale` holds log(1/τ), initialized to log(1/τ₀) (τ₀ = 0.07); the forward
/// pass uses min(logit_scale, log(1/τ_min)), so τ never drops below τ_min (as `pretext/sign-text-contrastive`).
/// Batch metrics: `retrieval.r1_v2t`, `retrieval.r1_t2v` (in-batch recall@1, duplicates excluded), `retrieval.tau`.
/// `predict` returns the pose embedding v of each clip (k is not used). Text features carry no
/// gradient (they are detached); the text projection is trained.
public final class RetrievalHead: Module, TaskHead, ClampedLogitScale {
    /// Present only with `pooling: "attention"`.
    public let pooling: AttentionPooling?
    public let poseProjection: Linear
    public let textProjection: Linear
    /// log(1/τ), shape [].
    public let logitScale: Tensor
    public let config: RetrievalConfig
    public let inputDim: Int
    public let textDim: Int

    public var termPrefix: String { "retrieval" }
    public var needsText: Bool { true }
    public var vocabulary: [String: [String]] { [:] }

    /// Errors: non-positive widths.
    public init(config: RetrievalConfig, encoderDim: Int, textDim: Int, rng: inout RandomStream) throws {
        guard encoderDim > 0, textDim > 0 else {
            throw TensorError("head/retrieval", "encoder and text widths must be positive, got \(encoderDim) and \(textDim)")
        }
        self.config = config
        inputDim = encoderDim
        self.textDim = textDim
        pooling = config.pooling == .attention ? AttentionPooling(encoderDim, rng: &rng) : nil
        poseProjection = Linear(encoderDim, config.embedDim, rng: &rng)
        textProjection = Linear(textDim, config.embedDim, rng: &rng)
        logitScale = Tensor(Float(Foundation.log(1 / config.temperature)), requiresGrad: config.learnTemperature)
        super.init()
    }

    /// τ_min of the clamped learnable temperature (`ClampedLogitScale`).
    public var minTemperature: Double { config.minTemperature }

    /// L2-normalized pose embeddings [B, E] of encoded clips.
    public func poseEmbedding(_ encoded: EncoderOutput) throws -> Tensor {
        guard encoded.tokens.rank == 3, encoded.tokens.shape[2] == inputDim else {
            throw TensorError("head/retrieval", "expects encoder tokens [B, T, \(inputDim)], got \(encoded.tokens.shape)")
        }
        let pooled: Tensor
        switch config.pooling {
        case .mean: pooled = try maskedMeanPool(encoded.tokens, mask: encoded.mask)
        case .attention: pooled = try pooling!(encoded.tokens, mask: encoded.mask)
        case .encoder:
            guard encoded.pooled.shape == [encoded.tokens.shape[0], inputDim] else {
                throw TensorError("head/retrieval", "expects the encoder's pooled feature [\(encoded.tokens.shape[0]), \(inputDim)], got \(encoded.pooled.shape)")
            }
            pooled = encoded.pooled
        }
        return try l2Normalized(try poseProjection(pooled))
    }

    /// L2-normalized text embeddings [B, E] of text features [B, L, D_text] (masked mean over
    /// tokens, then the projection). For the `search` command: call it inside `withNoGrad`.
    public func textEmbedding(_ features: TextFeatures) throws -> Tensor {
        let x = features.tokens
        guard x.rank == 3, x.shape[2] == textDim, features.mask.shape == Array(x.shape.prefix(2)) else {
            throw TensorError("head/retrieval", "expects text features [B, L, \(textDim)] with a [B, L] mask, got tokens \(x.shape) and mask \(features.mask.shape)")
        }
        for b in 0..<x.shape[0] {
            var any = false
            for j in 0..<x.shape[1] where features.mask.pointer[b * x.shape[1] + j] != 0 { any = true; break }
            if !any { throw TensorError("head/retrieval", "text \(b) of the batch has no valid token") }
        }
        return try l2Normalized(try textProjection(try features.pooled()))
    }

    /// The batch's texts and text features, checked against the batch size.
    func checkedText(_ input: HeadInput) throws -> (texts: [String], features: TextFeatures) {
        let batch = input.batch
        guard let texts = batch.texts else {
            throw TensorError("head/retrieval", "the batch carries no texts (clips \(Self.idList(batch.ids))); retrieval needs a text per clip")
        }
        guard let features = input.text else {
            throw TensorError("head/retrieval", "the head input has no text features; the recipe needs a \"text\" component (a text/* encoder)")
        }
        guard features.tokens.rank == 3, features.tokens.shape[0] == batch.size else {
            throw TensorError("head/retrieval", "text features \(features.tokens.shape) do not match a batch of \(batch.size) clips")
        }
        guard input.encoded.tokens.rank == 3, input.encoded.tokens.shape[0] == batch.size else {
            throw TensorError("head/retrieval", "encoder tokens \(input.encoded.tokens.shape) do not match a batch of \(batch.size) clips")
        }
        return (texts, TextFeatures(tokens: features.tokens.detached(), mask: features.mask.detached()))
    }

    public func loss(_ input: HeadInput) throws -> StepOutput {
        let (texts, features) = try checkedText(input)
        let s = try globalSimilarity(pose: try poseEmbedding(input.encoded), text: try textEmbedding(features))
        let (loss, logits) = try symmetricInfoNCE(similarity: s, scale: scale(), excluded: try duplicateTextMask(texts))
        let recall = inBatchRecallAt1(logits)
        return StepOutput(terms: ["retrieval.infonce": loss],
                          metrics: ["retrieval.r1_v2t": recall.poseToText, "retrieval.r1_t2v": recall.textToPose,
                                    "retrieval.tau": temperature])
    }

    /// Runs `body` in eval mode without gradient tracking (the training mode is restored afterwards).
    func inference<T>(_ body: () throws -> T) rethrows -> T {
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        return try withNoGrad(body)
    }

    /// The pose embedding of each clip (`topK` is not used).
    public func predict(_ input: HeadInput, topK: Int) throws -> [HeadPrediction] {
        let v = try inference { try poseEmbedding(input.encoded) }
        let e = config.embedDim
        return (0..<v.shape[0]).map { .embedding(Array(UnsafeBufferPointer(start: v.pointer + $0 * e, count: e))) }
    }

    public func makeEvaluator() -> HeadEvaluator { RetrievalEvaluator(head: self) }

    /// Best-checkpoint selection: text→pose R@1, higher is better.
    public var selectionMetric: SelectionMetric? { SelectionMetric("t2v_r1", higherIsBetter: true) }
    /// Clips without it are dropped from fine-tuning batches.
    public var target: HeadTarget { .text }

    /// `a, b, c` (the first 8 ids, then a count).
    static func idList(_ ids: [String]) -> String {
        ids.count <= 8 ? ids.joined(separator: ", ") : ids.prefix(8).joined(separator: ", ") + ", … (\(ids.count) in all)"
    }
}
