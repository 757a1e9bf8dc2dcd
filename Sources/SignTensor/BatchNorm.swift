import Foundation

/// Batch normalization over axis 1 of [B, C] or [B, C, T] (PyTorch F.batch_norm), fused forward and backward.
///
/// Per channel c, over the N = B·T values x[·, c, ·]:
///   training: μ = mean, σ² = biased variance (÷N); the running estimates move as
///             r_μ ← (1 − m)·r_μ + m·μ,  r_σ² ← (1 − m)·r_σ² + m·σ²·N/(N − 1)   (unbiased, like torch);
///   eval:     μ = r_μ, σ² = r_σ².
///   x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β   (γ = 1, β = 0 when weight / bias are nil).
/// Backward (training, μ and σ² depend on x):
///   dβ = Σ g,  dγ = Σ g·x̂,  dx = γ/(N·√(σ²+ε)) · (N·g − Σ g − x̂·Σ g·x̂).
/// Backward (eval, statistics are constants): dx = g·γ/√(r_σ²+ε). x̂ is recomputed from x, never stored.
extension Tensor {
    public func batchNorm(weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                          training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) throws -> Tensor {
        let x = self
        guard x.rank == 2 || x.rank == 3 else { throw TensorError("batchNorm", "input must be [B, C] or [B, C, T], got \(fmt(x.shape))") }
        let b = x.shape[0], c = x.shape[1], t = x.rank == 3 ? x.shape[2] : 1
        for (name, p) in [("weight", weight), ("bias", bias), ("running mean", runningMean), ("running var", runningVar)] {
            if let p, p.shape != [c] { throw TensorError("batchNorm", "\(name) \(fmt(p.shape)) must be [\(c)] for input \(fmt(x.shape))") }
        }
        guard (runningMean == nil) == (runningVar == nil) else { throw TensorError("batchNorm", "give both running mean and running var, or neither") }
        let n = b * t
        if training {
            guard n > 1 else { throw TensorError("batchNorm", "needs more than one value per channel in training, input \(fmt(x.shape))") }
        } else {
            guard runningMean != nil else { throw TensorError("batchNorm", "eval mode needs running statistics") }
        }
        if t == 1 {
            return try batchNormRows(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                     training: training, momentum: momentum, eps: eps)
        }
        var mean = [Float](repeating: 0, count: c), istd = [Float](repeating: 0, count: c)
        let X = UnsafeSendable(x.pointer)
        if training {
            var variance = [Float](repeating: 0, count: c)
            mean.withUnsafeMutableBufferPointer { mb in variance.withUnsafeMutableBufferPointer { vb in
                let M = UnsafeSendable(mb), V = UnsafeSendable(vb)
                Parallel.chunks(c, minPerThread: Swift.max(1, 32_768 / Swift.max(n, 1))) { c0, c1 in
                    for ch in c0..<c1 {
                        var s = 0.0
                        for i in 0..<b { s += Double(simdSum(X.value + (i * c + ch) * t, t)) }
                        let mu = Float(s / Double(n))
                        var q = 0.0
                        for i in 0..<b { q += Double(sumSquaredDeviation(X.value + (i * c + ch) * t, t, mu)) }
                        M.value[ch] = mu
                        V.value[ch] = Float(q / Double(n))
                    }
                }
            } }
            for ch in 0..<c { istd[ch] = 1 / (variance[ch] + eps).squareRoot() }
            if let rm = runningMean?.pointer, let rv = runningVar?.pointer {
                let unbias = Float(n) / Float(n - 1)
                for ch in 0..<c {
                    rm[ch] = (1 - momentum) * rm[ch] + momentum * mean[ch]
                    rv[ch] = (1 - momentum) * rv[ch] + momentum * variance[ch] * unbias
                }
            }
        } else {
            let rm = runningMean!.pointer, rv = runningVar!.pointer
            for ch in 0..<c { mean[ch] = rm[ch]; istd[ch] = 1 / (rv[ch] + eps).squareRoot() }
        }
        let out = Tensor(uninitializedShape: x.shape)
        let Y = UnsafeSendable(out.pointer)
        let gamma = weight?.toArray() ?? [Float](repeating: 1, count: c)
        let beta = bias?.toArray() ?? [Float](repeating: 0, count: c)
        Parallel.chunks(b * c, minPerThread: Swift.max(1, 32_768 / t)) { r0, r1 in
            for r in r0..<r1 {
                let ch = r % c
                let scale = gamma[ch] * istd[ch], shift = beta[ch] - mean[ch] * scale
                let src = X.value + r * t, dst = Y.value + r * t
                for i in 0..<t { dst[i] = src[i] * scale + shift }
            }
        }
        let inputs = [x] + [weight, bias].compactMap { $0 }
        let hasWeight = weight != nil, hasBias = bias != nil
        return out.recording("batchNorm", inputs) { g in
            let G = UnsafeSendable(g.pointer)
            // Per channel: Σ g and Σ g·x̂ = (Σ g·x − μ Σ g)·istd.
            var sumG = [Float](repeating: 0, count: c), sumGXhat = [Float](repeating: 0, count: c)
            sumG.withUnsafeMutableBufferPointer { sb in sumGXhat.withUnsafeMutableBufferPointer { hb in
                let S = UnsafeSendable(sb), H = UnsafeSendable(hb)
                Parallel.chunks(c, minPerThread: Swift.max(1, 32_768 / Swift.max(n, 1))) { c0, c1 in
                    for ch in c0..<c1 {
                        var sg = 0.0, sgx = 0.0
                        for i in 0..<b {
                            let off = (i * c + ch) * t
                            sg += Double(simdSum(G.value + off, t))
                            sgx += Double(simdDot(G.value + off, X.value + off, t))
                        }
                        S.value[ch] = Float(sg)
                        H.value[ch] = Float((sgx - Double(mean[ch]) * sg) * Double(istd[ch]))
                    }
                }
            } }
            var dx: Tensor? = nil
            if x.requiresGrad {
                let d = Tensor(uninitializedShape: x.shape)
                let D = UnsafeSendable(d.pointer)
                let invN = 1 / Float(n)
                Parallel.chunks(b * c, minPerThread: Swift.max(1, 32_768 / t)) { r0, r1 in
                    for r in r0..<r1 {
                        let ch = r % c
                        let k = gamma[ch] * istd[ch]
                        let src = X.value + r * t, gr = G.value + r * t, dst = D.value + r * t
                        if training {
                            let mu = mean[ch], s = istd[ch] * sumGXhat[ch] * invN, mg = sumG[ch] * invN
                            for i in 0..<t { dst[i] = k * (gr[i] - mg - (src[i] - mu) * s) }
                        } else {
                            for i in 0..<t { dst[i] = k * gr[i] }
                        }
                    }
                }
                dx = d
            }
            var grads: [Tensor?] = [dx]
            if hasWeight { grads.append(weight!.requiresGrad ? try Tensor(shape: [c], data: sumGXhat) : nil) }
            if hasBias { grads.append(bias!.requiresGrad ? try Tensor(shape: [c], data: sumG) : nil) }
            return grads
        }
    }
}

