import CTCHead
import ISLRHead
import RetrievalHead
import SignNN
import SignTensor
import TranslationHead

/// The task heads in eval mode over the encoder's tokens [B, T, D] and a float mask [B, T]
/// (1 = valid), each as its Swift forward computes it. Call them inside the head's scope (`head`),
/// so initializers are named like the fine-tuned checkpoint's `head.*` tensors.
extension ONNXGraphBuilder {
    /// `head/islr`: logits = classifier(AttentionPooling(tokens, mask)) [B, C] (dropout off).
    public func lower(_ head: ISLRHead, tokens: String, mask: String) throws -> String {
        let pooled = try scope("pooling") { try lower(head.pooling, tokens: tokens, mask: mask) }
        return try scope("classifier") { try lower(head.classifier, pooled) }
    }

    /// `head/ctc`: log-probabilities [B, T′, G + 1] (blank = class 0) and the valid-frame mask
    /// [B, T′] of the (downsampled) frames:
    ///   x = tokens ⊙ mask; per temporal block: x = MaxPool₂(ReLU(BN(Conv₅(x)))) ⊙ m′ with
    ///   m′ = −MaxPool₂(−m) (a pooled frame is valid when both its frames are: ⌊L/2⌋ for a prefix
    ///   mask, as the engine's lengths), or input_proj(x); then the pre-LN layers with the key
    ///   mask, the final norm, classifier and LogSoftmax. Greedy / beam decoding stays in the host.
    public func lower(_ head: CTCHead, tokens: String, mask: String) throws -> (logProbs: String, mask: String) {
        var h = try mul(tokens, try unsqueeze(mask, axes: [2]))
        var m = mask
        if head.temporal.isEmpty {
            guard let projection = head.inputProjection else { throw fail(op: "CTCHead without temporal blocks or input_proj") }
            h = try scope("input_projection") { try lower(projection, h) }
        } else {
            var x = try transpose(h, perm: [0, 2, 1])
            var m3 = try unsqueeze(m, axes: [1])
            for (i, block) in head.temporal.enumerated() {
                x = try scope("temporal.\(i)") {
                    let y = try scope("conv") { try lower(block.conv, x) }
                    return try maxPool1d(try relu(try scope("norm") { try lower(block.norm, y) }), kernel: 2, stride: 2)
                }
                m3 = try neg(try maxPool1d(try neg(m3), kernel: 2, stride: 2))
                x = try mul(x, m3)
            }
            h = try transpose(x, perm: [0, 2, 1])
            m = try squeeze(m3, axes: [1])
        }
        for (i, layer) in head.layers.enumerated() {
            h = try scope("layers.\(i)") { try lower(layer, h, keyMask: m) }
        }
        if let norm = head.norm { h = try scope("norm") { try lower(norm, h) } }
        let logits = try scope("classifier") { try lower(head.classifier, h) }
        return (try logSoftmax(logits, axis: -1), m)
    }

    /// `head/retrieval`, pose side: embedding = l2Normalized(pose_projection(pool(tokens, mask)))
    /// [B, E] with pool = masked mean, attention pooling or the encoder's `pooled`, and the
    /// engine's x / √(Σx² + 1e-12).
    public func lower(_ head: RetrievalHead, tokens: String, mask: String, encoderPooled: String) throws -> String {
        let pooled: String
        switch head.config.pooling {
        case .mean: pooled = try maskedMeanPool(tokens: tokens, mask: mask)
        case .attention:
            guard let pooling = head.pooling else { throw fail(op: "RetrievalHead attention pooling", path: qualified("pooling")) }
            pooled = try scope("pooling") { try lower(pooling, tokens: tokens, mask: mask) }
        case .encoder: pooled = encoderPooled
        }
        let projected = try scope("pose_projection") { try lower(head.poseProjection, pooled) }
        return try l2Normalize(projected, axis: -1, eps: 1e-12, epsilonInsideSqrt: true)
    }

    /// `head/retrieval`, text side: embedding = l2Normalized(text_projection(masked mean of text
    /// features [B, L, D_text] with a float mask [B, L])) [B, E].
    public func lowerTextSide(_ head: RetrievalHead, features: String, mask: String) throws -> String {
        let pooled = try maskedMeanPool(tokens: features, mask: mask)
        let projected = try scope("text_projection") { try lower(head.textProjection, pooled) }
        return try l2Normalize(projected, axis: -1, eps: 1e-12, epsilonInsideSqrt: true)
    }

    /// `head/translation`, encoder side: memory = input_proj(tokens) [B, T, d].
    public func lowerMemory(_ head: TranslationHead, tokens: String) throws -> String {
        try scope("input_proj") { try lower(head.inputProj, tokens) }
    }

    /// `head/translation`, one decoding step: logits [B, V] of the token after `inputIDs` [B, L]
    /// (int64, `<bos>` first, no padding) given `memory` [B, T, d] and its float mask [B, T]:
    ///   x = √d·E[ids] + P[0:L];  x = pre-LN decoder layers (causal self-attention, cross-attention
    ///   with the memory mask);  logits = (norm(x) at position L−1)·Eᵀ (tied) or output_proj(·).
    /// These are the teacher-forced `forward` logits at the last position; the host applies the
    /// log-softmax / search it wants. (No key/value cache: each step re-runs the prefix.)
    public func lowerDecoderStep(_ head: TranslationHead, inputIDs: String, memory: String, memoryMask: String) throws -> String {
        let table = try scope("token_embedding") { try parameter(head.tokenEmbedding.weight, "weight") }
        let tokens = try mul(try gather(table, indices: inputIDs, axis: 0), Float(head.config.dModel).squareRoot())
        let positionTable = try scope("position_embedding") { try parameter(head.positionEmbedding.weight, "weight") }
        let length = try shape(inputIDs, start: 1, end: 2)
        let positions = try apply("Slice", [positionTable, try constant(ints: [0]), length, try constant(ints: [0])])
        var x = try add(tokens, positions)
        for (i, layer) in head.layers.enumerated() {
            x = try scope("layers.\(i)") {
                try lower(layer, x, memory: memory, selfKeyMask: nil, memoryKeyMask: memoryMask, causal: true)
            }
        }
        let last = try squeeze(try slice(x, axis: 1, start: -1, end: Int.max), axes: [1])
        let normed = try scope("norm") { try lower(head.norm, last) }
        if let outputProj = head.outputProj { return try scope("output_proj") { try lower(outputProj, normed) } }
        return try matmul(normed, try transpose(table, perm: [1, 0]))
    }
}
