/// The per-(batch, head) work of scaled dot-product attention (math in Attention.swift).
///
/// Each worker thread takes a contiguous range of (b, h) pairs and owns Sq×Sk scratch matrices;
/// the GEMMs run single-threaded inside the worker (Parallel.forEach), so the small 128×128×32
/// products of all heads keep every core busy.
struct AttentionKernel: @unchecked Sendable {
    let geo: AttentionGeometry
    let q: OperandView, k: OperandView, v: OperandView
    /// [B, Sk] with 1 = visible key, 0 = padding; nil when every key is visible.
    let valid: UnsafePointer<Float>?
    let causal: Bool
    let dropout: Float
    let seed: UInt64

    var scale: Float { 1 / Float(geo.dh).squareRoot() }

    /// Number of keys row i may see before the key mask (causal: j ≤ i).
    @inline(__always) func visibleKeys(row i: Int) -> Int { causal ? Swift.min(geo.sk, i + 1) : geo.sk }

    /// The dropout stream of pair `pair`: the same sequence in forward and backward.
    func dropoutStream(pair: Int) -> RandomStream {
        RandomStream(seed: seed ^ (UInt64(pair + 1) &* 0xD1B5_4A32_D192_ED03))
    }

    /// Runs `body(pair, scratch)` for all pairs, `scratchCount` floats of scratch per worker.
    private func forEachPair(scratchCount: Int, _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
        let pairs = geo.pairs
        let workers = Swift.max(1, Swift.min(Parallel.threads, pairs))
        let per = (pairs + workers - 1) / workers
        Parallel.forEach(workers) { w in
            let scratch = Storage(uninitializedCount: Swift.max(1, scratchCount))
            for pair in (w * per)..<Swift.min(pairs, (w + 1) * per) { body(pair, scratch.pointer) }
        }
    }

    /// O = dropout(softmax(c·QKᵀ + mask))·V into `out` [B, Sq, H·dh]; P into `probs` when given.
    func forward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>?) {
        let (sq, sk, dh, width) = (geo.sq, geo.sk, geo.dh, geo.width)
        let o = OperandView(base: out, rowStride: width, seq: sq)
        if sk == 0 || sq == 0 || dh == 0 {
            out.update(repeating: 0, count: geo.batch * sq * width)
            return
        }
        let ppp = geo.probsPerPair
        // Scratch: P when not saved, then the dropout mask and P̃.
        let scratchCount = (probs == nil ? ppp : 0) + (dropout > 0 ? 2 * ppp : 0)
        let P = UnsafeSendable(probs)
        forEachPair(scratchCount: scratchCount) { pair, scratch in
            let b = pair / geo.heads, h = pair % geo.heads
            let p = P.value.map { $0 + pair * ppp } ?? scratch
            sgemm(transA: false, transB: true, m: sq, n: sk, k: dh, alpha: scale,
                  a: q.at(b, h, dh), lda: q.rowStride, b: k.at(b, h, dh), ldb: k.rowStride, c: p, ldc: sk)
            let validRow = valid.map { $0 + b * sk }
            for i in 0..<sq { maskedSoftmaxRow(p + i * sk, visible: visibleKeys(row: i), count: sk, valid: validRow) }
            var mixed = UnsafePointer(p)
            if dropout > 0 {
                let extra = scratch + (P.value == nil ? ppp : 0)
                let mask = extra, dropped = extra + ppp
                var stream = dropoutStream(pair: pair)
                fillDropoutRow(mask, ppp, p: dropout, stream: &stream)
                multiplyRows(p, mask, dropped, ppp)
                mixed = UnsafePointer(dropped)
            }
            sgemm(transA: false, transB: false, m: sq, n: dh, k: sk, a: mixed, lda: sk,
                  b: v.at(b, h, dh), ldb: v.rowStride, c: o.at(b, h, dh), ldc: width)
        }
    }

    /// Writes dQ, dK, dV (each optional) from dO [B, Sq, H·dh] and the saved P.
    func backward(dOut: UnsafePointer<Float>, probs: UnsafePointer<Float>, dq: OperandView?, dk: OperandView?, dv: OperandView?) {
        let (sq, sk, dh, width) = (geo.sq, geo.sk, geo.dh, geo.width)
        if sk == 0 || sq == 0 || dh == 0 {
            // No keys (or no queries): every gradient is zero.
            for (g, seq) in [(dq, sq), (dk, sk), (dv, sk)] {
                guard let g else { continue }
                for b in 0..<geo.batch { for r in 0..<seq { (g.base + (b * seq + r) * g.rowStride).update(repeating: 0, count: width) } }
            }
            return
        }
        let ppp = geo.probsPerPair
        let dO = OperandView(base: UnsafeMutablePointer(mutating: dOut), rowStride: width, seq: sq)
        let needScores = dq != nil || dk != nil
        // Scratch: dP, then the dropout mask and P̃.
        let scratchCount = ppp + (dropout > 0 ? 2 * ppp : 0)
        let scale = self.scale
        forEachPair(scratchCount: scratchCount) { pair, scratch in
            let b = pair / geo.heads, h = pair % geo.heads
            let p = probs + pair * ppp
            let dP = scratch
            var mixed = p, mask: UnsafeMutablePointer<Float>? = nil
            if dropout > 0 {
                let m = scratch + ppp, dropped = scratch + 2 * ppp
                var stream = dropoutStream(pair: pair)
                fillDropoutRow(m, ppp, p: dropout, stream: &stream)
                multiplyRows(p, m, dropped, ppp)
                mixed = UnsafePointer(dropped)
                mask = m
            }
            let dOh = UnsafePointer(dO.at(b, h, dh))
            if let dv {
                sgemm(transA: true, transB: false, m: sk, n: dh, k: sq, a: mixed, lda: sk,
                      b: dOh, ldb: width, c: dv.at(b, h, dh), ldc: dv.rowStride)
            }
            guard needScores else { return }
            sgemm(transA: false, transB: true, m: sq, n: sk, k: dh, a: dOh, lda: width,
                  b: v.at(b, h, dh), ldb: v.rowStride, c: dP, ldc: sk)
            if let mask { multiplyRows(dP, mask, dP, ppp) }
            for i in 0..<sq { softmaxRowBackward(dP + i * sk, p + i * sk, dP + i * sk, sk) }   // dP → dS in place
            if let dq {
                sgemm(transA: false, transB: false, m: sq, n: dh, k: sk, alpha: scale, a: dP, lda: sk,
                      b: k.at(b, h, dh), ldb: k.rowStride, c: dq.at(b, h, dh), ldc: dq.rowStride)
            }
            if let dk {
                sgemm(transA: true, transB: false, m: sk, n: dh, k: sq, alpha: scale, a: dP, lda: sk,
                      b: q.at(b, h, dh), ldb: q.rowStride, c: dk.at(b, h, dh), ldc: dk.rowStride)
            }
        }
    }
}

