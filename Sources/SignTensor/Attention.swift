/// Scaled dot-product attention over H heads, fused (one kernel per (batch, head) pair).
///
/// Q [B, Sq, H·dh], K and V [B, Sk, H·dh]; head h owns columns h·dh ..< (h+1)·dh (PyTorch order).
/// For each batch b and head h, with scale c = 1/√dh:
///   S = c·Q_h K_hᵀ,   P = softmax_rows(S + mask),   P̃ = dropout(P),   O_h = P̃ V_h
/// mask: key j of batch b is hidden when keyMask[b, j] = 0, and (causal) when j > i. A row with
/// no visible key gives P = 0 and O = 0 (never NaN).
/// Backward, with M the dropout mask (P̃ = P ⊙ M):
///   dV_h = P̃ᵀ dO_h,   dP = (dO_h V_hᵀ) ⊙ M,   dS = P ⊙ (dP − rowsum(dP ⊙ P)),
///   dQ_h = c·dS K_h,   dK_h = c·dSᵀ Q_h
/// Heads are addressed in place through GEMM leading dimensions (no transposes, no copies); the
/// B·H pairs are spread over threads with single-threaded BLAS. P is saved for backward only when
/// a gradient is needed; the dropout mask is regenerated from its seed instead of saved.
///
/// Besides separate Q, K, V, two packed layouts let projections run as one GEMM:
/// `packedQKV` [B, S, 3·H·dh] = [Q | K | V] (self-attention) and `packedKeyValue` [B, Sk, 2·H·dh]
/// = [K | V] (cross-attention). Dropout takes its stream as `inout RandomStream`.

/// Attention with separate query, key and value tensors (no dropout).
public func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int,
                                      keyMask: Tensor? = nil, causal: Bool = false) throws -> Tensor {
    try attentionSeparate(query, key, value, heads: heads, keyMask: keyMask, causal: causal, dropout: 0, seed: 0)
}

/// Attention with separate query, key and value tensors and dropout `dropout` on the probabilities,
/// its mask drawn from `rng` (one 64-bit draw per call; none when dropout is 0).
public func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int,
                                      keyMask: Tensor? = nil, causal: Bool = false,
                                      dropout: Float, rng: inout RandomStream) throws -> Tensor {
    try attentionSeparate(query, key, value, heads: heads, keyMask: keyMask, causal: causal,
                          dropout: dropout, seed: dropout > 0 ? rng.next() : 0)
}

/// Self-attention on packed projections: `packedQKV` [B, S, 3·H·dh] holds Q, K, V side by side.
public func scaledDotProductAttention(packedQKV: Tensor, heads: Int, keyMask: Tensor? = nil,
                                      causal: Bool = false) throws -> Tensor {
    try attentionPackedQKV(packedQKV, heads: heads, keyMask: keyMask, causal: causal, dropout: 0, seed: 0)
}

/// Self-attention on packed projections with dropout on the probabilities.
public func scaledDotProductAttention(packedQKV: Tensor, heads: Int, keyMask: Tensor? = nil, causal: Bool = false,
                                      dropout: Float, rng: inout RandomStream) throws -> Tensor {
    try attentionPackedQKV(packedQKV, heads: heads, keyMask: keyMask, causal: causal,
                           dropout: dropout, seed: dropout > 0 ? rng.next() : 0)
}

/// Cross-attention: `query` [B, Sq, H·dh] against `packedKeyValue` [B, Sk, 2·H·dh] = [K | V].
public func scaledDotProductAttention(query: Tensor, packedKeyValue: Tensor, heads: Int, keyMask: Tensor? = nil,
                                      causal: Bool = false) throws -> Tensor {
    try attentionPackedKV(query, packedKeyValue, heads: heads, keyMask: keyMask, causal: causal, dropout: 0, seed: 0)
}

