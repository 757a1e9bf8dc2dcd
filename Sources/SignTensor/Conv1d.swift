/// 1-D convolution (cross-correlation, as PyTorch) over [B, Cin, T] with weight [Cout, Cin/groups, K].
///
/// Forward, with Tout = ⌊(T + 2p − d(K−1) − 1)/s⌋ + 1 and group gi owning input channels
/// gi·Cin/G ..< (gi+1)·Cin/G and output channels gi·Cout/G ..< (gi+1)·Cout/G:
///   y[b, o, t] = bias[o] + Σ_{c in group(o)} Σ_k W[o, c − c₀, k] · x[b, c, t·s − p + k·d]   (x = 0 outside [0, T)).
/// Computed as im2col: col[b, (c, k), t] = x[b, c, t·s − p + k·d], then per (batch item, group) one GEMM
///   y[b, group] = W[group] (Cout/G × Cin/G·K) · col[b, group] (Cin/G·K × Tout).
/// A K = 1, s = 1, p = 0 convolution uses x as col directly (no copy).
/// Backward: db[o] = Σ_{b,t} g[b, o, t];  dW[group] = Σ_b g[b, group] · col[b, group]ᵀ (col rebuilt, not
/// stored);  dcol[b, group] = W[group]ᵀ · g[b, group], then col2im: dx[b, c, t·s − p + k·d] += dcol[b, (c, k), t].
extension Tensor {
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                       dilation: Int = 1, groups: Int = 1) throws -> Tensor {
        let x = self, w = weight
        let geo = try Conv1dGeometry(input: x.shape, weight: w.shape, bias: bias?.shape, stride: stride,
                                     padding: padding, dilation: dilation, groups: groups)
        let out = Tensor(uninitializedShape: [geo.batch, geo.cout, geo.tout])
        if let bias {
            for r in 0..<geo.batch * geo.cout {
                (out.pointer + r * geo.tout).update(repeating: bias.pointer[r % geo.cout], count: geo.tout)
            }
        }
        if geo.batch > 0 && geo.tout > 0 {
            let col = geo.isPointwise ? nil : geo.im2col(x.pointer)
            geo.forwardGemms(col: col?.pointer ?? x.pointer, weight: w.pointer, out: out.pointer, accumulate: bias != nil)
        }
        let inputs = bias.map { [x, w, $0] } ?? [x, w]
        return out.recording("conv1d", inputs) { g in
            var dx: Tensor? = nil, dw: Tensor? = nil, db: Tensor? = nil
            if x.requiresGrad {
                let t = Tensor(uninitializedShape: x.shape)
                if geo.isPointwise { geo.inputGradGemms(g: g.pointer, weight: w.pointer, dcol: t.pointer) }
                else {
                    let dcol = Tensor(uninitializedShape: [geo.batch, geo.colRows, geo.tout])
                    geo.inputGradGemms(g: g.pointer, weight: w.pointer, dcol: dcol.pointer)
                    geo.col2im(dcol.pointer, into: t.pointer)
                }
                dx = t
            }
            if w.requiresGrad {
                let t = Tensor(uninitializedShape: w.shape)
                let col = geo.isPointwise ? nil : geo.im2col(x.pointer)
                geo.weightGradGemms(g: g.pointer, col: col?.pointer ?? x.pointer, dw: t.pointer)
                dw = t
            }
            if let bias, bias.requiresGrad {
                let t = Tensor(uninitializedShape: bias.shape)
                for o in 0..<geo.cout {
                    var s: Float = 0
                    for b in 0..<geo.batch { s += simdSum(g.pointer + (b * geo.cout + o) * geo.tout, geo.tout) }
                    t.pointer[o] = s
                }
                db = t
            }
            return [dx, dw, db]
        }
    }
}

/// Shapes and index maps of one conv1d call; validates every argument with a message naming the shapes.
struct Conv1dGeometry: Sendable {
    let batch, cin, t, cout, k, stride, padding, dilation, groups, tout: Int
    var cinG: Int { cin / groups }
    var coutG: Int { cout / groups }
    /// Rows of one batch item's col matrix: Cin·K, ordered (channel, tap).
    var colRows: Int { cin * k }
    var isPointwise: Bool { k == 1 && stride == 1 && padding == 0 }

    init(input: [Int], weight: [Int], bias: [Int]?, stride: Int, padding: Int, dilation: Int, groups: Int) throws {
        guard input.count == 3 else { throw TensorError("conv1d", "input must be [B, Cin, T], got \(fmt(input))") }
        guard weight.count == 3 else { throw TensorError("conv1d", "weight must be [Cout, Cin/groups, K], got \(fmt(weight))") }
        guard stride >= 1, dilation >= 1, padding >= 0, groups >= 1 else {
            throw TensorError("conv1d", "needs stride ≥ 1, dilation ≥ 1, padding ≥ 0, groups ≥ 1; got stride \(stride), dilation \(dilation), padding \(padding), groups \(groups)")
        }
        (batch, cin, t) = (input[0], input[1], input[2])
        (cout, k) = (weight[0], weight[2])
        guard cin > 0, cout > 0 else { throw TensorError("conv1d", "needs at least one input and output channel: input \(fmt(input)), weight \(fmt(weight))") }
        guard cin % groups == 0, cout % groups == 0 else {
            throw TensorError("conv1d", "groups \(groups) must divide input channels \(cin) (input \(fmt(input))) and output channels \(cout) (weight \(fmt(weight)))")
        }
        guard weight[1] == cin / groups else {
            throw TensorError("conv1d", "weight \(fmt(weight)) expects \(weight[1]) channels per group, input \(fmt(input)) has \(cin / groups) with groups \(groups)")
        }
        guard k >= 1 else { throw TensorError("conv1d", "kernel size must be ≥ 1, weight \(fmt(weight))") }
        if let bias, bias != [cout] { throw TensorError("conv1d", "bias \(fmt(bias)) must be [\(cout)] for weight \(fmt(weight))") }
        let span = dilation * (k - 1) + 1
        guard t + 2 * padding >= span else {
            throw TensorError("conv1d", "input \(fmt(input)) padded by \(padding) on each side is shorter than the kernel span \(span) (K \(k), dilation \(dilation))")
        }
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        tout = (t + 2 * padding - span) / stride + 1
    }

