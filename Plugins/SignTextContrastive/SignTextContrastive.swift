import Foundation
import SignCore
import SignNN
import SignTensor

/// `pretext/sign-text-contrastive`: fine-grained sign–text contrastive learning (paper notes §3.4, §4.2).
///
///   v = normalize(LN(poseProjection(encoder tokens)))       Linear D → E (+ LayerNorm), [B, T′, E]
///   t = normalize(textProjection(text tokens))              Linear D_text → E (trainable), [B, L, E]
///   s = fineGrainedSimilarity(v, t) (or the global cosine of the pooled features)   [B, B]
///   loss = symmetricInfoNCE(s, scale = 1/τ, duplicates of a text excluded as negatives)
///
/// Temperature: the parameter `logit_scale` holds log(1/τ), initialized to log(1/τ₀) (τ₀ = 0.07).
/// The forward pass uses min(logit_scale, log(1/τ_min)) (τ_min = 0.01), so τ never drops below
/// τ_min; while the clamp is active the parameter gets no gradient (CLIP instead clamps the stored
/// value after each step; here it is a pure function of the parameter, so resuming is exact).
///
/// Text features come from `context.textEncoder`, frozen: computed without gradient tracking.
/// The pose side uses the shared unmasked encoding (`context.unmasked()`).
/// Mixed batches: only the clips with a text (`PoseBatch.clipTexts`) take part in the InfoNCE; the
/// others still feed the other tasks. With fewer than two captioned clips (none at all included) the
/// task returns no term.
/// Terms: `contrastive.infonce`. Metrics: `contrastive.r1_pose_to_text`, `contrastive.r1_text_to_pose`
/// (in-batch recall@1, duplicates excluded), `contrastive.tau` (the effective τ), `contrastive.pairs`
/// (captioned clips in the batch).
public final class SignTextContrastive: Module, PretextTask, SignTextScoring, ClampedLogitScale {
    public let poseProjection: Linear
    public let poseNorm: LayerNorm?
    public let textProjection: Linear
    /// log(1/τ), shape [].
    public let logitScale: Tensor
    public let config: ContrastiveConfig
    public let textDim: Int

    public var termPrefix: String { "contrastive" }
    public var needsText: Bool { true }

    public init(config: ContrastiveConfig, encoderDim: Int, textDim: Int, rng: inout RandomStream) throws {
        guard encoderDim > 0, textDim > 0 else {
            throw TensorError("pretext/sign-text-contrastive", "encoder and text widths must be positive, got \(encoderDim) and \(textDim)")
        }
        self.config = config
        self.textDim = textDim
        poseProjection = Linear(encoderDim, config.embedDim, rng: &rng)
        poseNorm = config.poseLayerNorm ? LayerNorm(config.embedDim) : nil
        textProjection = Linear(textDim, config.embedDim, rng: &rng)
        logitScale = Tensor(Float(Foundation.log(1 / config.temperature)), requiresGrad: config.learnTemperature)
        super.init()
    }

    /// τ_min of the clamped learnable temperature (`ClampedLogitScale`).
    public var minTemperature: Double { config.minTemperature }

    /// Projects and L2-normalizes pose tokens [B, T′, D] (or pooled features [B, D]).
    public func embedPose(_ x: Tensor) throws -> Tensor {
        var h = try poseProjection(x)
        if let poseNorm { h = try poseNorm(h) }
        return try l2Normalized(h)
    }

    /// Projects and L2-normalizes text features [B, L, D_text] (or [B, D_text]).
    public func embedText(_ x: Tensor) throws -> Tensor { try l2Normalized(try textProjection(x)) }

    /// [B, B] similarities of the batch's clips (rows) and texts (columns).
    public func similarity(encoded: EncoderOutput, text: TextFeatures) throws -> Tensor {
        switch config.similarity {
        case .fineGrained:
            return try fineGrainedSimilarity(pose: try embedPose(encoded.tokens), poseMask: encoded.mask,
                                             text: try embedText(text.tokens), textMask: text.mask)
        case .global:
            return try globalSimilarity(pose: try embedPose(encoded.pooled), text: try embedText(try text.pooled()))
        }
    }