/// Cross-attention on packed keys and values with dropout on the probabilities.
public func scaledDotProductAttention(query: Tensor, packedKeyValue: Tensor, heads: Int, keyMask: Tensor? = nil,
                                      causal: Bool = false, dropout: Float, rng: inout RandomStream) throws -> Tensor {
    try attentionPackedKV(query, packedKeyValue, heads: heads, keyMask: keyMask, causal: causal,
                          dropout: dropout, seed: dropout > 0 ? rng.next() : 0)
}

// MARK: - Layout checks

private func checkRank3(_ t: Tensor, _ name: String) throws {
    guard t.rank == 3 else { throw TensorError("attention", "\(name) must be [batch, seq, features], got \(fmt(t.shape))") }
}

private func headDim(width: Int, heads: Int, _ what: String) throws -> Int {
    guard heads >= 1 else { throw TensorError("attention", "heads must be ≥ 1, got \(heads)") }
    guard width % heads == 0, width > 0 else {
        throw TensorError("attention", "\(what) width \(width) is not a positive multiple of \(heads) heads")
    }
    return width / heads
}

private func attentionSeparate(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, keyMask: Tensor?, causal: Bool,
                               dropout: Float, seed: UInt64) throws -> Tensor {
    try checkRank3(q, "query"); try checkRank3(k, "key"); try checkRank3(v, "value")
    guard k.shape == v.shape else { throw TensorError("attention", "key \(fmt(k.shape)) and value \(fmt(v.shape)) differ") }
    guard q.shape[0] == k.shape[0], q.shape[2] == k.shape[2] else {
        throw TensorError("attention", "query \(fmt(q.shape)) and key \(fmt(k.shape)) differ in batch or features")
    }
    let dh = try headDim(width: q.shape[2], heads: heads, "query")
    let geo = AttentionGeometry(batch: q.shape[0], sq: q.shape[1], sk: k.shape[1], heads: heads, dh: dh)
    return try attention(geo, inputs: [q, k, v],
                         q: .init(input: 0, column: 0), k: .init(input: 1, column: 0), v: .init(input: 2, column: 0),
                         keyMask: keyMask, causal: causal, dropout: dropout, seed: seed)
}

private func attentionPackedQKV(_ qkv: Tensor, heads: Int, keyMask: Tensor?, causal: Bool, dropout: Float, seed: UInt64) throws -> Tensor {
    try checkRank3(qkv, "packedQKV")
    guard qkv.shape[2] % 3 == 0 else { throw TensorError("attention", "packedQKV width \(qkv.shape[2]) of \(fmt(qkv.shape)) is not 3·H·dh") }
    let d = qkv.shape[2] / 3
    let dh = try headDim(width: d, heads: heads, "packedQKV")
    let geo = AttentionGeometry(batch: qkv.shape[0], sq: qkv.shape[1], sk: qkv.shape[1], heads: heads, dh: dh)
    return try attention(geo, inputs: [qkv],
                         q: .init(input: 0, column: 0), k: .init(input: 0, column: d), v: .init(input: 0, column: 2 * d),
                         keyMask: keyMask, causal: causal, dropout: dropout, seed: seed)
}

private func attentionPackedKV(_ q: Tensor, _ kv: Tensor, heads: Int, keyMask: Tensor?, causal: Bool, dropout: Float, seed: UInt64) throws -> Tensor {
    try checkRank3(q, "query"); try checkRank3(kv, "packedKeyValue")
    let d = q.shape[2]
    guard kv.shape[0] == q.shape[0], kv.shape[2] == 2 * d else {
        throw TensorError("attention", "packedKeyValue \(fmt(kv.shape)) must be [\(q.shape[0]), Sk, \(2 * d)] for query \(fmt(q.shape))")
    }
    let dh = try headDim(width: d, heads: heads, "query")
    let geo = AttentionGeometry(batch: q.shape[0], sq: q.shape[1], sk: kv.shape[1], heads: heads, dh: dh)
    return try attention(geo, inputs: [q, kv],
                         q: .init(input: 0, column: 0), k: .init(input: 1, column: 0), v: .init(input: 1, column: d),
                         keyMask: keyMask, causal: causal, dropout: dropout, seed: seed)
}

