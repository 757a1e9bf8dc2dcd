/// An affine map through a block of output rows of a larger weight (a packed projection such as
/// PyTorch's `in_proj_weight` [3D, D], used for Q alone or for K and V together), without copying
/// the block out.
///
/// Forward, with W' = W[r] ([|r|, in]) and b' = b[r]:   y = x·W'ᵀ + b'
/// Backward:  dx = g·W',   dW[r] = gᵀ·x and 0 outside r,   db[r] = Σ_rows g and 0 outside r.
extension Tensor {
    public func linear(weight w: Tensor, bias: Tensor? = nil, outputRows r: Range<Int>) throws -> Tensor {
        let x = self
        guard w.rank == 2 else { throw TensorError("linear", "weight must be [out, in], got \(fmt(w.shape))") }
        let allOut = w.shape[0], inF = w.shape[1], outF = r.count
        guard r.lowerBound >= 0, r.upperBound <= allOut, !r.isEmpty else {
            throw TensorError("linear", "output rows \(r.lowerBound)..<\(r.upperBound) outside weight \(fmt(w.shape))")
        }
        guard x.rank >= 1, x.shape[x.rank - 1] == inF else {
            throw TensorError("linear", "input \(fmt(x.shape)) does not end in \(inF) features (weight \(fmt(w.shape)))")
        }
        if let bias, bias.shape != [allOut] { throw TensorError("linear", "bias \(fmt(bias.shape)) must be [\(allOut)] for weight \(fmt(w.shape))") }
        if r == 0..<allOut { return try x.linear(weight: w, bias: bias) }
        let rows = x.count / Swift.max(inF, 1)
        let wBlock = UnsafePointer(w.pointer + r.lowerBound * inF)
        let y = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outF])
        if let bias {
            for i in 0..<rows { (y.pointer + i * outF).update(from: bias.pointer + r.lowerBound, count: outF) }
        }
        if rows > 0 {
            sgemm(transA: false, transB: true, m: rows, n: outF, k: inF, a: x.pointer, lda: inF,
                  b: wBlock, ldb: inF, beta: bias == nil ? 0 : 1, c: y.pointer, ldc: outF)
        }
        let inputs = bias.map { [x, w, $0] } ?? [x, w]
        return y.recording("linear_rows", inputs) { g in
            var dx: Tensor? = nil, dw: Tensor? = nil, db: Tensor? = nil
            if x.requiresGrad {
                let t = Tensor(uninitializedShape: x.shape)
                sgemm(transA: false, transB: false, m: rows, n: inF, k: outF, a: g.pointer, lda: outF,
                      b: w.pointer + r.lowerBound * inF, ldb: inF, c: t.pointer, ldc: inF)
                dx = t
            }
            if w.requiresGrad {
                let t = Tensor.zeros(w.shape)
                sgemm(transA: true, transB: false, m: outF, n: inF, k: rows, a: g.pointer, lda: outF,
                      b: x.pointer, ldb: inF, c: t.pointer + r.lowerBound * inF, ldc: inF)
                dw = t
            }
            if let bias, bias.requiresGrad {
                let t = Tensor.zeros(bias.shape)
                let s = sumAxisKeep(try g.reshaped([rows, outF]), 0)
                (t.pointer + r.lowerBound).update(from: s.pointer, count: outF)
                db = t
            }
            return [dx, dw, db]
        }
    }
}
