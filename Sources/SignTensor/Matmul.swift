import CBLAS

/// C ← α·op(A)·op(B) + β·C through OpenBLAS (row-major; transposes are flags, never copies).
///
/// Large products (m·n·k ≥ 2²²) split C into one block per thread, each a single-threaded OpenBLAS
/// call: by rows when m has at least 64 per thread (block rows m₀..<m₁ read op(A) at A + m₀·lda, or
/// A + m₀ when transposed), else by columns when n does (columns n₀..<n₁ read op(B) at B + n₀, or
/// B + n₀·ldb when transposed). Small products run as one call on the current thread.
public func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let t = Parallel.threads
    let splitRows = m >= 64 * t, splitColumns = !splitRows && n >= 64 * t
    guard t > 1, splitRows || splitColumns, m * n * k >= 1 << 22 else {
        blasGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    let A = UnsafeSendable(a), B = UnsafeSendable(b), C = UnsafeSendable(c)
    if splitRows {
        let per = (m + t - 1) / t
        Parallel.forEach(t) { w in
            let m0 = w * per, m1 = Swift.min(m, m0 + per)
            guard m0 < m1 else { return }
            blasGemm(transA, transB, m1 - m0, n, k, alpha, A.value + (transA ? m0 : m0 * lda), lda,
                     B.value, ldb, beta, C.value + m0 * ldc, ldc)
        }
    } else {
        let per = ((n + t - 1) / t + 15) / 16 * 16   // whole 64-byte lines per block
        Parallel.forEach(t) { w in
            let n0 = w * per, n1 = Swift.min(n, n0 + per)
            guard n0 < n1 else { return }
            blasGemm(transA, transB, m, n1 - n0, k, alpha, A.value, lda,
                     B.value + (transB ? n0 * ldb : n0), ldb, beta, C.value + n0, ldc)
        }
    }
}

@inline(__always)
private func blasGemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                      _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                      _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

