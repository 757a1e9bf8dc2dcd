import SignTensor

/// A lookup table: y = weight[ids] (PyTorch `nn.Embedding`), weight [count, dim] initialized N(0, 1) like torch.
public final class Embedding: Module {
    public let weight: Tensor

    public init(_ count: Int, _ dim: Int, rng: inout RandomStream) {
        weight = Tensor.randn([count, dim], rng: &rng, requiresGrad: true)
        super.init()
    }

    /// ids of any shape → ids.shape + [dim]; an id outside 0 ..< count throws, naming the id.
    public func callAsFunction(_ ids: IndexTensor) throws -> Tensor { try Tensor.embedding(weight, ids: ids) }
}
