import Foundation
import SignTensor

/// Joint angles of one hand (radians).
///
/// Fingers (index, middle, ring, pinky) are planar chains: `fingers[4f + 0 … 2]` are the MCP, PIP and
/// DIP flexions of finger f, `fingers[4f + 3]` its abduction (spread, positive towards the thumb).
/// The thumb is `(α, β, mcp, ip)`: α turns the metacarpal in the palm plane away from the index
/// (radial abduction), β lifts it out of the palm plane (palmar abduction / opposition), then the MCP
/// and IP joints flex it towards the little-finger side of the palm.
struct HandShape: Equatable, Sendable {
    var fingers: SIMD16<Float>
    var thumb: SIMD4<Float>

    /// Shape from degrees: per finger (mcp, pip, dip, spread), thumb (α, β, mcp, ip).
    init(index: SIMD4<Float>, middle: SIMD4<Float>, ring: SIMD4<Float>, pinky: SIMD4<Float>, thumb: SIMD4<Float>) {
        let r = Float.pi / 180
        fingers = SIMD16(lowHalf: SIMD8(lowHalf: index, highHalf: middle), highHalf: SIMD8(lowHalf: ring, highHalf: pinky)) * r
        self.thumb = thumb * r
    }

    init(fingers: SIMD16<Float>, thumb: SIMD4<Float>) {
        self.fingers = fingers
        self.thumb = thumb
    }

    static func mix(_ a: HandShape, _ b: HandShape, _ t: Float) -> HandShape {
        HandShape(fingers: a.fingers + (b.fingers - a.fingers) * t, thumb: a.thumb + (b.thumb - a.thumb) * t)
    }

    /// The shape with every angle moved by a normal offset of `sigmaDegrees` (flexions kept in
    /// [−10°, 110°]), so two signs with the same named shape still differ a little.
    func jittered(sigmaDegrees: Float, rng: inout RandomStream) -> HandShape {
        let r = Float.pi / 180
        var f = fingers, t = thumb
        for i in 0..<16 {
            f[i] += rng.normal(sigma: sigmaDegrees * r)
            if i % 4 != 3 { f[i] = min(max(f[i], -10 * r), 110 * r) }
        }
        for i in 0..<4 { t[i] += rng.normal(sigma: sigmaDegrees * r) }
        return HandShape(fingers: f, thumb: t)
    }
}

/// Orientation of a hand: the palm-forward right hand (fingers up, palm towards the camera, thumb
/// towards the body's mid-line) turned by `yaw` about the vertical axis, then `pitch` about the
/// horizontal axis (fingers towards the camera), then `roll` in the image plane (positive turns the
/// fingers towards +x).
struct HandOrientation: Equatable, Sendable {
    var roll: Float
    var pitch: Float
    var yaw: Float

    init(rollDegrees: Float, pitchDegrees: Float, yawDegrees: Float) {
        roll = SynthMath.radians(rollDegrees)
        pitch = SynthMath.radians(pitchDegrees)
        yaw = SynthMath.radians(yawDegrees)
    }

    init(roll: Float, pitch: Float, yaw: Float) {
        self.roll = roll
        self.pitch = pitch
        self.yaw = yaw
    }

    static func mix(_ a: HandOrientation, _ b: HandOrientation, _ t: Float) -> HandOrientation {
        HandOrientation(roll: SynthMath.lerp(a.roll, b.roll, t), pitch: SynthMath.lerp(a.pitch, b.pitch, t),
                        yaw: SynthMath.lerp(a.yaw, b.yaw, t))
    }

    /// Local hand vector (x radial, y distal, z palmar) → body-frame vector.
    func apply(_ v: SIMD3<Float>) -> SIMD3<Float> {
        let base = SIMD3<Float>(v.x, -v.y, -v.z)
        return SynthMath.rotateZ(SynthMath.rotateX(SynthMath.rotateY(base, yaw), pitch), roll)
    }
}

