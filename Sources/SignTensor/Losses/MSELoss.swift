/// Mean squared error, as `torch.nn.functional.mse_loss(reduction="mean")`. With d = p − t:
///   loss = (1/n)·Σ_i d_i²,   dp_i = g · 2·d_i / n,   dt = −dp
/// Differing shapes throw. An empty prediction gives 0.
public func mseLoss(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    try checkSameShape("mseLoss", prediction, target)
    let n = prediction.count
    let P = UnsafeSendable(UnsafePointer(prediction.pointer)), T = UnsafeSendable(UnsafePointer(target.pointer))
    let total = blockedSum(n) { s, e in simdDiffSum(P.value, T.value, s, e) { $0 * $0 } }
    let loss = Tensor(n == 0 ? 0 : Float(total / Double(n)))
    return loss.recording("mse_loss", [prediction, target]) { g in
        let scale = n == 0 ? 0 : 2 * g.item / Float(n)
        let d = Tensor(uninitializedShape: prediction.shape)
        let P = UnsafeSendable(UnsafePointer(prediction.pointer)), T = UnsafeSendable(UnsafePointer(target.pointer))
        let D = UnsafeSendable(d.pointer)
        Parallel.chunks(n) { s, e in
            for i in s..<e { D.value[i] = scale * (P.value[i] - T.value[i]) }
        }
        return differenceGrads(d, prediction, target)
    }
}