extension Tensor {
    /// `batchNorm` for [R, C] (channels last, one value per row and channel): the same math, with
    /// per-channel sums accumulated row by row (contiguous, vectorized adds into a C-wide accumulator)
    /// instead of one strided walk down each column, which cost 4× a same-sized GEMM for R = 21 504,
    /// C = 256. Rows split into one block per thread; each block sums in Float over 256-row tiles
    /// and in Double across tiles; blocks combine in order (deterministic per thread count).
    func batchNormRows(weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                       training: Bool, momentum: Float, eps: Float) throws -> Tensor {
        let x = self
        let r = x.shape[0], c = x.shape[1]
        var mean = [Float](repeating: 0, count: c), istd = [Float](repeating: 0, count: c)
        if training {
            let s = columnSums(x.pointer, rows: r, cols: c, .value)
            for j in 0..<c { mean[j] = Float(s[j] / Double(r)) }
            let q = mean.withUnsafeBufferPointer { columnSums(x.pointer, rows: r, cols: c, .squaredDeviation($0.baseAddress!)) }
            var variance = [Float](repeating: 0, count: c)
            for j in 0..<c { variance[j] = Float(q[j] / Double(r)); istd[j] = 1 / (variance[j] + eps).squareRoot() }
            if let rm = runningMean?.pointer, let rv = runningVar?.pointer {
                let unbias = Float(r) / Float(r - 1)
                for j in 0..<c {
                    rm[j] = (1 - momentum) * rm[j] + momentum * mean[j]
                    rv[j] = (1 - momentum) * rv[j] + momentum * variance[j] * unbias
                }
            }
        } else {
            let rm = runningMean!.pointer, rv = runningVar!.pointer
            for j in 0..<c { mean[j] = rm[j]; istd[j] = 1 / (rv[j] + eps).squareRoot() }
        }
        let gamma = weight?.toArray() ?? [Float](repeating: 1, count: c)
        let beta = bias?.toArray() ?? [Float](repeating: 0, count: c)
        var scale = [Float](repeating: 0, count: c), shift = [Float](repeating: 0, count: c)
        for j in 0..<c { scale[j] = gamma[j] * istd[j]; shift[j] = beta[j] - mean[j] * scale[j] }
        let out = Tensor(uninitializedShape: x.shape)
        let X = UnsafeSendable(x.pointer), Y = UnsafeSendable(out.pointer)
        scale.withUnsafeBufferPointer { sb in shift.withUnsafeBufferPointer { hb in
            let S = UnsafeSendable(sb.baseAddress!), H = UnsafeSendable(hb.baseAddress!)
            Parallel.chunks(r, minPerThread: Swift.max(1, 32_768 / Swift.max(c, 1))) { r0, r1 in
                for row in r0..<r1 {
                    let src = X.value + row * c, dst = Y.value + row * c
                    for j in 0..<c { dst[j] = src[j] * S.value[j] + H.value[j] }
                }
            }
        } }
        let inputs = [x] + [weight, bias].compactMap { $0 }
        let hasWeight = weight != nil, hasBias = bias != nil
        return out.recording("batchNorm", inputs) { g in
            // Σ g and Σ g·x̂ = (Σ g·x − μ Σ g)·istd per channel.
            let sg = columnSums(g.pointer, rows: r, cols: c, .value)
            let sgx = columnSums(g.pointer, rows: r, cols: c, .product(x.pointer))
            var sumG = [Float](repeating: 0, count: c), sumGXhat = [Float](repeating: 0, count: c)
            for j in 0..<c {
                sumG[j] = Float(sg[j])
                sumGXhat[j] = Float((sgx[j] - Double(mean[j]) * sg[j]) * Double(istd[j]))
            }
            var dx: Tensor? = nil
            if x.requiresGrad {
                // training: dx = k·(g − Σg/N − (x − μ)·istd·Σg·x̂/N), k = γ·istd;  eval: dx = k·g.
                let invN = 1 / Float(r)
                var k = [Float](repeating: 0, count: c), mg = k, s = k
                for j in 0..<c {
                    k[j] = gamma[j] * istd[j]
                    if training { mg[j] = sumG[j] * invN; s[j] = istd[j] * sumGXhat[j] * invN }
                }
                let d = Tensor(uninitializedShape: x.shape)
                let D = UnsafeSendable(d.pointer), G = UnsafeSendable(g.pointer)
                k.withUnsafeBufferPointer { kb in mg.withUnsafeBufferPointer { mb in s.withUnsafeBufferPointer { sb in
                mean.withUnsafeBufferPointer { ub in
                    let K = UnsafeSendable(kb.baseAddress!), MG = UnsafeSendable(mb.baseAddress!)
                    let SS = UnsafeSendable(sb.baseAddress!), MU = UnsafeSendable(ub.baseAddress!)
                    Parallel.chunks(r, minPerThread: Swift.max(1, 32_768 / Swift.max(c, 1))) { r0, r1 in
                        for row in r0..<r1 {
                            let src = X.value + row * c, gr = G.value + row * c, dst = D.value + row * c
                            for j in 0..<c { dst[j] = K.value[j] * (gr[j] - MG.value[j] - (src[j] - MU.value[j]) * SS.value[j]) }
                        }
                    }
                } } } }
                dx = d
            }
            var grads: [Tensor?] = [dx]
            if hasWeight { grads.append(weight!.requiresGrad ? try Tensor(shape: [c], data: sumGXhat) : nil) }
            if hasBias { grads.append(bias!.requiresGrad ? try Tensor(shape: [c], data: sumG) : nil) }
            return grads
        }
    }
}

