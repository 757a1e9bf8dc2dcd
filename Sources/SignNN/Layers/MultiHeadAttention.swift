import SignTensor

/// Multi-head attention with PyTorch `nn.MultiheadAttention` parameters (batch-first tensors):
/// `in_proj_weight` [3D, D] = [W_q; W_k; W_v], `in_proj_bias` [3D], `out_proj` (Linear D → D).
///
///   Q = query·W_qᵀ + b_q,  K = key·W_kᵀ + b_k,  V = value·W_vᵀ + b_v
///   out = out_proj(concat_h softmax(Q_h K_hᵀ/√dh + mask) V_h)
/// Self-attention (query, key and value the same tensor) projects Q, K, V with one GEMM into a
/// packed [B, S, 3D] tensor; key = value (cross-attention) projects K and V with one GEMM.
/// Init like PyTorch: in_proj_weight xavier-uniform, out_proj.weight U(−1/√D, 1/√D), biases 0.
public final class MultiHeadAttention: Module, StochasticModule {
    public let inProjWeight: Tensor
    public let inProjBias: Tensor
    public let outProj: Linear
    public let dModel: Int
    public let heads: Int
    /// Dropout on the attention probabilities (training mode only).
    public let dropout: Float
    private var dropoutStream: RandomStream

    public func reseed(_ seed: UInt64) { dropoutStream = RandomStream(seed: seed) }

    public init(dModel: Int, heads: Int, dropout: Float = 0, rng: inout RandomStream) throws {
        guard dModel > 0, heads > 0, dModel % heads == 0 else {
            throw TensorError("MultiHeadAttention", "dModel \(dModel) must be a positive multiple of heads \(heads)")
        }
        guard dropout >= 0 && dropout < 1 else { throw TensorError("MultiHeadAttention", "dropout must be in [0, 1), got \(dropout)") }
        let bound = (6 / Float(dModel + 3 * dModel)).squareRoot()   // xavier_uniform on [3D, D]
        inProjWeight = Tensor.uniform([3 * dModel, dModel], low: -bound, high: bound, rng: &rng, requiresGrad: true)
        inProjBias = Tensor.zeros([3 * dModel], requiresGrad: true)
        outProj = Linear(dModel, dModel, rng: &rng)
        outProj.bias!.pointer.update(repeating: 0, count: dModel)
        self.dModel = dModel
        self.heads = heads
        self.dropout = dropout
        dropoutStream = rng.derived(0xA77E)
        super.init()
    }

    /// Attention of `query` [B, Sq, D] over `key` and `value` [B, Sk, D]. keyMask [B, Sk]: 1 = valid
    /// key, 0 = padding; causal hides key j from query i when j > i. Returns [B, Sq, D].
    public func callAsFunction(query: Tensor, key: Tensor, value: Tensor, keyMask: Tensor? = nil, causal: Bool = false) throws -> Tensor {
        let d = dModel
        let p: Float = isTraining ? dropout : 0
        let mixed: Tensor
        if query === key && key === value {
            let qkv = try query.linear(weight: inProjWeight, bias: inProjBias)
            mixed = p > 0
                ? try scaledDotProductAttention(packedQKV: qkv, heads: heads, keyMask: keyMask, causal: causal, dropout: p, rng: &dropoutStream)
                : try scaledDotProductAttention(packedQKV: qkv, heads: heads, keyMask: keyMask, causal: causal)
        } else if key === value {
            let q = try query.linear(weight: inProjWeight, bias: inProjBias, outputRows: 0..<d)
            let kv = try key.linear(weight: inProjWeight, bias: inProjBias, outputRows: d..<(3 * d))
            mixed = p > 0
                ? try scaledDotProductAttention(query: q, packedKeyValue: kv, heads: heads, keyMask: keyMask, causal: causal, dropout: p, rng: &dropoutStream)
                : try scaledDotProductAttention(query: q, packedKeyValue: kv, heads: heads, keyMask: keyMask, causal: causal)
        } else {
            let q = try query.linear(weight: inProjWeight, bias: inProjBias, outputRows: 0..<d)
            let k = try key.linear(weight: inProjWeight, bias: inProjBias, outputRows: d..<(2 * d))
            let v = try value.linear(weight: inProjWeight, bias: inProjBias, outputRows: (2 * d)..<(3 * d))
            mixed = p > 0
                ? try scaledDotProductAttention(query: q, key: k, value: v, heads: heads, keyMask: keyMask, causal: causal, dropout: p, rng: &dropoutStream)
                : try scaledDotProductAttention(query: q, key: k, value: v, heads: heads, keyMask: keyMask, causal: causal)
        }
        return try outProj(mixed)
    }

    /// Self-attention of x [B, S, D].
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil, causal: Bool = false) throws -> Tensor {
        try self(query: x, key: x, value: x, keyMask: keyMask, causal: causal)
    }
}
