import SignTensor

/// Temporal attention pooling (the MASA / SignBERT+ ISLR head's pooling): one learned score per
/// frame, a softmax over the valid frames, and the weighted sum of the tokens.
///
/// With tokens x [B, T, D] and mask m [B, T] (1 = valid frame, 0 = padding):
///   s_bt = w·x_bt + c                                      (`score`, Linear D → 1)
///   a_bt = softmax_t(s̃_b)_t · m_bt,   s̃_bt = s_bt if m_bt = 1, −10⁹ otherwise
///   y_b  = Σ_t a_bt · x_bt                                  (one batched GEMM [B, 1, T]·[B, T, D])
/// Padded frames get a weight of exactly 0 (the factor m_bt removes the e^(−10⁹ − max) ≈ 10⁻³⁸ the
/// clamped exponential leaves), so changing their (finite) tokens changes neither the weights nor
/// y, and they receive no gradient. The gradient reaches x through both the weighted sum and the
/// scores, and the score layer's w and c through the softmax.
/// Errors: tokens not [B, T, D] with D = `dim`, a mask not [B, T], a clip with no valid frame.
public final class AttentionPooling: Module {
    /// Linear D → 1: the per-frame score.
    public let score: Linear
    public let dim: Int

    public init(_ dim: Int, rng: inout RandomStream) {
        self.dim = dim
        score = Linear(dim, 1, rng: &rng)
        super.init()
    }

    /// The pooling weights a [B, T] (rows sum to 1 over valid frames, 0 at padding).
    public func weights(_ tokens: Tensor, mask: Tensor) throws -> Tensor {
        try checkPoolingInputs(tokens, mask, width: dim, op: "AttentionPooling")
        let b = tokens.shape[0], t = tokens.shape[1]
        let scores = try score(tokens).reshaped([b, t])
        let masked = try scores.maskedFill(1 - mask, value: -1e9)
        return try masked.softmax(axis: -1) * mask
    }

    /// The pooled features y [B, D].
    public func callAsFunction(_ tokens: Tensor, mask: Tensor) throws -> Tensor {
        let a = try weights(tokens, mask: mask)
        let b = tokens.shape[0], t = tokens.shape[1]
        return try a.reshaped([b, 1, t]).matmul(tokens).reshaped([b, dim])
    }
}

/// Masked mean over time: y_b = Σ_t m_bt·x_bt / Σ_t m_bt for tokens x [B, T, D] and mask m [B, T]
/// (1 = valid). Padded frames get no weight and no gradient. Errors: shapes that do not match, a
/// clip with no valid frame.
public func maskedMeanPool(_ tokens: Tensor, mask: Tensor) throws -> Tensor {
    try checkPoolingInputs(tokens, mask, width: nil, op: "maskedMeanPool")
    let b = tokens.shape[0], t = tokens.shape[1]
    let weights = Tensor(uninitializedShape: [b, 1, t])
    for clip in 0..<b {
        var valid = 0
        for f in 0..<t where mask.pointer[clip * t + f] != 0 { valid += 1 }
        for f in 0..<t { weights.pointer[clip * t + f] = mask.pointer[clip * t + f] != 0 ? 1 / Float(valid) : 0 }
    }
    return try weights.matmul(tokens).reshaped([b, tokens.shape[2]])
}

/// Shared checks of the pooling functions: tokens [B, T, D] (D = `width` when given), mask [B, T],
/// every clip with at least one valid frame.
func checkPoolingInputs(_ tokens: Tensor, _ mask: Tensor, width: Int?, op: String) throws {
    guard tokens.rank == 3, width == nil || tokens.shape[2] == width else {
        throw TensorError(op, "tokens must be [B, T, \(width.map(String.init) ?? "D")], got \(tokens.shape)")
    }
    let b = tokens.shape[0], t = tokens.shape[1]
    guard mask.shape == [b, t] else { throw TensorError(op, "mask must be [\(b), \(t)] for tokens \(tokens.shape), got \(mask.shape)") }
    for clip in 0..<b {
        var any = false
        for f in 0..<t where mask.pointer[clip * t + f] != 0 { any = true; break }
        if !any { throw TensorError(op, "clip \(clip) of the batch has no valid frame (its mask is all 0)") }
    }
}