// MARK: - The op

/// Sizes of one attention call.
struct AttentionGeometry {
    let batch: Int, sq: Int, sk: Int, heads: Int, dh: Int
    var width: Int { heads * dh }
    var pairs: Int { batch * heads }
    var probsPerPair: Int { sq * sk }
}

/// Where Q, K or V lives: `inputs[input]`, columns `column ..< column + H·dh` of each row.
struct AttentionOperand {
    let input: Int
    let column: Int
}

/// Pointer, row stride and column offset of one operand (or of its gradient).
struct OperandView: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let rowStride: Int
    let seq: Int
    /// Start of head h of batch b.
    @inline(__always) func at(_ b: Int, _ h: Int, _ dh: Int) -> UnsafeMutablePointer<Float> {
        base + b * seq * rowStride + h * dh
    }
}

private func attention(_ geo: AttentionGeometry, inputs: [Tensor], q: AttentionOperand, k: AttentionOperand, v: AttentionOperand,
                       keyMask: Tensor?, causal: Bool, dropout: Float, seed: UInt64) throws -> Tensor {
    guard dropout >= 0 && dropout < 1 else { throw TensorError("attention", "dropout must be in [0, 1), got \(dropout)") }
    if let keyMask, keyMask.shape != [geo.batch, geo.sk] {
        throw TensorError("attention", "keyMask \(fmt(keyMask.shape)) must be [\(geo.batch), \(geo.sk)] (batch, keys)")
    }
    let valid = keyMask.map(validKeyRows)
    func view(_ o: AttentionOperand, seq: Int) -> OperandView {
        OperandView(base: inputs[o.input].pointer + o.column, rowStride: inputs[o.input].shape[2], seq: seq)
    }
    let qv = view(q, seq: geo.sq), kv = view(k, seq: geo.sk), vv = view(v, seq: geo.sk)
    let recording = GradMode.isEnabled && inputs.contains { $0.requiresGrad }
    let kernel = AttentionKernel(geo: geo, q: qv, k: kv, v: vv, valid: valid.map { UnsafePointer($0.pointer) },
                                 causal: causal, dropout: dropout, seed: seed)
    let out = Tensor(uninitializedShape: [geo.batch, geo.sq, geo.width])
    let probs = recording ? Tensor(uninitializedShape: [geo.pairs, geo.sq, geo.sk]) : nil
    kernel.forward(out: out.pointer, probs: probs?.pointer)
    guard let probs else { return out }
    return out.recording("attention", inputs) { g in
        // One gradient tensor per input; Q, K, V write their own column blocks of it.
        let grads: [Tensor?] = inputs.map { $0.requiresGrad ? Tensor(uninitializedShape: $0.shape) : nil }
        func gradView(_ o: AttentionOperand, seq: Int) -> OperandView? {
            grads[o.input].map { OperandView(base: $0.pointer + o.column, rowStride: $0.shape[2], seq: seq) }
        }
        withExtendedLifetime((inputs, valid, probs)) {
            kernel.backward(dOut: UnsafePointer(g.pointer), probs: UnsafePointer(probs.pointer),
                            dq: gradView(q, seq: geo.sq), dk: gradView(k, seq: geo.sk), dv: gradView(v, seq: geo.sk))
        }
        return grads
    }
}

/// keyMask → 1 where the key is valid (mask ≠ 0), else 0.
private func validKeyRows(_ mask: Tensor) -> Tensor {
    let t = Tensor(uninitializedShape: mask.shape)
    for i in 0..<mask.count { t.pointer[i] = mask.pointer[i] != 0 ? 1 : 0 }
    return t
}
