import SignTensor

/// Layer normalization over the last axis (PyTorch `nn.LayerNorm(dim, eps)` with affine weights):
/// y = (x − μ)/√(σ² + ε) ⊙ weight + bias, μ and σ² over the last `dim` features.
/// Init like PyTorch: weight = 1, bias = 0.
public final class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float

    public init(_ dim: Int, eps: Float = 1e-5) {
        weight = Tensor.ones([dim], requiresGrad: true)
        bias = Tensor.zeros([dim], requiresGrad: true)
        self.eps = eps
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.layerNorm(weight: weight, bias: bias, eps: eps)
    }
}
