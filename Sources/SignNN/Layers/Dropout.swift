import SignTensor

/// Inverted dropout with its own seeded stream (PyTorch `nn.Dropout(p)`): in training mode each
/// element is zeroed with probability p and the rest scaled by 1/(1 − p); in eval mode (or p = 0)
/// the input passes through unchanged. No parameters.
public final class Dropout: Module, StochasticModule {
    public let p: Float
    private var stream: RandomStream

    public init(p: Float, seed: UInt64) {
        self.p = p
        stream = RandomStream(seed: seed)
        super.init()
    }

    public func reseed(_ seed: UInt64) { stream = RandomStream(seed: seed) }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard isTraining, p != 0 else { return x }
        return try x.dropout(p: p, rng: &stream)
    }
}
