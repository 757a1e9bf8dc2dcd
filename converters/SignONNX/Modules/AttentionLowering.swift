import SignTensor
import SignNN

extension ONNXGraphBuilder {
    /// `MultiHeadAttention` (PyTorch `nn.MultiheadAttention`, batch first) in eval mode, decomposed
    /// for opset 17 (no `Attention` op):
    ///   Q, K, V = projections through `in_proj_weight` / `in_proj_bias` (one MatMul + Split for
    ///             self-attention — query, key, value the same value name —, Q alone and K|V packed
    ///             when key = value, three MatMuls otherwise)
    ///   Q_h = Transpose(Reshape(Q, [0, 0, H, dh]), [0, 2, 1, 3])   [B, H, Sq, dh]; K_hᵀ [B, H, dh, Sk]
    ///   S = (Q_h·K_hᵀ)·(1/√dh),   valid = keyMask[b, j] (Unsqueeze → [B, 1, 1, Sk]) · [j ≤ i] (causal,
    ///       Trilu of ones over Shape(S)[-2:], so Sq and Sk stay dynamic)
    ///   P = Softmax(S + (valid − 1)·10⁹) · valid      (the product zeroes a row with no visible key,
    ///       as the engine does; a −10⁹ score, never −∞, keeps it finite)
    ///   out = out_proj(Reshape(Transpose(P·V_h, [0, 2, 1, 3]), [0, 0, D]))
    /// `keyMask` is a float [B, Sk] value with 1 = valid key and 0 = padding.
    public func lower(_ m: MultiHeadAttention, query: String, key: String, value: String,
                      keyMask: String? = nil, causal: Bool = false) throws -> String {
        let d = m.dModel, heads = m.heads, dh = m.dModel / m.heads
        let w = m.inProjWeight, b = m.inProjBias
        let wName = "in_proj_weight", bName = "in_proj_bias"
        let q: String, k: String, v: String
        if query == key && key == value {
            let qkv = try linear(query, weight: w, bias: b, weightName: wName, biasName: bName)
            let parts = try split(qkv, sizes: [d, d, d], axis: -1)
            (q, k, v) = (parts[0], parts[1], parts[2])
        } else if key == value {
            q = try linear(query, weight: w, bias: b, weightName: wName, biasName: bName, outputRows: 0..<d)
            let kv = try linear(key, weight: w, bias: b, weightName: wName, biasName: bName, outputRows: d..<(3 * d))
            let parts = try split(kv, sizes: [d, d], axis: -1)
            (k, v) = (parts[0], parts[1])
        } else {
            q = try linear(query, weight: w, bias: b, weightName: wName, biasName: bName, outputRows: 0..<d)
            k = try linear(key, weight: w, bias: b, weightName: wName, biasName: bName, outputRows: d..<(2 * d))
            v = try linear(value, weight: w, bias: b, weightName: wName, biasName: bName, outputRows: (2 * d)..<(3 * d))
        }
        let qh = try transpose(try reshape(q, [0, 0, heads, dh]), perm: [0, 2, 1, 3])
        let kt = try transpose(try reshape(k, [0, 0, heads, dh]), perm: [0, 2, 3, 1])
        let vh = try transpose(try reshape(v, [0, 0, heads, dh]), perm: [0, 2, 1, 3])
        let scores = try mul(try matmul(qh, kt), 1 / Float(dh).squareRoot())
        let probs = try maskedAttentionProbabilities(scores, keyMask: keyMask, causal: causal)
        let mixed = try reshape(try transpose(try matmul(probs, vh), perm: [0, 2, 1, 3]), [0, 0, d])
        return moduleOutput(try scope("out_proj") { try lower(m.outProj, mixed) })
    }

    /// Self-attention of x [B, S, D].
    public func lower(_ m: MultiHeadAttention, _ x: String, keyMask: String? = nil, causal: Bool = false) throws -> String {
        try lower(m, query: x, key: x, value: x, keyMask: keyMask, causal: causal)
    }

    /// Softmax over the last axis of scores [B, H, Sq, Sk] with hidden keys at −10⁹ and the
    /// probabilities of hidden keys (and rows without a visible key) exactly 0.
    func maskedAttentionProbabilities(_ scores: String, keyMask: String?, causal: Bool) throws -> String {
        var valid: String?
        if let keyMask { valid = try unsqueeze(keyMask, axes: [1, 2]) }
        if causal {
            let one = try ONNXTensor.float("value", dims: [1], values: [1])
            let ones = try apply("ConstantOfShape", [try shape(scores, start: -2)], attributes: ["value": .tensor(one)])
            let lower = try apply("Trilu", [ones], attributes: ["upper": .int(0)])
            valid = try valid.map { try mul($0, lower) } ?? lower
        }
        guard let valid else { return try softmax(scores, axis: -1) }
        let probs = try softmax(try add(scores, try additiveMask(valid)), axis: -1)
        // Causal alone always leaves the diagonal visible, so only a key mask can empty a row.
        return keyMask == nil ? probs : try mul(probs, valid)
    }
}
