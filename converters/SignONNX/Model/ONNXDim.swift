/// One dimension of a graph input's or output's shape: a fixed size, or a symbolic name such as
/// `batch` or `frames` (an ONNX `dim_param`) that the runtime binds to whatever size it is fed.
public enum ONNXDim: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case fixed(Int)
    case symbolic(String)

    public init(integerLiteral value: Int) { self = .fixed(value) }
    public init(stringLiteral value: String) { self = .symbolic(value) }

    public var description: String {
        switch self {
        case .fixed(let n): return String(n)
        case .symbolic(let name): return name
        }
    }
}

/// Formats a shape of dims as `[batch, frames, 3]`.
func describe(_ dims: [ONNXDim]) -> String { "[" + dims.map(\.description).joined(separator: ", ") + "]" }
