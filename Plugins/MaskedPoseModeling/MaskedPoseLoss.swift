import SignTensor

/// Targets and weights of the masked positions, gathered in the decoder's point order.
///
/// For the Q predicted points (layout indices `points`) of every (clip b, frame t):
///   target[b, t, q, :] = poses[b, t, points[q], 0..<2]               (x, y)
///   weight[b, t, q]    = lossPoints[b, t, points[q]] · c             (c = max(score, 0), or 1 without a score channel)
/// so unmasked positions and missing points (c = 0) weigh nothing.
public struct MaskedPoseTargets {
    /// [B, T, Q, 2]
    public var target: Tensor
    /// [B, T, Q, 1]
    public var weight: Tensor

    public init(poses: Tensor, lossPoints: Tensor, points: [Int]) throws {
        guard poses.rank == 4, poses.shape[3] >= 2, lossPoints.shape == Array(poses.shape.prefix(3)) else {
            throw TensorError("pretext/masked-pose", "poses must be [B, T, P, C ≥ 2] with lossPoints [B, T, P], got \(poses.shape) and \(lossPoints.shape)")
        }
        let b = poses.shape[0], t = poses.shape[1], p = poses.shape[2], c = poses.shape[3], q = points.count
        guard points.allSatisfy({ $0 >= 0 && $0 < p }) else {
            throw TensorError("pretext/masked-pose", "point indices must lie in 0..<\(p)")
        }
        let target = Tensor(uninitializedShape: [b, t, q, 2]), weight = Tensor(uninitializedShape: [b, t, q, 1])
        let X = poses.pointer, M = lossPoints.pointer, Y = target.pointer, W = weight.pointer
        for bt in 0..<(b * t) {
            for (k, point) in points.enumerated() {
                let src = (bt * p + point) * c, dst = bt * q + k
                Y[2 * dst] = X[src]
                Y[2 * dst + 1] = X[src + 1]
                let conf: Float = c >= 3 ? Swift.max(X[src + 2], 0) : 1
                W[dst] = M[bt * p + point] > 0 ? conf : 0
            }
        }
        self.target = target
        self.weight = weight
    }

    /// Σ weight: the loss's denominator.
    public var totalWeight: Float { simdSum(weight.pointer, weight.count) }
}

/// Confidence-weighted L1 over the masked positions:
///
///   loss = Σ_{b,t,q} w_btq·(|x̂_btq − x_btq| + |ŷ_btq − y_btq|) / Σ_{b,t,q} w_btq
///
/// i.e. the L1 norm of each point's (x, y) error, averaged with the weights c·[masked] (0 when no
/// position has weight). `l1Loss` with weights averages over the two coordinates as well, hence the
/// factor 2. Gradient: dL/dx̂ = w·sign(x̂ − x) / Σw (targets are constants).
public func maskedPoseL1(prediction: Tensor, targets: MaskedPoseTargets) throws -> Tensor {
    try l1Loss(prediction, targets.target.detached(), weights: targets.weight) * 2
}

/// The "copy the nearest unmasked frame" baseline on the same positions and weights: each masked
/// (b, t, q) is predicted by the target at the nearest frame t′ (|t′ − t| smallest, the earlier one
/// on a tie) of the same clip that is valid and where point q is not masked; (0, 0) when there is
/// none. Returns Σ w·|error|₁ / Σ w (0 when Σ w = 0). Training logs compare it with the loss.
public func copyNearestUnmaskedLoss(targets: MaskedPoseTargets, lossPoints: Tensor, validFrames: Tensor, points: [Int]) -> Float {
    let b = targets.target.shape[0], t = targets.target.shape[1], q = targets.target.shape[2], p = lossPoints.shape[2]
    let Y = targets.target.pointer, W = targets.weight.pointer, M = lossPoints.pointer, V = validFrames.pointer
    var numerator = 0.0, denominator = 0.0
    for clip in 0..<b {
        for frame in 0..<t {
            for k in 0..<q {
                let w = W[(clip * t + frame) * q + k]
                guard w > 0 else { continue }
                let visible = { (f: Int) -> Bool in V[clip * t + f] > 0 && M[(clip * t + f) * p + points[k]] == 0 }
                var source: Int? = nil
                var d = 1
                while source == nil && (frame - d >= 0 || frame + d < t) {
                    if frame - d >= 0 && visible(frame - d) { source = frame - d }
                    else if frame + d < t && visible(frame + d) { source = frame + d }
                    d += 1
                }
                let i = ((clip * t + frame) * q + k) * 2
                var px: Float = 0, py: Float = 0
                if let s = source { let j = ((clip * t + s) * q + k) * 2; px = Y[j]; py = Y[j + 1] }
                numerator += Double(w) * Double(Swift.abs(px - Y[i]) + Swift.abs(py - Y[i + 1]))
                denominator += Double(w)
            }
        }
    }
    return denominator > 0 ? Float(numerator / denominator) : 0
}
