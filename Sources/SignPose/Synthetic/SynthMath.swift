import Foundation
import SignTensor

/// Small geometry and timing helpers of the synthetic sign generator.
///
/// Coordinates are in the signer's body frame: units of shoulder width, origin at the midpoint of the
/// shoulders, x to the right of the image (the signer's left), y down, z away from the camera (a hand in
/// front of the chest has z < 0).
enum SynthMath {
    typealias Vec = SIMD3<Float>

    static func dot(_ a: Vec, _ b: Vec) -> Float { (a * b).sum() }
    static func length(_ a: Vec) -> Float { dot(a, a).squareRoot() }
    static func normalized(_ a: Vec) -> Vec {
        let l = length(a)
        return l > 1e-9 ? a / l : Vec(0, 1, 0)
    }
    static func cross(_ a: Vec, _ b: Vec) -> Vec {
        Vec(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    static func lerp(_ a: Float, _ b: Float, _ t: Float) -> Float { a + (b - a) * t }
    static func lerp(_ a: Vec, _ b: Vec, _ t: Float) -> Vec { a + (b - a) * t }

    /// Minimum-jerk time profile `10t³ − 15t⁴ + 6t⁵` (zero velocity and acceleration at both ends),
    /// the profile of human point-to-point reaching.
    static func minimumJerk(_ t: Float) -> Float {
        let u = min(max(t, 0), 1)
        return u * u * u * (10 + u * (-15 + 6 * u))
    }

    /// `3t² − 2t³` clamped to [0, 1].
    static func smoothstep(_ t: Float) -> Float {
        let u = min(max(t, 0), 1)
        return u * u * (3 - 2 * u)
    }

    /// Point at parameter `u ∈ [0, 1]` of the centripetal-free (uniform) Catmull–Rom spline through
    /// `points` (end points duplicated): segment k runs from points[k] to points[k+1] with tangents
    /// `(p[k+1] − p[k−1]) / 2`, so the curve passes through every control point with C¹ continuity.
    static func catmullRom(_ points: [Vec], _ u: Float) -> Vec {
        guard points.count > 1 else { return points.first ?? Vec() }
        let segments = points.count - 1
        let s = min(max(u, 0), 1) * Float(segments)
        let k = min(Int(s), segments - 1)
        let t = s - Float(k)
        let p0 = points[max(k - 1, 0)], p1 = points[k], p2 = points[k + 1], p3 = points[min(k + 2, points.count - 1)]
        let t2 = t * t, t3 = t2 * t
        let a = 2 * p1
        let b = (p2 - p0) * t
        let c = (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
        let d = (3 * p1 - p0 - 3 * p2 + p3) * t3
        return 0.5 * (a + b + c + d)
    }

    /// Rotation about the image z axis (in the image plane): `[[c, −s], [s, c]]` on (x, y), so a
    /// positive angle turns the up direction (0, −1) towards +x.
    static func rotateZ(_ v: Vec, _ a: Float) -> Vec {
        let c = cos(a), s = sin(a)
        return Vec(c * v.x - s * v.y, s * v.x + c * v.y, v.z)
    }
    /// Rotation about the x axis: `[[c, −s], [s, c]]` on (y, z).
    static func rotateX(_ v: Vec, _ a: Float) -> Vec {
        let c = cos(a), s = sin(a)
        return Vec(v.x, c * v.y - s * v.z, s * v.y + c * v.z)
    }
    /// Rotation about the y axis: `[[c, s], [−s, c]]` on (x, z).
    static func rotateY(_ v: Vec, _ a: Float) -> Vec {
        let c = cos(a), s = sin(a)
        return Vec(c * v.x + s * v.z, v.y, -s * v.x + c * v.z)
    }

    static func radians(_ degrees: Float) -> Float { degrees * .pi / 180 }
}

/// A smooth random signal: a sum of three sinusoids with random frequencies (0.1–0.9 Hz at 25 fps)
/// and phases, scaled to standard deviation ≈ `amplitude`. Used for body sway, head motion and
/// mouthing, so that nothing stands perfectly still.
struct SmoothNoise: Sendable {
    var frequencies: SIMD3<Float>
    var phases: SIMD3<Float>
    var amplitude: Float

    init(amplitude: Float, rng: inout RandomStream) {
        frequencies = SIMD3(rng.uniform(in: 0.004...0.02), rng.uniform(in: 0.01...0.03), rng.uniform(in: 0.02...0.036))
            * (2 * .pi)
        phases = SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) * (2 * .pi)
        self.amplitude = amplitude
    }

    /// The value at frame `t` (the sum of three unit sinusoids has standard deviation √1.5).
    func callAsFunction(_ t: Float) -> Float {
        let a = frequencies * t + phases
        return (sin(a.x) + sin(a.y) + sin(a.z)) * (amplitude / 1.2247)
    }
}

extension RandomStream {
    /// Uniform in `range`.
    mutating func uniform(in range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Normal with mean 0 and standard deviation `sigma`.
    mutating func normal(sigma: Float) -> Float { normal() * sigma }

    /// True with probability `p`.
    mutating func chance(_ p: Float) -> Bool { uniform() < p }

    /// A uniformly chosen element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
}
