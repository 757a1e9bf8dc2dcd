import Foundation

/// Cross-entropy over the last (class) axis: a fused, numerically stable log-softmax + NLL with label
/// smoothing and an ignore index, matching `torch.nn.functional.cross_entropy(reduction="mean")`.
///
/// `logits` has the classes on its last axis (`[N, C]`, `[N, T, C]`, any rank ≥ 1); the leading axes
/// are flattened into R rows, and `targets` holds one class index per row in row-major order.
///
/// Forward, with C classes, ε = `labelSmoothing` and V = the rows whose target ≠ `ignoreIndex`:
///   m_r   = max_c x_rc,   lse_r = m_r + ln Σ_c e^{x_rc − m_r}       (log-sum-exp, never overflows)
///   nll_r = lse_r − x_{r,t_r}                                       (−log p_{r,t_r})
///   sm_r  = lse_r − (1/C)·Σ_c x_rc                                  (mean_c −log p_rc)
///   loss  = (1/|V|)·Σ_{r∈V} [(1 − ε)·nll_r + ε·sm_r]
/// Backward (p_rc = e^{x_rc − lse_r}, recomputed from the saved lse_r so no [R, C] softmax is kept):
///   dx_rc = g/|V| · (p_rc − (1 − ε)·[c = t_r] − ε/C) for r ∈ V,  0 for ignored rows.
/// When every row is ignored the loss is 0 with a zero gradient (PyTorch returns NaN there).
/// Non-finite logits follow PyTorch: a row with a NaN or a +Inf logit (or only −Inf logits) gives a
/// NaN loss and NaN gradient; −Inf logits in an otherwise finite row are masked-out classes (p = 0),
/// and the loss is +Inf only if the target's logit is −Inf (or ε > 0). Such rows take a slower libm
/// path, so a NaN reaches `checkFinite` instead of a trap.
/// Errors: a target outside [0, C) that is not `ignoreIndex` (named by row, target and C), a target
/// count that differs from the row count, ε outside [0, 1], zero classes.
public func crossEntropy(logits: Tensor, targets: [Int], labelSmoothing: Float = 0, ignoreIndex: Int = -100) throws -> Tensor {
    guard logits.rank >= 1, let classes = logits.shape.last, classes > 0 else {
        throw TensorError("crossEntropy", "logits need a non-empty class axis last, got \(fmt(logits.shape))")
    }
    let rows = logits.count / classes
    guard targets.count == rows else {
        throw TensorError("crossEntropy", "logits \(fmt(logits.shape)) have \(rows) rows of \(classes) classes, got \(targets.count) targets")
    }
    guard labelSmoothing >= 0 && labelSmoothing <= 1 else {
        throw TensorError("crossEntropy", "label smoothing must be in [0, 1], got \(labelSmoothing)")
    }
    var validRows = 0
    for (r, t) in targets.enumerated() where t != ignoreIndex {
        guard t >= 0 && t < classes else {
            throw TensorError("crossEntropy", "row \(r) has target \(t), outside [0, \(classes)) for C = \(classes) (ignore index is \(ignoreIndex))")
        }
        validRows += 1
    }

    let eps = labelSmoothing
    let lse = Tensor(uninitializedShape: [rows])          // saved for backward
    let rowLoss = Tensor(uninitializedShape: [rows])
    let X = UnsafeSendable(UnsafePointer(logits.pointer)), L = UnsafeSendable(lse.pointer), RL = UnsafeSendable(rowLoss.pointer)
    targets.withUnsafeBufferPointer { tb in
        let T = UnsafeSendable(tb)
        Parallel.chunks(rows, minPerThread: Swift.max(1, 16_384 / classes)) { s, e in
            for r in s..<e {
                let t = T.value[r]
                if t == ignoreIndex { L.value[r] = 0; RL.value[r] = 0; continue }
                let x = X.value + r * classes
                let (m, sumX, hasNaN) = rowStatistics(x, classes)
                guard m.isFinite && sumX.isFinite && !hasNaN else {
                    (L.value[r], RL.value[r]) = nonFiniteRowLoss(x, classes, target: t, eps: eps)
                    continue
                }
                var acc = SIMD16<Float>(), c = 0
                while c + 16 <= classes { acc += FastMath.exp(load16(x, c) - m); c += 16 }
                var sumExp = acc.sum()
                while c < classes { sumExp += FastMath.exp(x[c] - m); c += 1 }
                let l = m + Foundation.log(sumExp)
                L.value[r] = l
                let nll = l - x[t]
                RL.value[r] = eps == 0 ? nll : (1 - eps) * nll + eps * (l - sumX / Float(classes))
            }
        }
    }
    var total = 0.0
    for r in 0..<rows { total += Double(rowLoss.pointer[r]) }
    let loss = Tensor(validRows == 0 ? 0 : Float(total / Double(validRows)))

    return loss.recording("cross_entropy", [logits]) { g in
        let dx = Tensor(uninitializedShape: logits.shape)
        let scale = validRows == 0 ? 0 : g.item / Float(validRows)
        let offTarget = eps / Float(classes), onTarget = 1 - eps
        // Pointers taken from the captured tensors (the closure keeps `lse` and `logits` alive).
        let X = UnsafeSendable(UnsafePointer(logits.pointer)), L = UnsafeSendable(UnsafePointer(lse.pointer))
        let D = UnsafeSendable(dx.pointer)
        targets.withUnsafeBufferPointer { tb in
            let T = UnsafeSendable(tb)
            Parallel.chunks(rows, minPerThread: Swift.max(1, 16_384 / classes)) { s, e in
                for r in s..<e {
                    let d = D.value + r * classes
                    let t = T.value[r]
                    if t == ignoreIndex { d.update(repeating: 0, count: classes); continue }
                    let x = X.value + r * classes, l = L.value[r]
                    if l.isNaN { d.update(repeating: .nan, count: classes); continue }
                    var c = 0
                    while c + 16 <= classes { store16(scale * (FastMath.exp(load16(x, c) - l) - offTarget), d, c); c += 16 }
                    while c < classes { d[c] = scale * (FastMath.exp(x[c] - l) - offTarget); c += 1 }
                    d[t] -= scale * onTarget
                }
            }
        }
        return [dx]
    }
}

