/// Row lookup in an embedding table.
extension Tensor {
    /// y[p, :] = W[ids[p], :] for every position p of `ids`; W is [V, D], y is ids.shape + [D].
    /// Backward scatter-adds rows: dW[v, :] = Σ_{p : ids[p] = v} g[p, :] (no gradient into the ids).
    public static func embedding(_ weight: Tensor, ids: IndexTensor) throws -> Tensor {
        guard weight.rank == 2 else { throw TensorError("embedding", "weight must be [V, D], got \(fmt(weight.shape))") }
        let v = weight.shape[0], d = weight.shape[1]
        for (p, id) in ids.values.enumerated() where id < 0 || Int(id) >= v {
            throw TensorError("embedding", "id \(id) at flat position \(p) of ids \(fmt(ids.shape)) is out of range for \(v) rows (weight \(fmt(weight.shape)))")
        }
        let n = ids.count
        let out = Tensor(uninitializedShape: ids.shape + [d])
        if d > 0 {
            let W = UnsafeSendable(weight.pointer), Y = UnsafeSendable(out.pointer)
            ids.values.withUnsafeBufferPointer { ib in
                let I = UnsafeSendable(ib)
                Parallel.chunks(n, minPerThread: Swift.max(1, 32_768 / d)) { lo, hi in
                    for p in lo..<hi { (Y.value + p * d).update(from: W.value + Int(I.value[p]) * d, count: d) }
                }
            }
        }
        let values = ids.values
        return out.recording("embedding", [weight]) { g in
            let dw = Tensor.zeros([v, d])
            let D = UnsafeSendable(dw.pointer), G = UnsafeSendable(g.pointer)
            // Split the feature axis across threads: each thread owns a column range, so repeated ids
            // accumulate in position order without races and the result does not depend on threads.
            values.withUnsafeBufferPointer { ib in
                let I = UnsafeSendable(ib)
                Parallel.chunks(d, minPerThread: Swift.max(16, 32_768 / Swift.max(n, 1))) { c0, c1 in
                    for p in 0..<n {
                        let dst = D.value + Int(I.value[p]) * d, src = G.value + p * d
                        for c in c0..<c1 { dst[c] += src[c] }
                    }
                }
            }
            return [dw]
        }
    }
}