/// Forward kinematics of the 21-point hand (MediaPipe / COCO-WholeBody order: 0 wrist; 1–4 thumb CMC,
/// MCP, IP, tip; 5–8 index MCP, PIP, DIP, tip; 9–12 middle; 13–16 ring; 17–20 pinky).
///
/// In the hand's local frame (x radial = thumb side, y distal, z palmar; units of the signer's shoulder
/// width, scaled per signer by 1.18–1.36 so that the wrist-to-middle-knuckle distance, 0.255 here, is
/// about 0.33 as in real MediaPipe poses) finger f starts
/// at its knuckle `b_f` with direction `d₀ = (sin(s_f + a_f), cos(s_f + a_f), 0)` (s_f the natural
/// splay, a_f the abduction). After cumulative flexion φ the segment direction is
/// `cos φ · d₀ + sin φ · ẑ`, so flexion curls the finger towards the palm side:
/// `PIP = b + L₁ d(θ₁)`, `DIP = PIP + L₂ d(θ₁+θ₂)`, `TIP = DIP + L₃ d(θ₁+θ₂+θ₃)`.
/// The thumb's metacarpal direction is `t = (sin α cos β, cos α cos β, sin β)` from its CMC point; its
/// MCP and IP joints bend t towards `n`, the unit part of (−0.8, 0, 0.6) orthogonal to t (across the
/// palm). The 3-D points are turned by the hand's orientation; their x, y are what a camera sees
/// (orthographic projection), z is kept for layouts that store depth.
enum HandModel {
    typealias Vec = SIMD3<Float>

    static let knuckles: [Vec] = [Vec(0.075, 0.245, 0), Vec(0.025, 0.255, 0), Vec(-0.025, 0.24, 0), Vec(-0.07, 0.215, 0)]
    static let splay: [Float] = [0.10, 0.0, -0.08, -0.17]
    static let phalanges: [Vec] = [Vec(0.105, 0.062, 0.048), Vec(0.12, 0.072, 0.052), Vec(0.112, 0.068, 0.05),
                                   Vec(0.088, 0.052, 0.045)]
    static let thumbBase = Vec(0.06, 0.055, 0.01)
    static let thumbLengths = Vec(0.12, 0.085, 0.07)

    /// The 21 points relative to the wrist, in body units, for a right hand of size `scale`; a left
    /// hand is the mirror image (x negated) of the right hand computed with mirrored parameters.
    static func points(_ shape: HandShape, _ orientation: HandOrientation, scale: Float, mirrored: Bool) -> [Vec] {
        var local = [Vec](repeating: Vec(), count: 21)
        // Thumb.
        let a = shape.thumb[0], b = shape.thumb[1]
        let t = Vec(sin(a) * cos(b), cos(a) * cos(b), sin(b))
        let w = SynthMath.normalized(Vec(-0.8, 0, 0.6))
        let n = SynthMath.normalized(w - SynthMath.dot(w, t) * t)
        local[1] = thumbBase
        local[2] = local[1] + thumbLengths.x * t
        let f1 = shape.thumb[2], f2 = f1 + shape.thumb[3]
        local[3] = local[2] + thumbLengths.y * (cos(f1) * t + sin(f1) * n)
        local[4] = local[3] + thumbLengths.z * (cos(f2) * t + sin(f2) * n)
        // Fingers.
        for f in 0..<4 {
            let spread = splay[f] + shape.fingers[4 * f + 3]
            let d0 = Vec(sin(spread), cos(spread), 0)
            let z = Vec(0, 0, 1)
            var p = knuckles[f]
            var phi: Float = 0
            local[5 + 4 * f] = p
            for j in 0..<3 {
                phi += shape.fingers[4 * f + j]
                p += phalanges[f][j] * (cos(phi) * d0 + sin(phi) * z)
                local[6 + 4 * f + j] = p
            }
        }
        return local.map { v in
            var r = orientation.apply(v) * scale
            if mirrored { r.x = -r.x }
            return r
        }
    }
}