extension Tensor {
    /// Matrix product C = op(A)·op(B) over the last two axes, op = transpose when the flag is set.
    ///
    /// Shapes: A [..., M, K] (or [..., K, M] transposed), B [K, N] or [..., K, N] with the same
    /// leading (batch) axes. A 2-D B with a batched, untransposed A runs as one GEMM.
    /// Backward, with X = op(A), Y = op(B): dX = g·Yᵀ, dY = Xᵀ·g, mapped back through op.
    public func matmul(_ other: Tensor, transposeSelf ta: Bool = false, transposeOther tb: Bool = false) throws -> Tensor {
        let a = self, b = other
        guard a.rank >= 2, b.rank >= 2 else { throw TensorError("matmul", "needs rank ≥ 2 operands, got \(fmt(a.shape)) and \(fmt(b.shape))") }
        // Batched A with a plain 2-D B: fold the batch into rows (autograd goes through reshape).
        if a.rank > 2 && b.rank == 2 && !ta {
            let k = a.shape[a.rank - 1]
            let y = try a.reshaped([-1, k]).matmul(b, transposeOther: tb)
            return try y.reshaped(Array(a.shape.dropLast()) + [y.shape[1]])
        }
        let m = ta ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let ka = ta ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = tb ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = tb ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        guard ka == kb else {
            throw TensorError("matmul", "inner dimensions differ: \(fmt(a.shape))\(ta ? "ᵀ" : "") and \(fmt(b.shape))\(tb ? "ᵀ" : "") (\(ka) vs \(kb))")
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard batchA == batchB || batchA.isEmpty || batchB.isEmpty else {
            throw TensorError("matmul", "batch dimensions differ: \(fmt(a.shape)) and \(fmt(b.shape))")
        }
        let batchShape = batchA.isEmpty ? batchB : batchA
        let batch = batchShape.reduce(1, *)
        let out = Tensor(uninitializedShape: batchShape + [m, n])
        let strideA = batchA.isEmpty ? 0 : m * ka, strideB = batchB.isEmpty ? 0 : ka * n
        let lda = a.shape[a.rank - 1], ldb = b.shape[b.rank - 1]
        let A = UnsafeSendable(UnsafePointer(a.pointer)), B = UnsafeSendable(UnsafePointer(b.pointer)), C = UnsafeSendable(out.pointer)
        let one = { (i: Int) in
            sgemm(transA: ta, transB: tb, m: m, n: n, k: ka, a: A.value + i * strideA, lda: lda,
                  b: B.value + i * strideB, ldb: ldb, c: C.value + i * m * n, ldc: n)
        }
        // Small matrices gain nothing from BLAS threads: spread whole GEMMs over cores instead.
        if batch > 1 && m * n * ka < 1 << 21 { Parallel.forEach(batch, one) } else { for i in 0..<batch { one(i) } }
        return out.recording("matmul", [a, b]) { g in
            var da: Tensor? = nil, db: Tensor? = nil
            if a.requiresGrad {
                da = ta ? try b.matmul(g, transposeSelf: tb, transposeOther: true)
                        : try g.matmul(b, transposeOther: !tb)
                if batchA.isEmpty && !batchB.isEmpty { da = try da!.sum(axes: Array(0..<batchB.count)) }
            }
            if b.requiresGrad {
                db = tb ? try g.matmul(a, transposeSelf: true, transposeOther: ta)
                        : try a.matmul(g, transposeSelf: !ta)
                if batchB.isEmpty && !batchA.isEmpty { db = try db!.sum(axes: Array(0..<batchA.count)) }
            }
            return [da, db]
        }
    }

    /// Affine map y = x·Wᵀ + b over the last axis; W is [out, in] (PyTorch layout), b is [out].
    ///
    /// Forward: y rows start as b, then one GEMM with β = 1. Backward: dx = g·W, dW = gᵀ·x,
    /// db = Σ_rows g — three GEMM-shaped passes, no transposed copies.
    public func linear(weight w: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let x = self
        guard w.rank == 2 else { throw TensorError("linear", "weight must be [out, in], got \(fmt(w.shape))") }
        let outF = w.shape[0], inF = w.shape[1]
        guard x.rank >= 1, x.shape[x.rank - 1] == inF else {
            throw TensorError("linear", "input \(fmt(x.shape)) does not end in \(inF) features (weight \(fmt(w.shape)))")
        }
        if let bias, bias.shape != [outF] { throw TensorError("linear", "bias \(fmt(bias.shape)) must be [\(outF)] for weight \(fmt(w.shape))") }
        let rows = x.count / Swift.max(inF, 1)
        let y = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outF])
        if let bias {
            for r in 0..<rows { (y.pointer + r * outF).update(from: bias.pointer, count: outF) }
        }
        if rows > 0 && outF > 0 {
            sgemm(transA: false, transB: true, m: rows, n: outF, k: inF, a: x.pointer, lda: inF,
                  b: w.pointer, ldb: inF, beta: bias == nil ? 0 : 1, c: y.pointer, ldc: outF)
        }
        let inputs = bias.map { [x, w, $0] } ?? [x, w]
        return y.recording("linear", inputs) { g in
            var dx: Tensor? = nil, dw: Tensor? = nil, db: Tensor? = nil
            if x.requiresGrad {
                let t = Tensor(uninitializedShape: x.shape)
                sgemm(transA: false, transB: false, m: rows, n: inF, k: outF, a: g.pointer, lda: outF,
                      b: w.pointer, ldb: inF, c: t.pointer, ldc: inF)
                dx = t
            }
            if w.requiresGrad {
                let t = Tensor(uninitializedShape: w.shape)
                sgemm(transA: true, transB: false, m: outF, n: inF, k: rows, a: g.pointer, lda: outF,
                      b: x.pointer, ldb: inF, c: t.pointer, ldc: inF)
                dw = t
            }
            if let bias, bias.requiresGrad { db = try g.reshaped([rows, outF]).sum(axes: [0]) }
            return [dx, dw, db]
        }
    }
}