    /// Output steps t whose input position t·s + offset lies in [0, T).
    @inline(__always) func validRange(offset: Int) -> (Int, Int) {
        let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = t - 1 - offset
        let hi = last < 0 ? 0 : Swift.min(tout, last / stride + 1)
        return (Swift.min(lo, hi), hi)
    }

    /// col[b, c·K + k, t] = x[b, c, t·s − p + k·d] (0 outside the input).
    func im2col(_ x: UnsafeMutablePointer<Float>) -> Tensor {
        let col = Tensor(uninitializedShape: [batch, colRows, tout])
        let X = UnsafeSendable(x), C = UnsafeSendable(col.pointer)
        Parallel.chunks(batch * colRows, minPerThread: Swift.max(1, 32_768 / Swift.max(tout, 1))) { r0, r1 in
            for r in r0..<r1 {
                let ck = r % colRows, b = r / colRows
                let src = X.value + (b * cin + ck / k) * t, dst = C.value + r * tout
                let offset = (ck % k) * dilation - padding
                let (lo, hi) = validRange(offset: offset)
                for j in 0..<lo { dst[j] = 0 }
                if stride == 1 { (dst + lo).update(from: src + lo + offset, count: hi - lo) }
                else { for j in lo..<hi { dst[j] = src[j * stride + offset] } }
                for j in hi..<tout { dst[j] = 0 }
            }
        }
        return col
    }

    /// dx[b, c, t·s − p + k·d] += dcol[b, c·K + k, t]; each (b, c) row is owned by one thread.
    func col2im(_ dcol: UnsafeMutablePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        let D = UnsafeSendable(dx), C = UnsafeSendable(dcol)
        Parallel.chunks(batch * cin, minPerThread: Swift.max(1, 32_768 / Swift.max(k * tout, 1))) { r0, r1 in
            for r in r0..<r1 {
                let dst = D.value + r * t
                dst.update(repeating: 0, count: t)
                for kk in 0..<k {
                    let src = C.value + (r * k + kk) * tout
                    let offset = kk * dilation - padding
                    let (lo, hi) = validRange(offset: offset)
                    for j in lo..<hi { dst[j * stride + offset] += src[j] }
                }
            }
        }
    }

    /// Runs `body(i)` for i < count: whole GEMMs spread over cores when each is small, else serially with BLAS threads.
    private func gemms(_ count: Int, flopsEach: Int, _ body: (Int) -> Void) {
        if count > 1 && flopsEach < 1 << 21 { Parallel.forEach(count, body) } else { for i in 0..<count { body(i) } }
    }

    /// y[b, group] (+)= W[group] · col[b, group].
    func forwardGemms(col: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                      out: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let C = UnsafeSendable(col), W = UnsafeSendable(weight), Y = UnsafeSendable(out)
        let kk = cinG * k
        gemms(batch * groups, flopsEach: coutG * kk * tout) { i in
            let b = i / groups, gi = i % groups
            sgemm(transA: false, transB: false, m: coutG, n: tout, k: kk, a: W.value + gi * coutG * kk, lda: kk,
                  b: C.value + (b * colRows + gi * kk) * tout, ldb: tout, beta: accumulate ? 1 : 0,
                  c: Y.value + (b * cout + gi * coutG) * tout, ldc: tout)
        }
    }

    /// dcol[b, group] = W[group]ᵀ · g[b, group].
    func inputGradGemms(g: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>, dcol: UnsafeMutablePointer<Float>) {
        let G = UnsafeSendable(g), W = UnsafeSendable(weight), D = UnsafeSendable(dcol)
        let kk = cinG * k
        gemms(batch * groups, flopsEach: coutG * kk * tout) { i in
            let b = i / groups, gi = i % groups
            sgemm(transA: true, transB: false, m: kk, n: tout, k: coutG, a: W.value + gi * coutG * kk, lda: kk,
                  b: G.value + (b * cout + gi * coutG) * tout, ldb: tout,
                  c: D.value + (b * colRows + gi * kk) * tout, ldc: tout)
        }
    }

    /// dW[group] = Σ_b g[b, group] · col[b, group]ᵀ (groups in parallel, batch items accumulated in order).
    func weightGradGemms(g: UnsafeMutablePointer<Float>, col: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>) {
        let G = UnsafeSendable(g), C = UnsafeSendable(col), D = UnsafeSendable(dw)
        let kk = cinG * k
        if batch == 0 { dw.update(repeating: 0, count: cout * kk); return }
        gemms(groups, flopsEach: coutG * kk * tout * batch) { gi in
            for b in 0..<batch {
                sgemm(transA: false, transB: true, m: coutG, n: kk, k: tout, a: G.value + (b * cout + gi * coutG) * tout, lda: tout,
                      b: C.value + (b * colRows + gi * kk) * tout, ldb: tout, beta: b == 0 ? 0 : 1,
                      c: D.value + gi * coutG * kk, ldc: kk)
            }
        }
    }
}
