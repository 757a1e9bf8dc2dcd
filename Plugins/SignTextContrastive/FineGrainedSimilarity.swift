import SignTensor

/// x / √(Σ x² + ε) over the last axis (ε = 1e-12, so a zero vector stays finite);
/// composed of engine ops, so its gradient is the usual (I − x̂x̂ᵀ)/‖x‖ projection.
public func l2Normalized(_ x: Tensor, eps: Float = 1e-12) throws -> Tensor {
    try x * ((x * x).sum(axes: [-1], keepDims: true) + eps).rsqrt()
}

/// Fine-grained (token-level) similarity of every pose clip a with every text b (paper notes §4.2):
///
///   S[a, i, b, j] = v_ai · t_bj
///   s[a, b] = ½ · [ (1/n_a)·Σ_{i valid} max_{j valid} S[a, i, b, j]  +  (1/m_b)·Σ_{j valid} max_{i valid} S[a, i, b, j] ]
///
/// with n_a, m_b the valid token counts (clips or texts without a valid token are refused).
/// `pose` [Bp, T′, E] with `poseMask` [Bp, T′]; `text` [Bt, L, E] with `textMask` [Bt, L]; the
/// tokens are expected L2-normalized (then each term is a mean of cosines). Returns [Bp, Bt].
///
/// How it is built (memory): one GEMM of the flattened tokens gives S as [Bp·T′, Bt·L], read as
/// [Bp, T′, Bt, L] without a permute copy; `max(axis: 3)` and `max(axis: 1)` of that one tensor give
/// both directions, with the gradient routed to each arg-max. Padding is kept out of the maxima
/// without a masked copy of S: two constant columns are appended to the embeddings,
///   pose_ai ↦ [v_ai, 1, β_ai],  text_bj ↦ [t_bj, γ_bj, 1],   β, γ = 0 (valid) or −10⁴ (padding),
/// so the same GEMM yields v·t + γ_bj + β_ai, exact at valid pairs and ≤ −10⁴ + 1 at padded ones
/// (padded rows/columns are then weighted by 0). The tape keeps S (Bp·T′·Bt·L floats: 64 MiB for
/// Bp = Bt = 64, T′ = 128, L = 32) until backward, whose two arg-max scatters add two more tensors of
/// that size at peak; splitting S into text blocks would not lower that (the tape keeps every block).
/// Measured at that size with E = 512 (forward + backward with InfoNCE): peak RSS 420 MB for the
/// whole test process.
public func fineGrainedSimilarity(pose: Tensor, poseMask: Tensor, text: Tensor, textMask: Tensor) throws -> Tensor {
    guard pose.rank == 3, text.rank == 3, pose.shape[2] == text.shape[2] else {
        throw TensorError("fineGrainedSimilarity", "pose [Bp, T′, E] and text [Bt, L, E] must share E, got \(pose.shape) and \(text.shape)")
    }
    let bp = pose.shape[0], t = pose.shape[1], bt = text.shape[0], l = text.shape[1], e = pose.shape[2]
    guard poseMask.shape == [bp, t], textMask.shape == [bt, l] else {
        throw TensorError("fineGrainedSimilarity", "masks must be [\(bp), \(t)] and [\(bt), \(l)], got \(poseMask.shape) and \(textMask.shape)")
    }
    let poseCounts = validCounts(poseMask), textCounts = validCounts(textMask)
    if let a = poseCounts.firstIndex(of: 0) { throw TensorError("fineGrainedSimilarity", "pose clip \(a) has no valid token") }
    if let b = textCounts.firstIndex(of: 0) { throw TensorError("fineGrainedSimilarity", "text \(b) has no valid token") }

    let padding: Float = -1e4
    let poseExtra = Tensor(uninitializedShape: [bp, t, 2]), textExtra = Tensor(uninitializedShape: [bt, l, 2])
    for i in 0..<(bp * t) {
        poseExtra.pointer[2 * i] = 1
        poseExtra.pointer[2 * i + 1] = poseMask.pointer[i] > 0 ? 0 : padding
    }
    for j in 0..<(bt * l) {
        textExtra.pointer[2 * j] = textMask.pointer[j] > 0 ? 0 : padding
        textExtra.pointer[2 * j + 1] = 1
    }
    let v = try Tensor.concat([pose, poseExtra], axis: 2).reshaped([bp * t, e + 2])
    let w = try Tensor.concat([text, textExtra], axis: 2).reshaped([bt * l, e + 2])
    let s = try v.matmul(w, transposeOther: true).reshaped([bp, t, bt, l])

    let poseWeights = Tensor(uninitializedShape: [bp, t, 1]), textWeights = Tensor(uninitializedShape: [1, bt, l])
    for a in 0..<bp { for i in 0..<t { poseWeights.pointer[a * t + i] = poseMask.pointer[a * t + i] > 0 ? 1 / Float(poseCounts[a]) : 0 } }
    for b in 0..<bt { for j in 0..<l { textWeights.pointer[b * l + j] = textMask.pointer[b * l + j] > 0 ? 1 / Float(textCounts[b]) : 0 } }

    let poseToText = try (s.max(axis: 3) * poseWeights).sum(axes: [1])     // [Bp, T′, Bt] → [Bp, Bt]
    let textToPose = try (s.max(axis: 1) * textWeights).sum(axes: [2])     // [Bp, Bt, L] → [Bp, Bt]
    return try (poseToText + textToPose) * 0.5
}

/// Global similarity: cosines of clip-level features, `pose` [Bp, E] against `text` [Bt, E]
/// (expected L2-normalized) → [Bp, Bt].
public func globalSimilarity(pose: Tensor, text: Tensor) throws -> Tensor {
    guard pose.rank == 2, text.rank == 2, pose.shape[1] == text.shape[1] else {
        throw TensorError("globalSimilarity", "pose [Bp, E] and text [Bt, E] must share E, got \(pose.shape) and \(text.shape)")
    }
    return try pose.matmul(text, transposeOther: true)
}

/// Number of entries > 0 in each row of a [N, K] mask.
func validCounts(_ mask: Tensor) -> [Int] {
    let n = mask.shape[0], k = mask.shape[1]
    return (0..<n).map { r in (0..<k).reduce(0) { $0 + (mask.pointer[r * k + $1] > 0 ? 1 : 0) } }
}
