/// Reductions over axes. A reduction over axis k views the tensor as [outer, n, inner] and
/// combines the n slices; several axes reduce one at a time from the innermost.
extension Tensor {
    /// Normalizes possibly negative axes, checks range and duplicates.
    func resolveAxes(_ axes: [Int], op: String) throws -> [Int] {
        var out: [Int] = []
        for a in axes {
            let r = a < 0 ? a + rank : a
            guard r >= 0 && r < rank else { throw TensorError(op, "axis \(a) out of range for shape \(fmt(shape))") }
            guard !out.contains(r) else { throw TensorError(op, "axis \(a) given twice") }
            out.append(r)
        }
        return out.sorted()
    }

    /// y = Σ over `axes` (all axes when nil);  dx = g broadcast back over the reduced axes.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try resolveAxes(axes ?? Array(0..<rank), op: "sum")
        var y = self.detached()
        for a in ax.reversed() { y = sumAxisKeep(y, a) }
        var outShape = shape
        for a in ax { outShape[a] = 1 }
        if !keepDims { outShape = outShape.enumerated().filter { !ax.contains($0.offset) }.map(\.element) }
        let x = self
        let keptShape = shape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
        return Tensor(shape: outShape, storage: y.storage).recording("sum", [x]) { g in
            [try expand(g.reshaped(keptShape), to: x.shape)]
        }
    }

    /// y = mean over `axes`;  dx = g / n broadcast back.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try resolveAxes(axes ?? Array(0..<rank), op: "mean")
        let n = ax.reduce(1) { $0 * shape[$1] }
        return try sum(axes: ax, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// y = max over one axis;  dx = g routed to the (first) arg-max position.
    public func max(axis: Int, keepDims: Bool = false) throws -> Tensor {
        let a = try resolveAxes([axis], op: "max")[0]
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        guard n > 0 else { throw TensorError("max", "empty axis \(axis) in shape \(fmt(shape))") }
        var outShape = shape
        outShape[a] = 1
        let y = Tensor(uninitializedShape: outShape)
        var argmax = [Int32](repeating: 0, count: outer * inner)
        let X = pointer, Y = y.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = X[o * n * inner + i], bi: Int32 = 0
                for k in 1..<n {
                    let v = X[(o * n + k) * inner + i]
                    if v > best || (best.isNaN == false && v.isNaN) { best = v; bi = Int32(k) }
                }
                Y[o * inner + i] = best
                argmax[o * inner + i] = bi
            }
        }
        if !keepDims { outShape.remove(at: a) }
        let xShape = shape
        return Tensor(shape: outShape, storage: y.storage).recording("max", [self]) { g in
            let dx = Tensor.zeros(xShape)
            let G = g.pointer, D = dx.pointer
            for o in 0..<outer { for i in 0..<inner {
                D[(o * n + Int(argmax[o * inner + i])) * inner + i] = G[o * inner + i]
            } }
            return [dx]
        }
    }

    /// Index of the maximum along the last axis (no gradient), as Int.
    public func argmaxLastAxis() -> [Int] {
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        var out = [Int](repeating: 0, count: rows)
        for r in 0..<rows {
            var best = pointer[r * n], bi = 0
            for k in 1..<n where pointer[r * n + k] > best { best = pointer[r * n + k]; bi = k }
            out[r] = bi
        }
        return out
    }
}

/// Sum of `x` over axis `a`, keeping it as size 1. Last-axis sums use SIMD16 with two accumulators.
func sumAxisKeep(_ x: Tensor, _ a: Int) -> Tensor {
    let outer = x.shape[..<a].reduce(1, *), n = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
    var outShape = x.shape
    outShape[a] = 1
    let y = Tensor(uninitializedShape: outShape)
    let X = UnsafeSendable(x.pointer), Y = UnsafeSendable(y.pointer)
    if inner == 1 {
        Parallel.chunks(outer, minPerThread: Swift.max(1, 32_768 / Swift.max(n, 1))) { s, e in
            for o in s..<e { Y.value[o] = simdSum(X.value + o * n, n) }
        }
    } else {
        Parallel.chunks(outer * inner, minPerThread: 32_768) { s, e in
            // Chunks cover whole [o, inner-range] spans; walk them row by row.
            var idx = s
            while idx < e {
                let o = idx / inner, i0 = idx % inner
                let i1 = Swift.min(inner, i0 + (e - idx))
                let yp = Y.value + o * inner
                for i in i0..<i1 { yp[i] = 0 }
                for k in 0..<n {
                    let xp = X.value + (o * n + k) * inner
                    for i in i0..<i1 { yp[i] += xp[i] }
                }
                idx += i1 - i0
            }
        }
    }
    return y
}

/// Σ p[0..<n] with SIMD16 and two accumulators (plain float sums do not vectorize).
@inline(__always) public func simdSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 32 <= n {
        a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        a1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
        i += 32
    }
    var s = (a0 + a1).sum()
    while i < n { s += p[i]; i += 1 }
    return s
}

/// Σ a[i]·b[i] with SIMD16 and two accumulators.
@inline(__always) public func simdDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 32 <= n {
        a0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        a1 += ra.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
        i += 32
    }
    var s = (a0 + a1).sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// Broadcasts `g` (with size-1 dimensions where `shape` has larger ones) up to `shape` (a copy).
func expand(_ g: Tensor, to shape: [Int]) throws -> Tensor {
    if g.shape == shape { return g }
    return broadcastZip(g, Tensor(0), try broadcastShape(g.shape, shape, op: "expand"), { a, _ in a })
}