    public func compute(_ context: PretextContext) throws -> PretextResult {
        let batch = context.batch
        guard let textEncoder = context.textEncoder else {
            throw TensorError("pretext/sign-text-contrastive", "no text encoder in the context; the recipe needs a \"text\" component")
        }
        guard textEncoder.outputDim == textDim else {
            throw TensorError("pretext/sign-text-contrastive", "the text projection expects \(textDim)-wide features, "
                              + "text encoder \(textEncoder.modelID) gives \(textEncoder.outputDim)")
        }
        // Only the captioned clips take part; with fewer than two there is no negative, so no term.
        let captioned = batch.textIndices
        guard captioned.count >= 2, let clipTexts = batch.clipTexts else { return PretextResult(terms: [:], metrics: [:]) }
        let texts = captioned.map { clipTexts[$0]! }
        let features = try withNoGrad { try textEncoder.encode(texts) }
        guard features.tokens.rank == 3, features.tokens.shape[0] == texts.count, features.tokens.shape[2] == textDim,
              features.mask.shape == Array(features.tokens.shape.prefix(2)) else {
            throw TensorError("pretext/sign-text-contrastive", "text encoder \(textEncoder.modelID) returned tokens \(features.tokens.shape) "
                              + "and mask \(features.mask.shape) for \(texts.count) texts of width \(textDim)")
        }
        let frozen = TextFeatures(tokens: features.tokens.detached(), mask: features.mask.detached())
        var encoded = try context.unmasked()
        if captioned.count < batch.size { encoded = try Self.rows(captioned, of: encoded) }
        let s = try similarity(encoded: encoded, text: frozen)
        let (loss, logits) = try symmetricInfoNCE(similarity: s, scale: scale(), excluded: try duplicateTextMask(texts))
        let recall = inBatchRecallAt1(logits)
        return PretextResult(terms: ["contrastive.infonce": loss],
                             metrics: ["contrastive.r1_pose_to_text": recall.poseToText,
                                       "contrastive.r1_text_to_pose": recall.textToPose,
                                       "contrastive.tau": temperature,
                                       "contrastive.pairs": Float(texts.count)])
    }

    // MARK: SignTextScoring (retrieval over a whole split)

    /// Projected, normalized pose tokens [B, T′, E] (fine-grained) or pooled features [B, 1, E] (global).
    public func embedPoses(_ encoded: EncoderOutput) throws -> EmbeddedTokens {
        switch config.similarity {
        case .fineGrained: return EmbeddedTokens(tokens: try embedPose(encoded.tokens), mask: encoded.mask)
        case .global:
            let b = encoded.pooled.shape[0]
            return EmbeddedTokens(tokens: try embedPose(encoded.pooled).reshaped([b, 1, config.embedDim]), mask: Tensor.ones([b, 1]))
        }
    }

    /// Projected, normalized text tokens [B, L, E] (fine-grained) or pooled [B, 1, E] (global).
    public func embedTexts(_ features: TextFeatures) throws -> EmbeddedTokens {
        switch config.similarity {
        case .fineGrained: return EmbeddedTokens(tokens: try embedText(features.tokens), mask: features.mask)
        case .global:
            let b = features.tokens.shape[0]
            return EmbeddedTokens(tokens: try embedText(try features.pooled()).reshaped([b, 1, config.embedDim]), mask: Tensor.ones([b, 1]))
        }
    }

    /// The training similarity between every embedded clip and text.
    public func scores(poses: EmbeddedTokens, texts: EmbeddedTokens) throws -> Tensor {
        switch config.similarity {
        case .fineGrained: return try fineGrainedSimilarity(pose: poses.tokens, poseMask: poses.mask, text: texts.tokens, textMask: texts.mask)
        case .global:
            return try globalSimilarity(pose: try poses.tokens.reshaped([poses.count, config.embedDim]),
                                        text: try texts.tokens.reshaped([texts.count, config.embedDim]))
        }
    }

    /// The encoder output restricted to the clips `rows` (in that order); gradients flow back to those rows.
    static func rows(_ rows: [Int], of out: EncoderOutput) throws -> EncoderOutput {
        EncoderOutput(tokens: try out.tokens.indexSelect(axis: 0, indices: rows), mask: try out.mask.indexSelect(axis: 0, indices: rows),
                      pooled: try out.pooled.indexSelect(axis: 0, indices: rows))
    }
}