/// Softmax of one score row in place over keys j < `visible` with valid[j] ≠ 0 (all when `valid`
/// is nil); every other entry becomes 0. A row with no visible key becomes all zeros.
@inline(__always)
func maskedSoftmaxRow(_ s: UnsafeMutablePointer<Float>, visible: Int, count n: Int, valid: UnsafePointer<Float>?) {
    let total: Float
    if let valid {
        let m = maskedRowMax(s, valid, visible)
        if m == -.infinity {
            s.update(repeating: 0, count: n)
            return
        }
        total = maskedExpShiftedSum(s, valid, visible, shift: m)
    } else {
        total = expShiftedSum(s, s, visible, shift: rowMax(s, visible))
    }
    scaleRow(s, s, visible, 1 / total)
    if visible < n { (s + visible).update(repeating: 0, count: n - visible) }
}

/// max over j < n with valid[j] ≠ 0 of s[j]; −∞ when none.
@inline(__always) func maskedRowMax(_ s: UnsafePointer<Float>, _ valid: UnsafePointer<Float>, _ n: Int) -> Float {
    var m0 = F16(repeating: -.infinity)
    var i = 0
    while i + 16 <= n {
        let sv = load16(s + i), vv = load16(valid + i)
        var t = F16()
        for l in 0..<16 { t[l] = vv[l] != 0 ? sv[l] : -.infinity }
        m0 = max16(m0, t)
        i += 16
    }
    var m = hmax16(m0)
    while i < n { if valid[i] != 0 { m = Swift.max(m, s[i]) }; i += 1 }
    return m
}

/// s[j] ← e^(min(s[j] − shift, 0))·valid[j] for j < n; returns the sum. The min keeps hidden
/// entries (which may exceed the shift) finite before the 0/1 factor removes them.
@inline(__always) func maskedExpShiftedSum(_ s: UnsafeMutablePointer<Float>, _ valid: UnsafePointer<Float>, _ n: Int, shift: Float) -> Float {
    var acc = F16()
    let zero = F16()
    var i = 0
    while i + 16 <= n {
        let e = exp16(min16(load16(s + i) - shift, zero)) * load16(valid + i)
        store16(e, s + i)
        acc += e
        i += 16
    }
    var total = acc.sum()
    while i < n { let e = FastMath.exp(Swift.min(s[i] - shift, 0)) * valid[i]; s[i] = e; total += e; i += 1 }
    return total
}

/// c = a ⊙ b over n floats (single-threaded; for per-worker scratch).
@inline(__always) func multiplyRows(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    while i + 16 <= n { store16(load16(a + i) * load16(b + i), c + i); i += 16 }
    while i < n { c[i] = a[i] * b[i]; i += 1 }
}
