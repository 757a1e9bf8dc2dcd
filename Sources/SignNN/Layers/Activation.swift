import SignTensor

/// The feed-forward activation of a Transformer layer (PyTorch's `activation="relu" | "gelu"`).
public enum Activation: String, Sendable, CaseIterable {
    /// max(x, 0)
    case relu
    /// Exact GELU x·Φ(x) with Φ through erf (PyTorch's default `approximate="none"`).
    case gelu

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        }
    }
}
