/// NumPy broadcasting: shapes are aligned from the right; each pair of dimensions must be equal or
/// one of them 1. The result takes the larger of each pair.
public func broadcastShape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let da = i < r - a.count ? 1 : a[i - (r - a.count)]
        let db = i < r - b.count ? 1 : b[i - (r - b.count)]
        guard da == db || da == 1 || db == 1 else {
            throw TensorError(op, "shapes \(fmt(a)) and \(fmt(b)) do not broadcast (dimension \(i): \(da) vs \(db))")
        }
        out[i] = da == 1 ? db : da
    }
    return out
}

/// Strides of `shape` seen from a broadcast `outShape` (0 along broadcast dimensions).
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let r = outShape.count, off = r - shape.count
    var strides = [Int](repeating: 0, count: r)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i + off] = shape[i] == 1 ? 0 : s
        s *= shape[i]
    }
    return strides
}

extension Tensor {
    /// Sums a broadcast gradient back down to `target` (the shape before broadcasting):
    /// leading extra dimensions and dimensions that were 1 are summed out.
    public func sumTo(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let off = rank - target.count
        guard off >= 0 else { throw TensorError("sumTo", "cannot reduce \(fmt(shape)) to larger rank \(fmt(target))") }
        var axes: [Int] = Array(0..<off)
        for i in 0..<target.count where target[i] == 1 && shape[i + off] != 1 { axes.append(i + off) }
        let summed = axes.isEmpty ? self : try sum(axes: axes, keepDims: true)
        return try summed.reshaped(target)
    }
}

/// Applies `f` element-wise over the broadcast of `a` and `b` into a new tensor of `outShape`.
/// Fast paths: equal shapes, a scalar side, and a trailing-suffix side (bias rows); the general case
/// walks strides with the innermost dimension in a tight loop.
@inline(__always)
func broadcastZip(_ a: Tensor, _ b: Tensor, _ outShape: [Int], _ f: @escaping (Float, Float) -> Float) -> Tensor {
    let out = Tensor(uninitializedShape: outShape)
    let n = out.count
    let pa = UnsafeSendable(a.pointer), pb = UnsafeSendable(b.pointer), po = UnsafeSendable(out.pointer)
    if a.count == n && b.count == n {
        Parallel.chunks(n) { s, e in
            let a = pa.value, b = pb.value, o = po.value
            for i in s..<e { o[i] = f(a[i], b[i]) }
        }
    } else if b.count == 1 && a.count == n {
        let bv = b.pointer[0]
        Parallel.chunks(n) { s, e in
            let a = pa.value, o = po.value
            for i in s..<e { o[i] = f(a[i], bv) }
        }
    } else if a.count == 1 && b.count == n {
        let av = a.pointer[0]
        Parallel.chunks(n) { s, e in
            let b = pb.value, o = po.value
            for i in s..<e { o[i] = f(av, b[i]) }
        }
    } else if a.count == n && b.count > 0 && isTrailingSuffix(b.shape, of: outShape) {
        let inner = b.count
        Parallel.chunks(n / inner, minPerThread: max(1, 32_768 / inner)) { s, e in
            let a = pa.value, b = pb.value, o = po.value
            for r in s..<e { let base = r * inner; for j in 0..<inner { o[base + j] = f(a[base + j], b[j]) } }
        }
    } else if b.count == n && a.count > 0 && isTrailingSuffix(a.shape, of: outShape) {
        let inner = a.count
        Parallel.chunks(n / inner, minPerThread: max(1, 32_768 / inner)) { s, e in
            let a = pa.value, b = pb.value, o = po.value
            for r in s..<e { let base = r * inner; for j in 0..<inner { o[base + j] = f(a[j], b[base + j]) } }
        }
    } else if n > 0 {
        let sa = broadcastStrides(a.shape, to: outShape), sb = broadcastStrides(b.shape, to: outShape)
        let r = outShape.count
        let inner = outShape[r - 1], ia = sa[r - 1], ib = sb[r - 1]
        var idx = [Int](repeating: 0, count: r)
        var oa = 0, ob = 0, o = 0
        let A = a.pointer, B = b.pointer, O = out.pointer
        while o < n {
            for j in 0..<inner { O[o + j] = f(A[oa + j * ia], B[ob + j * ib]) }
            o += inner
            // Advance the outer multi-index (all dimensions but the last).
            var d = r - 2
            while d >= 0 {
                idx[d] += 1; oa += sa[d]; ob += sb[d]
                if idx[d] < outShape[d] { break }
                oa -= sa[d] * idx[d]; ob -= sb[d] * idx[d]; idx[d] = 0
                d -= 1
            }
        }
    }
    return out
}

/// True when `small` (ignoring leading 1s) equals the trailing dimensions of `big`.
@inline(__always) func isTrailingSuffix(_ small: [Int], of big: [Int]) -> Bool {
    var s = small[...]
    while let f = s.first, f == 1, s.count > 0 { s = s.dropFirst() }
    guard s.count <= big.count else { return false }
    return Array(big.suffix(s.count)) == Array(s)
}

/// Applies `f` to every element into a new tensor of the same shape.
@inline(__always)
func mapUnary(_ x: Tensor, _ f: @escaping (Float) -> Float) -> Tensor {
    let out = Tensor(uninitializedShape: x.shape)
    let px = UnsafeSendable(x.pointer), po = UnsafeSendable(out.pointer)
    Parallel.chunks(x.count) { s, e in
        let a = px.value, o = po.value
        for i in s..<e { o[i] = f(a[i]) }
    }
    return out
}
