/// Layer normalization over the last axis (n features), fused forward and backward.
///
/// Forward, per row x:  μ = Σx/n,  σ² = Σ(x−μ)²/n,  r = 1/√(σ² + ε),  x̂ = (x−μ)·r,
///                      y = x̂ ⊙ w + b            (w, b of shape [n]; each optional)
/// Backward, with ĝ = g ⊙ w (or g without weight):
///                      dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂))
///                      dw = Σ_rows g ⊙ x̂,   db = Σ_rows g
/// μ and r are saved per row; x̂ is recomputed from x in backward. Rows are spread over threads;
/// dw/db are summed per fixed block of rows, then over blocks, so the bits do not depend on the
/// thread count.
extension Tensor {
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) throws -> Tensor {
        let x = self
        guard rank >= 1, let n = shape.last, n > 0 else { throw TensorError("layerNorm", "needs a non-empty last axis, got \(fmt(shape))") }
        if let weight, weight.shape != [n] { throw TensorError("layerNorm", "weight \(fmt(weight.shape)) must be [\(n)] for input \(fmt(shape))") }
        if let bias, bias.shape != [n] { throw TensorError("layerNorm", "bias \(fmt(bias.shape)) must be [\(n)] for input \(fmt(shape))") }
        guard eps >= 0 else { throw TensorError("layerNorm", "eps must be ≥ 0, got \(eps)") }
        let rows = count / n
        let y = Tensor(uninitializedShape: shape)
        let stats = Tensor(uninitializedShape: [rows, 2])   // (μ, r) per row
        let X = UnsafeSendable(UnsafePointer(x.pointer)), Y = UnsafeSendable(y.pointer), St = UnsafeSendable(stats.pointer)
        let W = UnsafeSendable(weight.map { UnsafePointer($0.pointer) }), B = UnsafeSendable(bias.map { UnsafePointer($0.pointer) })
        Parallel.chunks(rows, minPerThread: Swift.max(1, 8_192 / n)) { s, e in
            for r in s..<e {
                let xr = X.value + r * n, yr = Y.value + r * n
                let mu = simdSum(xr, n) / Float(n)
                let rstd = 1 / (centeredSquareSum(xr, n, mu) / Float(n) + eps).squareRoot()
                St.value[2 * r] = mu
                St.value[2 * r + 1] = rstd
                normalizeRow(xr, yr, n, mu: mu, rstd: rstd, weight: W.value, bias: B.value)
            }
        }
        let inputs = [x] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        return y.recording("layerNorm", inputs) { g in
            let wantX = x.requiresGrad, wantW = weight?.requiresGrad ?? false, wantB = bias?.requiresGrad ?? false
            let dx = wantX ? Tensor(uninitializedShape: x.shape) : nil
            // Per-block partial sums of g ⊙ x̂ and g: [blocks, 2n].
            let blockRows = 64, blocks = (rows + blockRows - 1) / blockRows
            let partial = (wantW || wantB) ? Tensor(uninitializedShape: [blocks, 2 * n]) : nil
            let St = UnsafeSendable(UnsafePointer(stats.pointer))   // captures `stats`, keeping it alive
            let G = UnsafeSendable(UnsafePointer(g.pointer)), DX = UnsafeSendable(dx?.pointer), P = UnsafeSendable(partial?.pointer)
            Parallel.chunks(blocks, minPerThread: Swift.max(1, 8_192 / (n * blockRows))) { s, e in
                for blk in s..<e {
                    let r0 = blk * blockRows, r1 = Swift.min(rows, r0 + blockRows)
                    if let p = P.value { (p + blk * 2 * n).update(repeating: 0, count: 2 * n) }
                    for r in r0..<r1 {
                        let xr = X.value + r * n, gr = G.value + r * n
                        let mu = St.value[2 * r], rstd = St.value[2 * r + 1]
                        if let p = P.value { accumulateNormGrads(xr, gr, n, mu: mu, rstd: rstd, into: p + blk * 2 * n) }
                        if let d = DX.value { normBackwardRow(xr, gr, d + r * n, n, mu: mu, rstd: rstd, weight: W.value) }
                    }
                }
            }
            var dw: Tensor? = nil, db: Tensor? = nil
            if let partial {
                let sums = sumAxisKeep(partial, 0)   // [1, 2n]
                if wantW { let t = Tensor(uninitializedShape: [n]); t.pointer.update(from: sums.pointer, count: n); dw = t }
                if wantB { let t = Tensor(uninitializedShape: [n]); t.pointer.update(from: sums.pointer + n, count: n); db = t }
            }
            return [dx] + (weight == nil ? [] : [dw]) + (bias == nil ? [] : [db])
        }
    }
}

