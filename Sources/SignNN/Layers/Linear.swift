import SignTensor

/// y = x·Wᵀ + b, W [out, in], b [out] (PyTorch `nn.Linear`). Init: W, b ~ U(−1/√in, 1/√in) like PyTorch.
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout RandomStream) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, rng: &rng, requiresGrad: true)
        self.bias = bias ? Tensor.uniform([outFeatures], low: -bound, high: bound, rng: &rng, requiresGrad: true) : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.linear(weight: weight, bias: bias) }
}
