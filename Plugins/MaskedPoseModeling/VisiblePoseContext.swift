import SignTensor

/// What the pose decoder may see of the keypoints besides the encoder tokens (`visibleContext`):
/// for every (clip b, frame t, decoder point q) the nearest frames where that point is **visible**
/// (a valid frame whose point the masking left alone: `lossPoints` = 0). Masked values never enter.
///
/// With n = the nearest visible frame (t itself when the point is visible at t; the earlier one on a
/// tie, exactly as `copyNearestUnmaskedLoss` picks it) and o = the nearest visible frame on the other
/// side of t from n (none when t is visible or no such frame exists):
///
///   reference[b, t, q]     = pose[b, n, q]  (x, y)      — the copy-nearest prediction, (0, 0) without n
///   features[b, t, q, 0:2] = reference
///   features[b, t, q, 2]   = 1 if n exists
///   features[b, t, q, 3]   = 1 if the point is visible at t (n = t)
///   features[b, t, q, 4:6] = pose[b, o, q] − reference  (0 without o)
///   features[b, t, q, 6]   = (n − t) / 8,  features[b, t, q, 7] = (o − t) / 8  (0 when absent)
///
/// The decoder adds a projection of the features to its input and predicts the residual from the
/// reference, so its output starts at the copy-nearest baseline and the loss measures what it adds
/// (the baseline stays the metric). `interpolation` is the stronger classical baseline reported next
/// to it: linear interpolation between n and o (the copy where o is absent).
public struct VisiblePoseContext {
    public static let featuresPerPoint = 8
    /// [B, T, Q·8]
    public var features: Tensor
    /// [B, T, Q, 2]
    public var reference: Tensor
    /// [B, T, Q, 2]
    public var interpolation: Tensor

    public init(poses: Tensor, lossPoints: Tensor, validFrames: Tensor, points: [Int]) throws {
        guard poses.rank == 4, poses.shape[3] >= 2, lossPoints.shape == Array(poses.shape.prefix(3)),
              validFrames.shape == Array(poses.shape.prefix(2)) else {
            throw TensorError("pretext/masked-pose", "poses [B, T, P, C ≥ 2], lossPoints [B, T, P] and validFrames [B, T] expected, "
                              + "got \(poses.shape), \(lossPoints.shape) and \(validFrames.shape)")
        }
        let b = poses.shape[0], t = poses.shape[1], p = poses.shape[2], c = poses.shape[3], q = points.count
        let f = Self.featuresPerPoint
        features = Tensor.zeros([b, t, q * f])
        reference = Tensor.zeros([b, t, q, 2])
        interpolation = Tensor.zeros([b, t, q, 2])
        let X = poses.pointer, M = lossPoints.pointer, V = validFrames.pointer
        let F = features.pointer, R = reference.pointer, I = interpolation.pointer
        var previous = [Int](repeating: -1, count: t), next = [Int](repeating: -1, count: t)
        for clip in 0..<b {
            for (k, point) in points.enumerated() {
                func visible(_ frame: Int) -> Bool { V[clip * t + frame] > 0 && M[(clip * t + frame) * p + point] == 0 }
                // previous[s] / next[s]: nearest visible frame strictly before / after s.
                var last = -1
                for s in 0..<t { previous[s] = last; if visible(s) { last = s } }
                last = -1
                for s in stride(from: t - 1, through: 0, by: -1) { next[s] = last; if visible(s) { last = s } }
                func xy(_ frame: Int) -> (Float, Float) { let i = ((clip * t + frame) * p + point) * c; return (X[i], X[i + 1]) }
                for s in 0..<t {
                    let cell = (clip * t + s) * q + k
                    var near = -1, other = -1
                    if visible(s) { near = s } else {
                        let a = previous[s], z = next[s]
                        if a >= 0 && (z < 0 || s - a <= z - s) { near = a; other = z } else if z >= 0 { near = z; other = a }
                    }
                    guard near >= 0 else { continue }
                    let (rx, ry) = xy(near)
                    R[2 * cell] = rx; R[2 * cell + 1] = ry
                    I[2 * cell] = rx; I[2 * cell + 1] = ry
                    let o = cell * f
                    F[o] = rx; F[o + 1] = ry; F[o + 2] = 1; F[o + 3] = near == s ? 1 : 0
                    F[o + 6] = Float(near - s) / 8
                    if other >= 0 {
                        let (ox, oy) = xy(other)
                        F[o + 4] = ox - rx; F[o + 5] = oy - ry
                        F[o + 7] = Float(other - s) / 8
                        let w = Float(abs(near - s)) / Float(abs(near - s) + abs(other - s))
                        I[2 * cell] = rx + w * (ox - rx); I[2 * cell + 1] = ry + w * (oy - ry)
                    }
                }
            }
        }
    }
}

/// Σ w·|prediction − target|₁ / Σ w over the masked positions of `targets` (0 when Σ w = 0), for a
/// prediction that carries no gradient (baselines).
public func weightedL1(_ prediction: Tensor, targets: MaskedPoseTargets) -> Float {
    let Y = targets.target.pointer, W = targets.weight.pointer, P = prediction.pointer
    var numerator = 0.0, denominator = 0.0
    for i in 0..<targets.weight.count where W[i] > 0 {
        numerator += Double(W[i]) * Double(Swift.abs(P[2 * i] - Y[2 * i]) + Swift.abs(P[2 * i + 1] - Y[2 * i + 1]))
        denominator += Double(W[i])
    }
    return denominator > 0 ? Float(numerator / denominator) : 0
}
