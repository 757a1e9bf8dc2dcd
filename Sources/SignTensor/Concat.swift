/// Joining tensors along an axis.
///
/// concat: with each input viewed as [outer, nᵢ, inner], y[o, off_i + j, :] = xᵢ[o, j, :] where
/// off_i = n₀ + … + nᵢ₋₁. Backward hands each input its block: dxᵢ[o, j, :] = g[o, off_i + j, :].
/// stack inserts a new axis of size 1 into every input and concatenates along it.
extension Tensor {
    /// Concatenates tensors of equal rank whose shapes agree except along `axis` (negative counts from the end).
    public static func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("concat", "needs at least one tensor") }
        let a = try first.resolveAxis(axis, op: "concat")
        for t in tensors {
            var s0 = first.shape, s1 = t.shape
            guard s1.count == s0.count else {
                throw TensorError("concat", "ranks differ: \(fmt(first.shape)) and \(fmt(t.shape))")
            }
            s0[a] = 0; s1[a] = 0
            guard s0 == s1 else {
                throw TensorError("concat", "shapes \(fmt(first.shape)) and \(fmt(t.shape)) differ outside axis \(axis)")
            }
        }
        if tensors.count == 1 { return first }
        let (outer, _, inner) = first.splitAround(a)
        let sizes = tensors.map { $0.shape[a] }
        let total = sizes.reduce(0, +)
        var outShape = first.shape
        outShape[a] = total
        let out = Tensor(uninitializedShape: outShape)
        var offset = 0
        for (t, n) in zip(tensors, sizes) {
            copyStrided(from: t.pointer, fromRows: n, firstRow: 0, step: 1, to: out.pointer, toRows: total,
                        firstRowOut: offset, rows: n, outer: outer, inner: inner)
            offset += n
        }
        return out.recording("concat", tensors) { g in
            var grads: [Tensor?] = []
            var offset = 0
            for (t, n) in zip(tensors, sizes) {
                defer { offset += n }
                guard t.requiresGrad else { grads.append(nil); continue }
                let d = Tensor(uninitializedShape: t.shape)
                copyStrided(from: g.pointer, fromRows: total, firstRow: offset, step: 1, to: d.pointer, toRows: n,
                            firstRowOut: 0, rows: n, outer: outer, inner: inner)
                grads.append(d)
            }
            return grads
        }
    }

    /// Stacks tensors of identical shape along a new axis `axis` (0 ... rank; negative counts from rank + 1).
    public static func stack(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("stack", "needs at least one tensor") }
        let r = first.rank
        let a = axis < 0 ? axis + r + 1 : axis
        guard a >= 0 && a <= r else { throw TensorError("stack", "axis \(axis) out of range for stacking shape \(fmt(first.shape))") }
        for t in tensors where t.shape != first.shape {
            throw TensorError("stack", "shapes differ: \(fmt(first.shape)) and \(fmt(t.shape))")
        }
        var s = first.shape
        s.insert(1, at: a)
        return try concat(tensors.map { try $0.reshaped(s) }, axis: a)
    }
}
