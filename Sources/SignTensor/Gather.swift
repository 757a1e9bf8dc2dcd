/// Picking elements by index: `gather` (torch.gather) and `indexSelect` (torch.index_select).
extension Tensor {
    /// torch.gather: y has the shape of `indices` (same rank as x, each non-`axis` dimension ≤ x's) and
    ///   y[i₀, …, i_axis, …] = x[i₀, …, indices[i₀, …, i_axis, …], …].
    /// Backward scatter-adds: dx[i₀, …, indices[…], …] += g[i₀, …, i_axis, …] (repeated indices accumulate).
    public func gather(axis: Int, indices: IndexTensor) throws -> Tensor {
        let a = try resolveAxis(axis, op: "gather")
        guard indices.rank == rank else {
            throw TensorError("gather", "indices \(fmt(indices.shape)) must have the rank of the input \(fmt(shape))")
        }
        for d in 0..<rank where d != a && indices.shape[d] > shape[d] {
            throw TensorError("gather", "indices \(fmt(indices.shape)) exceed input \(fmt(shape)) in dimension \(d)")
        }
        let n = shape[a]
        for (k, v) in indices.values.enumerated() where v < 0 || Int(v) >= n {
            throw TensorError("gather", "index \(v) at flat position \(k) is out of range for axis \(axis) of size \(n) in \(fmt(shape))")
        }
        let offsets = gatherOffsets(indexShape: indices.shape, axis: a, indices: indices.values)
        let out = Tensor(uninitializedShape: indices.shape)
        let X = pointer, Y = out.pointer
        for k in 0..<offsets.count { Y[k] = X[offsets[k]] }
        let inShape = shape
        return out.recording("gather", [self]) { g in
            let dx = Tensor.zeros(inShape)
            let D = dx.pointer, G = g.pointer
            for k in 0..<offsets.count { D[offsets[k]] += G[k] }
            return [dx]
        }
    }

    /// Flat input offset for every element of an index tensor of `indexShape` (row-major walk).
    private func gatherOffsets(indexShape: [Int], axis a: Int, indices: [Int32]) -> [Int] {
        var strides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        var offsets = [Int](repeating: 0, count: indices.count)
        var idx = [Int](repeating: 0, count: rank)
        for k in 0..<indices.count {
            var off = 0
            for d in 0..<rank { off += (d == a ? Int(indices[k]) : idx[d]) * strides[d] }
            offsets[k] = off
            var d = rank - 1
            while d >= 0 { idx[d] += 1; if idx[d] < indexShape[d] { break }; idx[d] = 0; d -= 1 }
        }
        return offsets
    }

    /// torch.index_select: y[o, j, i] = x[o, indices[j], i] with x viewed as [outer, n, inner] around `axis`.
    /// Indices may repeat and come in any order; backward accumulates: dx[o, indices[j], i] += g[o, j, i].
    public func indexSelect(axis: Int, indices: [Int]) throws -> Tensor {
        let a = try resolveAxis(axis, op: "indexSelect")
        let (outer, n, inner) = splitAround(a)
        for (j, v) in indices.enumerated() where v < 0 || v >= n {
            throw TensorError("indexSelect", "index \(v) at position \(j) is out of range for axis \(axis) of size \(n) in \(fmt(shape))")
        }
        let m = indices.count
        var outShape = shape
        outShape[a] = m
        let out = Tensor(uninitializedShape: outShape)
        if inner > 0 {
            let X = UnsafeSendable(pointer), Y = UnsafeSendable(out.pointer)
            indices.withUnsafeBufferPointer { ib in
                let I = UnsafeSendable(ib)
                Parallel.chunks(outer * m, minPerThread: Swift.max(1, 32_768 / inner)) { lo, hi in
                    for r in lo..<hi {
                        let o = r / m, j = r % m
                        (Y.value + r * inner).update(from: X.value + (o * n + I.value[j]) * inner, count: inner)
                    }
                }
            }
        }
        let inShape = shape
        return out.recording("indexSelect", [self]) { g in
            let dx = Tensor.zeros(inShape)
            let D = UnsafeSendable(dx.pointer), G = UnsafeSendable(g.pointer)
            // Parallel over `outer` only: rows sharing a target index stay on one thread, in order.
            indices.withUnsafeBufferPointer { ib in
                let I = UnsafeSendable(ib)
                Parallel.chunks(outer, minPerThread: Swift.max(1, 32_768 / Swift.max(1, m * inner))) { lo, hi in
                    for o in lo..<hi {
                        for j in 0..<m {
                            let d = D.value + (o * n + I.value[j]) * inner, s = G.value + (o * m + j) * inner
                            for i in 0..<inner { d[i] += s[i] }
                        }
                    }
                }
            }
            return [dx]
        }
    }
}