/// What `columnSums` adds up per column j of an [R, C] grid a (and b).
enum ColumnTerm {
    case value                                   // a[r, j]
    case squaredDeviation(UnsafePointer<Float>)  // (a[r, j] − μ[j])²
    case product(UnsafePointer<Float>)           // a[r, j] · b[r, j]
}

/// Per-column sums Σ_r term(r, j) over an [R, C] grid, in Double: rows split into one block per
/// thread, Float partial sums over 256-row tiles (contiguous adds that vectorize), Double across tiles
/// and blocks, blocks combined in order.
func columnSums(_ a: UnsafePointer<Float>, rows: Int, cols: Int, _ term: ColumnTerm) -> [Double] {
    let blocks = Swift.max(1, Swift.min(Parallel.threads, rows * cols / 32_768))
    let per = (rows + blocks - 1) / blocks
    var partial = [Double](repeating: 0, count: blocks * cols)
    let tiles = UnsafeMutablePointer<Float>.allocate(capacity: blocks * cols)
    defer { tiles.deallocate() }
    partial.withUnsafeMutableBufferPointer { pb in
        let P = UnsafeSendable(pb.baseAddress!), A = UnsafeSendable(a), T = UnsafeSendable(tiles)
        let mode: Int, other: UnsafeSendable<UnsafePointer<Float>>
        switch term {
        case .value: (mode, other) = (0, UnsafeSendable(a))
        case .squaredDeviation(let mu): (mode, other) = (1, UnsafeSendable(mu))
        case .product(let b): (mode, other) = (2, UnsafeSendable(b))
        }
        Parallel.forEach(blocks) { blk in
            let r0 = blk * per, r1 = Swift.min(rows, r0 + per)
            let total = P.value + blk * cols, acc = T.value + blk * cols
            var row = r0
            while row < r1 {
                let end = Swift.min(r1, row + 256)
                acc.update(repeating: 0, count: cols)
                while row < end {
                    let x = A.value + row * cols
                    switch mode {
                    case 0: for j in 0..<cols { acc[j] += x[j] }
                    case 1: for j in 0..<cols { let d = x[j] - other.value[j]; acc[j] += d * d }
                    default: let y = other.value + row * cols; for j in 0..<cols { acc[j] += x[j] * y[j] }
                    }
                    row += 1
                }
                for j in 0..<cols { total[j] += Double(acc[j]) }
            }
        }
    }
    var out = [Double](repeating: 0, count: cols)
    for b in 0..<blocks { for j in 0..<cols { out[j] += partial[b * cols + j] } }
    return out
}

/// Σ (p[i] − mu)² with SIMD16 and two accumulators.
@inline(__always) func sumSquaredDeviation(_ p: UnsafePointer<Float>, _ n: Int, _ mu: Float) -> Float {
    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
    let m = SIMD16<Float>(repeating: mu)
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i + 32 <= n {
        let d0 = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - m
        let d1 = raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self) - m
        a0 += d0 * d0; a1 += d1 * d1
        i += 32
    }
    var s = (a0 + a1).sum()
    while i < n { let d = p[i] - mu; s += d * d; i += 1 }
    return s
}