/// Σ (x[j] − μ)² (two-pass variance: no cancellation when |μ| ≫ σ).
@inline(__always) func centeredSquareSum(_ x: UnsafePointer<Float>, _ n: Int, _ mu: Float) -> Float {
    var a0 = F16(), a1 = F16()
    var i = 0
    while i + 32 <= n {
        let d0 = load16(x + i) - mu, d1 = load16(x + i + 16) - mu
        a0 += d0 * d0; a1 += d1 * d1
        i += 32
    }
    if i + 16 <= n { let d = load16(x + i) - mu; a0 += d * d; i += 16 }
    var s = (a0 + a1).sum()
    while i < n { let d = x[i] - mu; s += d * d; i += 1 }
    return s
}

/// y = (x − μ)·r ⊙ w + b for one row (w, b optional).
@inline(__always) func normalizeRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, mu: Float, rstd: Float,
                                    weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?) {
    var j = 0
    switch (weight, bias) {
    case let (w?, b?):
        while j + 16 <= n { store16((load16(x + j) - mu) * rstd * load16(w + j) + load16(b + j), y + j); j += 16 }
        while j < n { y[j] = (x[j] - mu) * rstd * w[j] + b[j]; j += 1 }
    case let (w?, nil):
        while j + 16 <= n { store16((load16(x + j) - mu) * rstd * load16(w + j), y + j); j += 16 }
        while j < n { y[j] = (x[j] - mu) * rstd * w[j]; j += 1 }
    case let (nil, b?):
        while j + 16 <= n { store16((load16(x + j) - mu) * rstd + load16(b + j), y + j); j += 16 }
        while j < n { y[j] = (x[j] - mu) * rstd + b[j]; j += 1 }
    case (nil, nil):
        while j + 16 <= n { store16((load16(x + j) - mu) * rstd, y + j); j += 16 }
        while j < n { y[j] = (x[j] - mu) * rstd; j += 1 }
    }
}

/// acc[0..<n] += g ⊙ x̂,  acc[n..<2n] += g for one row.
@inline(__always) func accumulateNormGrads(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ n: Int, mu: Float, rstd: Float,
                                           into acc: UnsafeMutablePointer<Float>) {
    var j = 0
    while j + 16 <= n {
        let gv = load16(g + j)
        store16(load16(acc + j) + gv * ((load16(x + j) - mu) * rstd), acc + j)
        store16(load16(acc + n + j) + gv, acc + n + j)
        j += 16
    }
    while j < n { acc[j] += g[j] * ((x[j] - mu) * rstd); acc[n + j] += g[j]; j += 1 }
}

/// dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), ĝ = g ⊙ w, for one row.
@inline(__always) func normBackwardRow(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ n: Int,
                                       mu: Float, rstd: Float, weight: UnsafePointer<Float>?) {
    // Σ ĝ and Σ ĝ·x̂ in one pass.
    var s0 = F16(), s1 = F16()
    var j = 0
    if let w = weight {
        while j + 16 <= n {
            let gh = load16(g + j) * load16(w + j)
            s0 += gh; s1 += gh * ((load16(x + j) - mu) * rstd)
            j += 16
        }
    } else {
        while j + 16 <= n {
            let gh = load16(g + j)
            s0 += gh; s1 += gh * ((load16(x + j) - mu) * rstd)
            j += 16
        }
    }
    var sg = s0.sum(), sgx = s1.sum()
    while j < n {
        let gh = g[j] * (weight?[j] ?? 1)
        sg += gh; sgx += gh * ((x[j] - mu) * rstd)
        j += 1
    }
    let meanG = sg / Float(n), meanGX = sgx / Float(n)
    j = 0
    if let w = weight {
        while j + 16 <= n {
            let xh = (load16(x + j) - mu) * rstd
            store16((load16(g + j) * load16(w + j) - meanG - xh * meanGX) * rstd, dx + j)
            j += 16
        }
    } else {
        while j + 16 <= n {
            let xh = (load16(x + j) - mu) * rstd
            store16((load16(g + j) - meanG - xh * meanGX) * rstd, dx + j)
            j += 16
        }
    }
    while j < n {
        let xh = (x[j] - mu) * rstd
        dx[j] = (g[j] * (weight?[j] ?? 1) - meanG - xh * meanGX) * rstd
        j += 1
    }
}
