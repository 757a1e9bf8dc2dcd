/// A Float32 tensor: a shape over contiguous row-major storage, with optional gradient tracking.
///
/// Tensors are immutable values from the graph's point of view; a reshape shares storage.
/// In-place writes are reserved for optimizer updates and gradient accumulation.
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let storage: Storage
    /// Whether gradients flow to this tensor. Set on parameters (leaves); ops set it on results.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after `backward()`; same shape as the tensor.
    public var grad: Tensor?
    /// How this tensor was computed (nil for leaves and for results made without grad tracking).
    public internal(set) var gradFn: GradFn?

    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer }
    public var isLeaf: Bool { gradFn == nil }

    public init(shape: [Int], storage: Storage, requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == storage.count, "Tensor: shape \(fmt(shape)) needs \(shape.reduce(1, *)) values, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor with uninitialized contents (kernels fill every element).
    public convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: Storage(uninitializedCount: shape.reduce(1, *)))
    }

    /// A tensor holding `data` in row-major order. Throws when the count does not match the shape.
    public convenience init(shape: [Int], data: [Float], requiresGrad: Bool = false) throws {
        let n = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError("Tensor", "negative dimension in \(fmt(shape))") }
        guard data.count == n else { throw TensorError("Tensor", "shape \(fmt(shape)) needs \(n) values, got \(data.count)") }
        let s = Storage(uninitializedCount: n)
        data.withUnsafeBufferPointer { if n > 0 { s.pointer.update(from: $0.baseAddress!, count: n) } }
        self.init(shape: shape, storage: s, requiresGrad: requiresGrad)
    }

    /// A scalar (rank-0) tensor.
    public convenience init(_ value: Float, requiresGrad: Bool = false) {
        self.init(shape: [], storage: Storage(count: 1, repeating: value), requiresGrad: requiresGrad)
    }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: Storage(count: shape.reduce(1, *), repeating: 0), requiresGrad: requiresGrad)
    }
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, requiresGrad: requiresGrad)
    }
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: Storage(count: shape.reduce(1, *), repeating: value), requiresGrad: requiresGrad)
    }
    /// Standard normal values scaled by `std`, drawn from `rng`.
    public static func randn(_ shape: [Int], std: Float = 1, rng: inout RandomStream, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.pointer[i] = rng.normal() * std }
        t.requiresGrad = requiresGrad
        return t
    }
    /// Uniform values in `[low, high)` drawn from `rng`.
    public static func uniform(_ shape: [Int], low: Float, high: Float, rng: inout RandomStream, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.pointer[i] = low + (high - low) * rng.uniform() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// The values in row-major order.
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item: tensor of shape \(fmt(shape)) has \(count) values")
        return pointer[0]
    }

    /// Element at a multi-index (for tests and debugging; not for hot loops).
    public subscript(_ index: Int...) -> Float {
        var flat = 0
        for (d, i) in index.enumerated() { flat = flat * shape[d] + i }
        return pointer[flat]
    }

    /// A new leaf holding a copy of the values, detached from any graph.
    public func copy() -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        t.pointer.update(from: pointer, count: count)
        return t
    }

    /// The same values as a leaf that does not track gradients (shares storage).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// Whether every value is finite (no NaN or ±Inf).
    public var allFinite: Bool {
        let p = pointer
        for i in 0..<count where !p[i].isFinite { return false }
        return true
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = toArray().prefix(8).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor(\(fmt(shape)), [\(head)\(count > 8 ? ", …" : "")])"
    }
}

/// Number of elements of a shape.
@inline(__always) public func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }
