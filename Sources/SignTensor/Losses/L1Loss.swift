/// L1 loss: the mean absolute error, or a weighted mean of it (the confidence-weighted masked L1 of
/// masked pose modeling).
///
/// Without weights (n = element count):
///   loss = (1/n)·Σ_i |p_i − t_i|,                 dp_i = g/n · sign(p_i − t_i),  dt = −dp
/// With weights w broadcastable to p (w_b = w broadcast to p's shape, e.g. confidence [B, T, J, 1]
/// against coordinates [B, T, J, D], or a 0/1 mask times confidence):
///   S    = Σ_i w_b,i                               (each weight counted once per element it covers)
///   loss = Σ_i w_b,i·|p_i − t_i| / max(S, 1e-6),   dp_i = g · w_b,i · sign(p_i − t_i) / max(S, 1e-6)
/// so S = 0 (everything masked) gives 0 and a zero gradient. Weights are constants (no gradient flows
/// to them) and are expected to be ≥ 0. Elements whose weight is exactly 0 contribute nothing even when
/// p or t holds NaN/Inf there (missing keypoints), unlike PyTorch's 0·NaN = NaN.
/// sign(0) = 0 (the subgradient of |x| at 0). An empty prediction gives 0.
public func l1Loss(_ prediction: Tensor, _ target: Tensor, weights: Tensor? = nil) throws -> Tensor {
    try checkSameShape("l1Loss", prediction, target)
    let n = prediction.count
    let P = UnsafeSendable(UnsafePointer(prediction.pointer)), T = UnsafeSendable(UnsafePointer(target.pointer))
    guard let weights else {
        let total = blockedSum(n) { s, e in simdDiffSum(P.value, T.value, s, e, simdAbs) }
        let loss = Tensor(n == 0 ? 0 : Float(total / Double(n)))
        return loss.recording("l1_loss", [prediction, target]) { g in
            let scale = n == 0 ? 0 : g.item / Float(n)
            let d = Tensor(uninitializedShape: prediction.shape)
            let P = UnsafeSendable(UnsafePointer(prediction.pointer)), T = UnsafeSendable(UnsafePointer(target.pointer))
            let D = UnsafeSendable(d.pointer)
            Parallel.chunks(n) { s, e in
                for i in s..<e {
                    let diff = P.value[i] - T.value[i]
                    D.value[i] = diff > 0 ? scale : (diff < 0 ? -scale : 0)
                }
            }
            return differenceGrads(d, prediction, target)
        }
    }

    let (w, inner) = try weightGroups(weights, to: prediction.shape)
    let groups = w.count
    let W = UnsafeSendable(UnsafePointer(w.pointer))
    let numerator = blockedSum(groups, blockSize: Swift.max(1, lossBlockSize / Swift.max(inner, 1))) { s, e in
        var acc: Float = 0
        for gi in s..<e {
            let wv = W.value[gi]
            if wv == 0 { continue }
            let j0 = gi * inner, j1 = j0 + inner
            var run: Float = 0
            if inner >= 16 { run = simdDiffSum(P.value, T.value, j0, j1, simdAbs) }
            else { for j in j0..<j1 { run += Swift.abs(P.value[j] - T.value[j]) } }
            acc += wv * run
        }
        return acc
    }
    var weightSum = 0.0
    for gi in 0..<groups { weightSum += Double(w.pointer[gi]) }
    let denominator = Float(Swift.max(weightSum * Double(inner), 1e-6))
    let loss = Tensor(n == 0 ? 0 : Float(numerator / Double(denominator)))
    return loss.recording("weighted_l1_loss", [prediction, target]) { g in
        let scale = g.item / denominator
        let d = Tensor(uninitializedShape: prediction.shape)
        let P = UnsafeSendable(UnsafePointer(prediction.pointer)), T = UnsafeSendable(UnsafePointer(target.pointer))
        let W = UnsafeSendable(UnsafePointer(w.pointer)), D = UnsafeSendable(d.pointer)
        // Two branch-free passes (a per-element branch on sign(d) mispredicts half the time): spread
        // the scaled weights over their runs, then multiply by sign(p − t) in a loop that vectorizes.
        // A NaN difference under weight 0 stays 0 (the comparisons are false).
        Parallel.chunks(groups, minPerThread: Swift.max(1, 32_768 / Swift.max(inner, 1))) { s, e in
            for gi in s..<e { (D.value + gi * inner).update(repeating: W.value[gi] * scale, count: inner) }
        }
        Parallel.chunks(n) { s, e in
            for i in s..<e {
                let diff = P.value[i] - T.value[i], wv = D.value[i]
                D.value[i] = diff > 0 ? wv : (diff < 0 ? -wv : 0)
            }
        }
        return differenceGrads(d, prediction, target)
    }
}

/// Views weights broadcast to `shape` as `groups` values each covering a contiguous run of `inner`
/// elements (weights shaped like a prefix of `shape` followed by 1s: confidence [B, T, J, 1] against
/// [B, T, J, D]). Other broadcasts are materialized to the full shape (inner = 1).
func weightGroups(_ weights: Tensor, to shape: [Int]) throws -> (Tensor, Int) {
    guard weights.rank <= shape.count, (try? broadcastShape(weights.shape, shape, op: "l1Loss")) == shape else {
        throw TensorError("l1Loss", "weights \(fmt(weights.shape)) do not broadcast to prediction \(fmt(shape))")
    }
    let padded = [Int](repeating: 1, count: shape.count - weights.rank) + weights.shape
    var k = padded.count
    while k > 0 && padded[k - 1] == 1 { k -= 1 }
    if Array(padded[..<k]) == Array(shape[..<k]) {
        return (weights.detached(), shape[k...].reduce(1, *))
    }
    return (try withNoGrad { try expand(weights.detached(), to: shape) }, 1)
}
