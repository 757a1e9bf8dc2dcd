import SignTensor

/// A synthetic signer: body size and proportions, where they stand in the frame, how fast and how big
/// they sign, and how noisy and incomplete their keypoints are.
public struct SyntheticSigner: Equatable, Sendable {
    public let id: Int
    /// "train", "dev" or "test" (see `SyntheticSigner.split`).
    public let split: String
    /// Shoulder width in pixels (the body unit).
    public let shoulderPixels: Float
    /// Midpoint of the shoulders in pixels.
    public let centre: SIMD2<Float>
    /// Arm segments, nose height above the shoulders, hip height and half hip width, in shoulder widths.
    let upperArm: Float
    let forearm: Float
    let neck: Float
    let torso: Float
    let hipHalfWidth: Float
    /// Outer eye-corner distance in shoulder widths (the face template's unit).
    let eyeDistance: Float
    let handScale: Float
    /// Signing speed: durations are divided by it (0.8 = slow, 1.25 = fast).
    public let tempo: Float
    /// Scale of the signing space around each sign's centre.
    let amplitude: Float
    /// Keypoint jitter (standard deviation, shoulder widths).
    public let noise: Float
    /// Probability that one keypoint is missing in a frame.
    public let dropRate: Float
    /// Probability per sign that a hand is lost by the detector for a few frames.
    public let handLossRate: Float
    /// Constant body roll (radians) and rest-position offset.
    let lean: Float
    let restOffset: SIMD3<Float>

    /// Signer `id` of `count`, drawn from `rng`. Proportions follow MediaPipe poses of real signers
    /// (Tests/Fixtures PHOENIX-2014T, AUTSL and ASL samples, in shoulder widths): outer eye corners 0.30–0.32
    /// apart, nose tip 0.56–0.63 above the shoulders, wrist to middle knuckle up to 0.33, upper arm up to
    /// 0.8–1.1 and forearm up to 0.8 in projection, hips 1.4–1.5 below the shoulders and 0.62–0.69 apart. The last `heldOut(count)` signers are the test
    /// signers, the `heldOut(count)` before them the dev signers, the rest train.
    static func random(id: Int, count: Int, width: Int, height: Int, rng: inout RandomStream) -> SyntheticSigner {
        let shoulder = Float(min(width, height)) * rng.uniform(in: 0.26...0.33)
        let centre = SIMD2<Float>(Float(width) * (0.5 + rng.normal(sigma: 0.03)), Float(height) * rng.uniform(in: 0.42...0.48))
        return SyntheticSigner(
            id: id, split: split(of: id, count: count), shoulderPixels: shoulder, centre: centre,
            upperArm: rng.uniform(in: 0.85...0.95), forearm: rng.uniform(in: 0.75...0.85), neck: rng.uniform(in: 0.55...0.65),
            torso: rng.uniform(in: 1.38...1.52), hipHalfWidth: rng.uniform(in: 0.31...0.35),
            eyeDistance: rng.uniform(in: 0.28...0.32), handScale: rng.uniform(in: 1.18...1.36),
            tempo: rng.uniform(in: 0.8...1.25), amplitude: rng.uniform(in: 0.88...1.12),
            noise: rng.uniform(in: 0.003...0.009), dropRate: rng.uniform(in: 0...0.03),
            handLossRate: rng.uniform(in: 0...0.3), lean: SynthMath.radians(rng.normal(sigma: 2.5)),
            restOffset: SIMD3(rng.normal(sigma: 0.04), rng.normal(sigma: 0.05), rng.normal(sigma: 0.03)))
    }

    /// Number of dev signers, and of test signers, among `count`: max(1, round(count / 10)).
    public static func heldOut(_ count: Int) -> Int { max(1, Int((Double(count) / 10).rounded())) }

    /// The split of signer `id` among `count` (≥ 3): the last `heldOut` ids are "test", the
    /// `heldOut` before them "dev", every other signer "train".
    public static func split(of id: Int, count: Int) -> String {
        let h = heldOut(count)
        if id >= count - h { return "test" }
        if id >= count - 2 * h { return "dev" }
        return "train"
    }
}
