import SignTensor

/// Pairs (a, b), a ≠ b, whose texts are equal: [B, B] with 1 where text a == text b off the diagonal.
/// Such a text is a false negative for the other clip and is left out of both softmax denominators.
public func duplicateTextMask(_ texts: [String]) throws -> Tensor {
    let n = texts.count
    var data = [Float](repeating: 0, count: n * n)
    for a in 0..<n { for b in 0..<n where a != b && texts[a] == texts[b] { data[a * n + b] = 1 } }
    return try Tensor(shape: [n, n], data: data)
}

/// Symmetric InfoNCE over a batch of B matched pairs (row a = pose clip a, column b = text b):
///
///   z[a, b]   = similarity[a, b] · scale               (scale = 1/τ)
///   z̃         = z with −∞ where excluded[a, b] = 1     (duplicates: out of the softmax denominators)
///   L_p→t     = −(1/B) Σ_a log( e^{z̃[a,a]} / Σ_b e^{z̃[a,b]} )
///   L_t→p     = −(1/B) Σ_b log( e^{z̃[b,b]} / Σ_a e^{z̃[a,b]} )
///   loss      = ½ (L_p→t + L_t→p)
///
/// The diagonal is never excluded. The gradient flows to the similarities and to `scale` (when it
/// tracks gradients); excluded pairs get none. Returns the loss and the masked logits z̃.
public func symmetricInfoNCE(similarity: Tensor, scale: Tensor, excluded: Tensor?) throws -> (loss: Tensor, logits: Tensor) {
    guard similarity.rank == 2, similarity.shape[0] == similarity.shape[1], similarity.shape[0] > 0 else {
        throw TensorError("symmetricInfoNCE", "similarity must be a non-empty square [B, B], got \(similarity.shape)")
    }
    let n = similarity.shape[0]
    var logits = try similarity * scale
    if let excluded {
        guard excluded.shape == [n, n] else { throw TensorError("symmetricInfoNCE", "excluded must be [\(n), \(n)], got \(excluded.shape)") }
        for a in 0..<n where excluded.pointer[a * n + a] != 0 {
            throw TensorError("symmetricInfoNCE", "the diagonal pair (\(a), \(a)) cannot be excluded")
        }
        logits = try logits.maskedFill(excluded, value: -Float.infinity)
    }
    let targets = Array(0..<n)
    let poseToText = try crossEntropy(logits: logits, targets: targets)
    let textToPose = try crossEntropy(logits: try logits.transposed(), targets: targets)
    return (try (poseToText + textToPose) * 0.5, logits)
}

/// In-batch recall@1 in both directions from the (masked) logits: the share of rows whose arg-max is
/// the diagonal (pose → text) and of columns whose arg-max is the diagonal (text → pose).
public func inBatchRecallAt1(_ logits: Tensor) -> (poseToText: Float, textToPose: Float) {
    let n = logits.shape[0]
    let z = logits.pointer
    var rows = 0, cols = 0
    for a in 0..<n {
        var best = 0
        for b in 1..<Swift.max(n, 1) where z[a * n + b] > z[a * n + best] { best = b }
        if best == a { rows += 1 }
    }
    for b in 0..<n {
        var best = 0
        for a in 1..<Swift.max(n, 1) where z[a * n + b] > z[best * n + b] { best = a }
        if best == b { cols += 1 }
    }
    return (Float(rows) / Float(n), Float(cols) / Float(n))
}
