import SignTensor

/// One Transformer decoder block, parameter for parameter PyTorch's
/// `nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation, batch_first=True,
/// norm_first)`: `self_attn`, `multihead_attn`, `linear1`, `linear2`, `norm1`, `norm2`, `norm3`.
///
///   post-LN: x = norm1(x + SA(x));  x = norm2(x + CA(x, mem));  x = norm3(x + FF(x))
///   pre-LN:  x = x + SA(norm1(x));  x = x + CA(norm2(x), mem);  x = x + FF(norm3(x))
///   SA = dropout1(self_attn(x, x, x, selfKeyMask, causal)),  CA = dropout2(multihead_attn(x, mem, mem,
///   memoryKeyMask)),  FF = dropout3(linear2(dropout(act(linear1(x)))))
public final class TransformerDecoderLayer: Module {
    public let selfAttn: MultiHeadAttention
    public let multiheadAttn: MultiHeadAttention
    public let linear1: Linear
    public let dropout: Dropout
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let norm3: LayerNorm
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let dropout3: Dropout
    public let activation: Activation
    public let normFirst: Bool

    public init(dModel: Int, heads: Int, ffDim: Int = 2048, dropout: Float = 0.1, activation: Activation = .relu,
                normFirst: Bool = false, layerNormEps: Float = 1e-5, rng: inout RandomStream) throws {
        selfAttn = try MultiHeadAttention(dModel: dModel, heads: heads, dropout: dropout, rng: &rng)
        multiheadAttn = try MultiHeadAttention(dModel: dModel, heads: heads, dropout: dropout, rng: &rng)
        linear1 = Linear(dModel, ffDim, rng: &rng)
        self.dropout = Dropout(p: dropout, seed: rng.next())
        linear2 = Linear(ffDim, dModel, rng: &rng)
        norm1 = LayerNorm(dModel, eps: layerNormEps)
        norm2 = LayerNorm(dModel, eps: layerNormEps)
        norm3 = LayerNorm(dModel, eps: layerNormEps)
        dropout1 = Dropout(p: dropout, seed: rng.next())
        dropout2 = Dropout(p: dropout, seed: rng.next())
        dropout3 = Dropout(p: dropout, seed: rng.next())
        self.activation = activation
        self.normFirst = normFirst
        super.init()
    }

    /// x [B, St, D] attends to itself (causally by default) and to `memory` [B, Sm, D].
    /// Masks: 1 = valid token, 0 = padding; selfKeyMask [B, St], memoryKeyMask [B, Sm].
    public func callAsFunction(_ x: Tensor, memory: Tensor, selfKeyMask: Tensor?, memoryKeyMask: Tensor?,
                               causal: Bool = true) throws -> Tensor {
        func sa(_ h: Tensor) throws -> Tensor { try dropout1(try selfAttn(h, keyMask: selfKeyMask, causal: causal)) }
        func ca(_ h: Tensor) throws -> Tensor {
            try dropout2(try multiheadAttn(query: h, key: memory, value: memory, keyMask: memoryKeyMask))
        }
        func ff(_ h: Tensor) throws -> Tensor { try dropout3(try linear2(try dropout(activation(try linear1(h))))) }
        if normFirst {
            var h = try x + sa(try norm1(x))
            h = try h + ca(try norm2(h))
            return try h + ff(try norm3(h))
        }
        var h = try norm1(try x + sa(x))
        h = try norm2(try h + ca(h))
        return try norm3(try h + ff(h))
    }
}
