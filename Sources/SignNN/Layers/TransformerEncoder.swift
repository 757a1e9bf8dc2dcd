import SignTensor

/// A stack of encoder layers with an optional final norm (PyTorch `nn.TransformerEncoder`):
/// parameters `layers.N.…` and `norm.weight`, `norm.bias`.
public final class TransformerEncoder: Module {
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm?

    public init(layers: [TransformerEncoderLayer], finalNorm: LayerNorm?) {
        self.layers = layers
        norm = finalNorm
        super.init()
    }

    /// x [B, S, D] → [B, S, D]; keyMask [B, S] with 1 = valid token, 0 = padding.
    public func callAsFunction(_ x: Tensor, keyMask: Tensor? = nil) throws -> Tensor {
        var h = x
        for layer in layers { h = try layer(h, keyMask: keyMask) }
        if let norm { h = try norm(h) }
        return h
    }
}
