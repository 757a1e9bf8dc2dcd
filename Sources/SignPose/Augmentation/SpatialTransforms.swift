import Foundation
import SignTensor

/// A 2×2 linear map of (x, y): `x' = m00·x + m01·y`, `y' = m10·x + m11·y`.
public struct Affine2D: Equatable, Sendable {
    public var m00: Float, m01: Float, m10: Float, m11: Float

    public init(_ m00: Float, _ m01: Float, _ m10: Float, _ m11: Float) {
        self.m00 = m00; self.m01 = m01; self.m10 = m10; self.m11 = m11
    }

    public static let identity = Affine2D(1, 0, 0, 1)

    /// Rotation by `degrees` counter-clockwise with the y axis up (clockwise on screen, where image
    /// y points down): `[[cos θ, −sin θ], [sin θ, cos θ]]`, so (1, 0) → (0, 1) at 90°.
    public static func rotation(degrees: Float) -> Affine2D {
        let r = Double(degrees) * Double.pi / 180
        let c = Float(cos(r)), s = Float(sin(r))
        return Affine2D(c, -s, s, c)
    }

    /// Uniform scaling `[[k, 0], [0, k]]`.
    public static func scale(_ k: Float) -> Affine2D { Affine2D(k, 0, 0, k) }

    /// Shear `[[1, x], [y, 1]]`: x' = x + x·y_in, y' = y_in + y·x_in.
    public static func shear(x: Float, y: Float) -> Affine2D { Affine2D(1, x, y, 1) }

    /// The matrix product `a · b` (apply `b` first).
    public static func * (a: Affine2D, b: Affine2D) -> Affine2D {
        Affine2D(a.m00 * b.m00 + a.m01 * b.m10, a.m00 * b.m01 + a.m01 * b.m11,
                 a.m10 * b.m00 + a.m11 * b.m10, a.m10 * b.m01 + a.m11 * b.m11)
    }
}

extension PoseSequence {
    /// Every present point (confidence > 0) mapped by `p' = c + A·(p − c)` on its (x, y), with the
    /// centre `c = (0, 0)` (after Uni-Sign normalisation: the body box centre, and each hand's wrist and
    /// the face's nose tip for the parts stored relative to them). Other stored dims (z …), confidences
    /// and missing points are unchanged. Needs at least 2 dims.
    public func transformed(by a: Affine2D) throws -> PoseSequence {
        guard dims >= 2 else { throw PoseError("<memory>", .invalidArgument, "a 2-D transform needs x and y, the sequence has \(dims) dim") }
        var out = self
        let D = dims
        try out.updateValues { d, c in
            d.withUnsafeMutableBufferPointer { d in
                c.withUnsafeBufferPointer { c in
                    for k in 0..<c.count where c[k] > 0 {
                        let x = d[k * D], y = d[k * D + 1]
                        d[k * D] = a.m00 * x + a.m01 * y
                        d[k * D + 1] = a.m10 * x + a.m11 * y
                    }
                }
            }
        }
        return out
    }

    /// Horizontal mirror with left/right swap: point i takes the point at `layout.mirrorPartners[i]`
    /// with x → −x (about the centre x = 0; y, z and the confidence unchanged). A point whose partner is
    /// nil (not in the layout, or unknown) keeps its index and is only flipped. A missing point
    /// (confidence 0) moves to its partner's index untouched, so it stays missing. Mirroring twice is
    /// the identity (partners are mutual).
    public func mirrored() throws -> PoseSequence {
        let P = pointCount, D = dims, rows = frameCount * peopleCount
        let partner = layout.mirrorPartners.enumerated().map { $0.element ?? $0.offset }
        var out = self
        let src = data, srcC = confidence
        try out.updateValues { d, c in
            src.withUnsafeBufferPointer { s in
                srcC.withUnsafeBufferPointer { sc in
                    d.withUnsafeMutableBufferPointer { d in
                        c.withUnsafeMutableBufferPointer { c in
                            for r in 0..<rows {
                                for p in 0..<P {
                                    let q = r * P + partner[p], o = r * P + p
                                    c[o] = sc[q]
                                    for e in 0..<D { d[o * D + e] = s[q * D + e] }
                                    if sc[q] > 0 { d[o * D] = -s[q * D] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Adds `sigma · N(0, 1)` (drawn from `rng`, in point-major order) to every stored coordinate of
    /// every present point; missing points and confidences are unchanged.
    public func jittered(sigma: Float, rng: inout RandomStream) throws -> PoseSequence {
        guard sigma.isFinite, sigma >= 0 else { throw PoseError("<memory>", .invalidArgument, "jitter σ must be ≥ 0, got \(sigma)") }
        var out = self
        let D = dims
        var g = rng
        try out.updateValues { d, c in
            d.withUnsafeMutableBufferPointer { d in
                c.withUnsafeBufferPointer { c in
                    for k in 0..<c.count where c[k] > 0 {
                        for e in 0..<D { d[k * D + e] += sigma * g.normal() }
                    }
                }
            }
        }
        rng = g
        return out
    }
}
