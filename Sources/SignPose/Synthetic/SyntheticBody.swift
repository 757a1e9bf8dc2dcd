import Foundation
import SignTensor

/// The signer's 3-D skeleton in one frame (body units, see `SynthMath`).
struct BodyFrame {
    typealias Vec = SIMD3<Float>
    var leftShoulder = Vec(), rightShoulder = Vec(), leftElbow = Vec(), rightElbow = Vec()
    var leftWrist = Vec(), rightWrist = Vec(), leftHip = Vec(), rightHip = Vec()
    /// 21 points each, absolute.
    var leftHand: [Vec] = [], rightHand: [Vec] = []
    /// The face template points placed on the head, absolute.
    var face: [Vec] = []
    var leftEar = Vec(), rightEar = Vec(), noseTip = Vec()
    /// Image-plane roll of the whole body (radians) and its translation (body units), applied when projecting.
    var roll: Float = 0
    var shift = SIMD2<Float>()
}

/// The signer's body for a performance: arms by inverse kinematics, hands by forward kinematics, the
/// face template on a moving head, and slow body sway, so nothing is perfectly still.
///
/// - Shoulders at (±0.5, 0, 0) (the right one lifts by up to 0.04 when the dominant hand is above
///   the shoulders), hips at (±hipHalfWidth, torso, 0.05), the nose tip at (0, −neck, −0.28).
/// - Elbows: two-bone IK from shoulder S to wrist W with upper arm a and forearm b (W pulled into
///   reach when |W − S| ∉ [|a − b|, a + b]): the elbow lies at `S + x·u + h·v` with
///   `u = (W − S)/d`, `x = (a² − b² + d²)/(2d)`, `h = √(a² − x²)`, and v the unit part of the pole
///   (±0.35, 1, 0.1) (down and a little outwards) orthogonal to u.
/// - Head: `face_i = nose + eyeDistance · R(roll, yaw, pitch) · template_i(deformed)` with smooth
///   random roll (σ 2°), yaw (σ 4°) and pitch (σ 3°).
struct SyntheticBody {
    typealias Vec = SIMD3<Float>
    let signer: SyntheticSigner
    let rig: FaceRig
    var swayX: SmoothNoise, swayY: SmoothNoise, swayRoll: SmoothNoise
    var headRoll: SmoothNoise, headYaw: SmoothNoise, headPitch: SmoothNoise, headX: SmoothNoise, headY: SmoothNoise
    var mouthing: SmoothNoise
    var tremor: [SmoothNoise]

    init(signer: SyntheticSigner, rig: FaceRig, rng: inout RandomStream) {
        self.signer = signer
        self.rig = rig
        swayX = SmoothNoise(amplitude: 0.015, rng: &rng)
        swayY = SmoothNoise(amplitude: 0.008, rng: &rng)
        swayRoll = SmoothNoise(amplitude: SynthMath.radians(0.8), rng: &rng)
        headRoll = SmoothNoise(amplitude: SynthMath.radians(2), rng: &rng)
        headYaw = SmoothNoise(amplitude: SynthMath.radians(4), rng: &rng)
        headPitch = SmoothNoise(amplitude: SynthMath.radians(3), rng: &rng)
        headX = SmoothNoise(amplitude: 0.01, rng: &rng)
        headY = SmoothNoise(amplitude: 0.01, rng: &rng)
        mouthing = SmoothNoise(amplitude: 0.06, rng: &rng)
        tremor = (0..<6).map { _ in SmoothNoise(amplitude: 0.006, rng: &rng) }
    }

    func frame(_ f: PerformanceFrame, at t: Int) -> BodyFrame {
        let time = Float(t)
        var b = BodyFrame()
        b.roll = signer.lean + swayRoll(time)
        b.shift = SIMD2(swayX(time), swayY(time))

        var right = f.dominant.wrist + Vec(tremor[0](time), tremor[1](time), tremor[2](time))
        var left = f.nonDominant.wrist + Vec(tremor[3](time), tremor[4](time), tremor[5](time))
        left.x = -left.x
        let lift = 0.04 * SynthMath.smoothstep((-right.y - 0.1) / 0.4)
        b.rightShoulder = Vec(-0.5, -lift, 0)
        b.leftShoulder = Vec(0.5, 0, 0)
        right = reach(b.rightShoulder, right)
        left = reach(b.leftShoulder, left)
        b.rightWrist = right
        b.leftWrist = left
        b.rightElbow = elbow(b.rightShoulder, right, side: -1)
        b.leftElbow = elbow(b.leftShoulder, left, side: 1)
        b.leftHip = Vec(signer.hipHalfWidth, signer.torso, 0.05)
        b.rightHip = Vec(-signer.hipHalfWidth, signer.torso, 0.05)

        b.rightHand = HandModel.points(f.dominant.shape, f.dominant.orientation, scale: signer.handScale, mirrored: false)
            .map { $0 + right }
        b.leftHand = HandModel.points(f.nonDominant.shape, f.nonDominant.orientation, scale: signer.handScale, mirrored: true)
            .map { $0 + left }

        let nose = Vec(headX(time), -signer.neck + headY(time), -0.28)
        let roll = headRoll(time), yaw = headYaw(time), pitch = headPitch(time)
        let mouth = min(max(f.mouth + mouthing(time), 0), 1)
        let e = signer.eyeDistance
        func place(_ p: Vec) -> Vec {
            nose + e * SynthMath.rotateZ(SynthMath.rotateY(SynthMath.rotateX(p, pitch), yaw), roll)
        }
        b.face = rig.deformed(brows: f.eyebrows, mouth: mouth).map(place)
        b.noseTip = nose
        b.leftEar = place(FaceRig.leftEar)
        b.rightEar = place(FaceRig.rightEar)
        return b
    }

    /// `w` moved along the shoulder–wrist line into the arm's reach.
    func reach(_ s: Vec, _ w: Vec) -> Vec {
        let a = signer.upperArm, bLen = signer.forearm
        let d = SynthMath.length(w - s)
        let lo = abs(a - bLen) + 0.02, hi = a + bLen - 0.01
        guard d < lo || d > hi else { return w }
        let u = d > 1e-6 ? (w - s) / d : Vec(0, 1, 0)
        return s + u * min(max(d, lo), hi)
    }

    func elbow(_ s: Vec, _ w: Vec, side: Float) -> Vec {
        let a = signer.upperArm, bLen = signer.forearm
        let d = max(SynthMath.length(w - s), 1e-4)
        let u = (w - s) / d
        let x = (a * a - bLen * bLen + d * d) / (2 * d)
        let h = max(a * a - x * x, 0).squareRoot()
        let pole = Vec(0.35 * side, 1, 0.1)
        let v = SynthMath.normalized(pole - SynthMath.dot(pole, u) * u)
        return s + x * u + h * v
    }
}
