/// Inverted dropout: each element is kept with probability 1 − p and scaled by 1/(1 − p), so the
/// expected value is unchanged and evaluation needs no rescaling.
///
/// Forward:  m_i = [u_i ≥ p] / (1 − p),  y = x ⊙ m     (u_i uniform in [0, 1))
/// Backward: dx = g ⊙ m                                 (m is saved)
/// One 64-bit draw from `rng` seeds the whole mask; element i's uniform comes from the block
/// stream (seed, i / 4096), so masks are reproducible and independent of the thread count.
/// p = 0 returns `self`; p = 1 drops everything.
extension Tensor {
    public func dropout(p: Float, rng: inout RandomStream) throws -> Tensor {
        guard p >= 0 && p <= 1 else { throw TensorError("dropout", "p must be in [0, 1], got \(p)") }
        if p == 0 { return self }
        let x = self
        let mask = Tensor(uninitializedShape: shape)
        fillDropoutMask(mask.pointer, count: count, p: p, seed: rng.next())
        let y = Tensor(uninitializedShape: shape)
        multiplyElementwise(x.pointer, mask.pointer, y.pointer, count)
        return y.recording("dropout", [x]) { g in
            let dx = Tensor(uninitializedShape: mask.shape)
            multiplyElementwise(g.pointer, mask.pointer, dx.pointer, mask.count)
            return [dx]
        }
    }
}

/// Elements per independent random block of a dropout mask.
let dropoutBlock = 4096

/// m[i] = 1/(1−p) with probability 1 − p, else 0; block b of 4096 elements draws from
/// RandomStream(seed ^ mix(b)), two 32-bit uniforms per 64-bit draw.
func fillDropoutMask(_ m: UnsafeMutablePointer<Float>, count: Int, p: Float, seed: UInt64) {
    let blocks = (count + dropoutBlock - 1) / dropoutBlock
    let M = UnsafeSendable(m)
    Parallel.chunks(blocks, minPerThread: 4) { s, e in
        for b in s..<e {
            var stream = RandomStream(seed: seed ^ (UInt64(b) &* 0x9E37_79B9_7F4A_7C15))
            fillDropoutRow(M.value + b * dropoutBlock, Swift.min(dropoutBlock, count - b * dropoutBlock), p: p, stream: &stream)
        }
    }
}

/// Writes `n` mask values drawn from `stream` (kept: 1/(1−p), dropped: 0).
@inline(__always) func fillDropoutRow(_ m: UnsafeMutablePointer<Float>, _ n: Int, p: Float, stream: inout RandomStream) {
    // Keep when the 32-bit uniform u satisfies u ≥ p·2³²; p = 1 keeps nothing.
    let threshold = p >= 1 ? UInt64(1) << 32 : UInt64(Double(p) * 4_294_967_296.0)
    let keep: Float = p >= 1 ? 0 : 1 / (1 - p)
    var j = 0
    while j + 1 < n {
        let r = stream.next()
        m[j] = (r & 0xFFFF_FFFF) >= threshold ? keep : 0
        m[j + 1] = (r >> 32) >= threshold ? keep : 0
        j += 2
    }
    if j < n { m[j] = (stream.next() & 0xFFFF_FFFF) >= threshold ? keep : 0 }
}

/// c = a ⊙ b over `n` floats (threads over chunks).
func multiplyElementwise(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ n: Int) {
    let A = UnsafeSendable(a), B = UnsafeSendable(b), C = UnsafeSendable(c)
    Parallel.chunks(n) { s, e in
        var i = s
        while i + 16 <= e { store16(load16(A.value + i) * load16(B.value + i), C.value + i); i += 16 }
        while i < e { C.value[i] = A.value[i] * B.value[i]; i += 1 }
    }
}