/// Cross-entropy with the targets as a Float tensor of class indices shaped like the logits without
/// their class axis (`[N, T]` targets for `[N, T, C]` logits). Same math as the `[Int]` form.
public func crossEntropy(logits: Tensor, targets: Tensor, labelSmoothing: Float = 0, ignoreIndex: Int = -100) throws -> Tensor {
    guard targets.shape == Array(logits.shape.dropLast()) else {
        throw TensorError("crossEntropy", "targets \(fmt(targets.shape)) must have the shape of logits \(fmt(logits.shape)) without the class axis")
    }
    var indices = [Int](repeating: 0, count: targets.count)
    for i in 0..<targets.count {
        let v = targets.pointer[i]
        guard v.isFinite, v == v.rounded(), Swift.abs(v) < 16_777_216 else {
            throw TensorError("crossEntropy", "target \(i) is \(v), not an integer class index")
        }
        indices[i] = Int(v)
    }
    return try crossEntropy(logits: logits, targets: indices, labelSmoothing: labelSmoothing, ignoreIndex: ignoreIndex)
}

/// (max, sum, contains NaN) of p[0..<n] (n ≥ 1) in one SIMD16 pass. A sum that is not finite flags
/// ±Inf logits (or an overflow), which take the slow path.
@inline(__always) func rowStatistics(_ p: UnsafePointer<Float>, _ n: Int) -> (Float, Float, Bool) {
    var i = 0
    var m = p[0], sum: Float = 0, nan = false
    if n >= 16 {
        var mx = load16(p, 0), s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var seen = SIMDMask<SIMD16<Int32>>(repeating: false)
        while i + 32 <= n {
            let a = load16(p, i), b = load16(p, i + 16)
            mx = mx.replacing(with: a, where: a .> mx)
            mx = mx.replacing(with: b, where: b .> mx)
            seen .|= (a .!= a) .| (b .!= b)
            s0 += a
            s1 += b
            i += 32
        }
        while i + 16 <= n {
            let a = load16(p, i)
            mx = mx.replacing(with: a, where: a .> mx)
            seen .|= a .!= a
            s0 += a
            i += 16
        }
        m = mx.max()
        sum = (s0 + s1).sum()
        nan = any(seen)
    }
    while i < n { let v = p[i]; m = Swift.max(m, v); sum += v; nan = nan || v.isNaN; i += 1 }
    return (m, sum, nan)
}

/// (lse, row loss) of a row with non-finite logits, in Double with libm (see `crossEntropy`'s doc).
func nonFiniteRowLoss(_ x: UnsafePointer<Float>, _ classes: Int, target: Int, eps: Float) -> (Float, Float) {
    var m = -Double.infinity, sum = 0.0
    for c in 0..<classes {
        let v = Double(x[c])
        if v.isNaN || v == .infinity { return (.nan, .nan) }
        m = Swift.max(m, v)
        sum += v
    }
    if m == -.infinity { return (.nan, .nan) }
    var s = 0.0
    for c in 0..<classes { s += Foundation.exp(Double(x[c]) - m) }
    let lse = m + Foundation.log(s)
    let nll = lse - Double(x[target])
    let loss = eps == 0 ? nll : (1 - Double(eps)) * nll + Double(eps) * (lse - sum / Double(classes))
    return (Float(lse), Float(loss))
}
