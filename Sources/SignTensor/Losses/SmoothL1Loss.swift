/// Smooth L1 (Huber-like) loss with threshold β, mean over elements, as
/// `torch.nn.functional.smooth_l1_loss(reduction="mean", beta=β)`. With d = p − t:
///   ℓ(d) = 0.5·d²/β   if |d| < β,   |d| − 0.5·β otherwise;     loss = (1/n)·Σ_i ℓ(d_i)
///   dp_i = g/n · (d_i/β if |d_i| < β, sign(d_i) otherwise),  dt = −dp
/// β = 0 is the L1 loss (sign(0) = 0). β < 0 or differing shapes throw. An empty prediction gives 0.
public func smoothL1Loss(_ prediction: Tensor, _ target: Tensor, beta: Float = 1) throws -> Tensor {
    try checkSameShape("smoothL1Loss", prediction, target)
    guard beta >= 0 else { throw TensorError("smoothL1Loss", "beta must be ≥ 0, got \(beta)") }
    if beta == 0 { return try l1Loss(prediction, target) }
    let n = prediction.count
    let P = UnsafeSendable(UnsafePointer(prediction.pointer)), T = UnsafeSendable(UnsafePointer(target.pointer))
    let halfBeta = 0.5 * beta
    let total = blockedSum(n) { s, e in
        simdDiffSum(P.value, T.value, s, e) { d in
            let a = simdAbs(d)
            return (a - halfBeta).replacing(with: 0.5 * d * d / beta, where: a .< beta)
        }
    }
    let loss = Tensor(n == 0 ? 0 : Float(total / Double(n)))
    return loss.recording("smooth_l1_loss", [prediction, target]) { g in
        let scale = n == 0 ? 0 : g.item / Float(n)
        let d = Tensor(uninitializedShape: prediction.shape)
        let P = UnsafeSendable(UnsafePointer(prediction.pointer)), T = UnsafeSendable(UnsafePointer(target.pointer))
        let D = UnsafeSendable(d.pointer)
        Parallel.chunks(n) { s, e in
            for i in s..<e {
                let diff = P.value[i] - T.value[i]
                let slope = Swift.abs(diff) < beta ? diff / beta : (diff > 0 ? 1 : (diff < 0 ? -1 : 0))
                D.value[i] = scale * slope
            }
        }
        return differenceGrads(d, prediction, target)
    }
}
