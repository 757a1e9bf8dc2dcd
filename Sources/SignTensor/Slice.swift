/// Strided slicing along one axis and splitting into consecutive pieces.
///
/// With x viewed as [outer, n, inner] around `axis`, slice(start, end, step) copies
///   y[o, j, i] = x[o, start + j·step, i],   j = 0 ..< ⌈(end − start)/step⌉.
/// Backward scatters into zeros: dx[o, start + j·step, i] = g[o, j, i], every other dx is 0.
extension Tensor {
    /// A copy of the elements `start ..< end` (every `step`-th) along `axis`.
    ///
    /// Negative `axis`, `start` and `end` count from the end (−1 is the last). After that
    /// `0 ≤ start ≤ end ≤ n` must hold (no silent clamping) and `step ≥ 1`. The full range with
    /// step 1 returns `self` (tensors are immutable, so no copy is needed).
    public func slice(axis: Int, start: Int, end: Int, step: Int = 1) throws -> Tensor {
        let a = try resolveAxis(axis, op: "slice")
        let (outer, n, inner) = splitAround(a)
        let s = start < 0 ? start + n : start, e = end < 0 ? end + n : end
        guard step >= 1 else { throw TensorError("slice", "step must be ≥ 1, got \(step)") }
        guard s >= 0, e <= n, s <= e else {
            throw TensorError("slice", "range \(start)..<\(end) does not fit axis \(axis) of size \(n) in shape \(fmt(shape))")
        }
        let len = (e - s + step - 1) / step
        var outShape = shape
        outShape[a] = len
        if s == 0 && e == n && step == 1 { return self }
        let out = Tensor(uninitializedShape: outShape)
        copyStrided(from: pointer, fromRows: n, firstRow: s, step: step, to: out.pointer, toRows: len, firstRowOut: 0,
                    rows: len, outer: outer, inner: inner)
        let inShape = shape
        return out.recording("slice", [self]) { g in
            let dx = Tensor.zeros(inShape)
            copyStrided(from: g.pointer, fromRows: len, firstRow: 0, step: 1, to: dx.pointer, toRows: n, firstRowOut: s,
                        rows: len, outer: outer, inner: inner, outStep: step)
            return [dx]
        }
    }

    /// Consecutive pieces of the given sizes along `axis` (sizes must add up to the axis length).
    /// Each piece is a `slice`, so gradients from any subset of pieces flow back.
    public func split(sizes: [Int], axis: Int) throws -> [Tensor] {
        let a = try resolveAxis(axis, op: "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
            throw TensorError("split", "sizes \(sizes) do not add up to \(shape[a]), the size of axis \(axis) in \(fmt(shape))")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try slice(axis: a, start: start, end: start + size)
        }
    }
}

/// Row copy between two [outer, rows, inner] layouts: for o, j < rows,
/// dst[o, firstRowOut + j·outStep, :] = src[o, firstRow + j·step, :]. Parallel over (o, j).
func copyStrided(from src: UnsafePointer<Float>, fromRows: Int, firstRow: Int, step: Int,
                 to dst: UnsafeMutablePointer<Float>, toRows: Int, firstRowOut: Int,
                 rows: Int, outer: Int, inner: Int, outStep: Int = 1) {
    guard rows > 0, inner > 0 else { return }
    let S = UnsafeSendable(src), D = UnsafeSendable(dst)
    Parallel.chunks(outer * rows, minPerThread: Swift.max(1, 32_768 / inner)) { lo, hi in
        for r in lo..<hi {
            let o = r / rows, j = r % rows
            (D.value + (o * toRows + firstRowOut + j * outStep) * inner)
                .update(from: S.value + (o * fromRows + firstRow + j * step) * inner, count: inner)
        }
    }
}
