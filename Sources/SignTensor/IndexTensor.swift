/// Integer indices with a shape: token ids for `embedding`, positions for `gather`, class targets.
///
/// Values are `Int32` in row-major order; `values.count == shape.reduce(1, *)` always holds.
/// Range checks against the tensor being indexed happen in each op, which names the offending value.
public struct IndexTensor: Sendable, Equatable, CustomStringConvertible {
    public let shape: [Int]
    public let values: [Int32]

    /// Throws when a dimension is negative or `values.count` differs from the shape's element count.
    public init(shape: [Int], values: [Int32]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError("IndexTensor", "negative dimension in \(fmt(shape))") }
        let n = shape.reduce(1, *)
        guard values.count == n else { throw TensorError("IndexTensor", "shape \(fmt(shape)) needs \(n) values, got \(values.count)") }
        self.shape = shape
        self.values = values
    }

    /// Same as `init(shape:values:)` from `Int` values; throws when a value does not fit in `Int32`.
    public init(shape: [Int], values: [Int]) throws {
        var v = [Int32]()
        v.reserveCapacity(values.count)
        for x in values {
            guard let y = Int32(exactly: x) else { throw TensorError("IndexTensor", "value \(x) does not fit in Int32") }
            v.append(y)
        }
        try self.init(shape: shape, values: v)
    }

    /// A rank-1 index tensor.
    public init(_ values: [Int32]) {
        shape = [values.count]
        self.values = values
    }

    public var count: Int { values.count }
    public var rank: Int { shape.count }

    public var description: String {
        "IndexTensor(\(fmt(shape)), \(values.prefix(8).map(String.init).joined(separator: ", "))\(count > 8 ? ", …" : ""))"
    }
}

extension Tensor {
    /// Resolves one possibly negative axis against this tensor's rank (`op` names the caller in errors).
    func resolveAxis(_ axis: Int, op: String) throws -> Int {
        let r = axis < 0 ? axis + rank : axis
        guard r >= 0 && r < rank else { throw TensorError(op, "axis \(axis) out of range for shape \(fmt(shape))") }
        return r
    }

    /// The [outer, n, inner] view of `shape` around axis `a`.
    func splitAround(_ a: Int) -> (outer: Int, n: Int, inner: Int) {
        (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
    }
}
