import SignTensor

/// One Transformer encoder block, parameter for parameter PyTorch's
/// `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation, batch_first=True,
/// norm_first)`: `self_attn`, `linear1`, `linear2`, `norm1`, `norm2` (dropouts have no parameters).
///
///   post-LN (normFirst false): x = norm1(x + SA(x));       x = norm2(x + FF(x))
///   pre-LN  (normFirst true):  x = x + SA(norm1(x));       x = x + FF(norm2(x))
///   SA(x) = dropout1(self_attn(x, x, x, keyMask)),  FF(x) = dropout2(linear2(dropout(act(linear1(x)))))
public final class TransformerEncoderLayer: Module {
    public let selfAttn: MultiHeadAttention
    public let linear1: Linear
    public let dropout: Dropout
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let activation: Activation
    public let normFirst: Bool

    public init(dModel: Int, heads: Int, ffDim: Int = 2048, dropout: Float = 0.1, activation: Activation = .relu,
                normFirst: Bool = false, layerNormEps: Float = 1e-5, rng: inout RandomStream) throws {
        selfAttn = try MultiHeadAttention(dModel: dModel, heads: heads, dropout: dropout, rng: &rng)
        linear1 = Linear(dModel, ffDim, rng: &rng)
        self.dropout = Dropout(p: dropout, seed: rng.next())
        linear2 = Linear(ffDim, dModel, rng: &rng)
        norm1 = LayerNorm(dModel, eps: layerNormEps)
        norm2 = LayerNorm(dModel, eps: layerNormEps)
        dropout1 = Dropout(p: dropout, seed: rng.next())
        dropout2 = Dropout(p: dropout, seed: rng.next())
        self.activation = activation
        self.normFirst = normFirst
        super.init()
    }

    /// x [B, S, D] → [B, S, D]; keyMask [B, S] with 1 = valid token, 0 = padding.
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil) throws -> Tensor {
        if normFirst {
            let h = try x + selfAttention(try norm1(x), keyMask: keyMask)
            return try h + feedForward(try norm2(h))
        }
        let h = try norm1(try x + selfAttention(x, keyMask: keyMask))
        return try norm2(try h + feedForward(h))
    }

    func selfAttention(_ x: Tensor, keyMask: Tensor?) throws -> Tensor {
        try dropout1(try selfAttn(x, keyMask: keyMask))
    }

    func feedForward(_ x: Tensor) throws -> Tensor {
        try dropout2(try linear2(try dropout(activation(try linear1(x)))))
    }
}
