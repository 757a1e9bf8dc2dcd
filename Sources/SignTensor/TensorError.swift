/// An error raised by a tensor operation: the op's name and what was wrong, e.g.
/// `matmul: inner dimensions differ: [2, 3] and [4, 5]`.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public let op: String
    public let message: String
    public init(_ op: String, _ message: String) { self.op = op; self.message = message }
    public var description: String { "\(op): \(message)" }
}

/// Formats a shape the way errors print it: `[2, 3]`.
@inline(__always) func fmt(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
