import SignTensor

/// Training-time pose augmentation (paper notes §2.5), a value recorded in a checkpoint's config.
///
/// It works on a `PoseSequence` after spatial normalisation (`Preprocessing.normalize`), not on the
/// model's tensor: the sequence still has its layout (needed for the mirror partners), its
/// confidences (to leave missing points alone) and its true frame count (temporal crop and speed
/// refer to the real clip, before frames are sampled and padded). It must run after normalisation
/// because Uni-Sign's normalisation refits the body box and would undo a scale or rotation made before.
///
/// `apply` draws, in this order, one uniform number per component to decide whether it fires
/// (`u < probability`) and, when it does, its value uniform in `[lower, upper]`:
/// 1. `crop`: keep `L = max(1, round(T·r))` consecutive frames (r = fraction, start uniform in
///    0...T−L) and resample them back to T frames;
/// 2. `speed`: resample to `max(1, round(T'/f))` frames (f > 1 plays faster: fewer frames).
///    Crop and speed make one resampling (`PoseSequence.resampled`: linear interpolation of the
///    coordinates between the two neighbouring source frames when the point is present in both,
///    else the nearest frame's point; the confidence and presence are those of the nearest frame);
/// 3. one 2×2 matrix per clip `A = R(θ) · S(k) · H(hx, hy)` about the centre (0, 0) — the body box
///    centre, and for the hands and the face (stored relative to wrist / nose tip) their anchor, which is
///    the same as applying A to the raw pose: `rotation` θ in degrees (counter-clockwise with y up),
///    `scale` k, `shear` hx and hy drawn independently from the same range (`H = [[1, hx], [hy, 1]]`);
/// 4. `jitter`: σ, then `σ·N(0, 1)` added to every stored coordinate of every present point;
/// 5. `mirror` (probability only): x → −x about x = 0 and every point swapped with its layout mirror
///    partner (left hand ↔ right hand …); a point without a partner keeps its index (only flipped).
///
/// Missing points (confidence 0) stay missing under every component. The same stream state gives the
/// same output.
public struct Augmentation: Codable, Equatable, Hashable, Sendable {
    /// With probability `probability`, a value drawn uniformly from `[lower, upper]`.
    public struct RandomRange: Codable, Equatable, Hashable, Sendable {
        public var probability: Float
        public var lower: Float
        public var upper: Float

        public init(probability: Float, lower: Float, upper: Float) {
            self.probability = probability
            self.lower = lower
            self.upper = upper
        }

        /// Never fires (the range is the component's identity value).
        public static func off(_ identity: Float) -> RandomRange { RandomRange(probability: 0, lower: identity, upper: identity) }

        /// Whether it fires, then the value (nil when it does not). Always draws the decision.
        func draw(_ rng: inout RandomStream) -> Float? {
            let fires = rng.uniform() < probability
            guard fires else { return nil }
            return lower + (upper - lower) * rng.uniform()
        }
    }

    /// Fraction of the frames kept by the temporal crop, in (0, 1].
    public var crop: RandomRange
    /// Playback speed factor (> 0).
    public var speed: RandomRange
    /// Rotation angle in degrees.
    public var rotation: RandomRange
    /// Isotropic scale factor.
    public var scale: RandomRange
    /// Shear coefficient (each off-diagonal drawn separately from this range).
    public var shear: RandomRange
    /// Standard deviation of the per-coordinate Gaussian jitter (≥ 0), in normalised units.
    public var jitter: RandomRange
    /// Probability of the horizontal mirror with left/right swap.
    public var mirror: Float

    public init(crop: RandomRange = .off(1), speed: RandomRange = .off(1), rotation: RandomRange = .off(0),
                scale: RandomRange = .off(1), shear: RandomRange = .off(0), jitter: RandomRange = .off(0),
                mirror: Float = 0) {
        self.crop = crop
        self.speed = speed
        self.rotation = rotation
        self.scale = scale
        self.shear = shear
        self.jitter = jitter
        self.mirror = mirror
    }

    /// The identity.
    public static let none = Augmentation()

    /// Paper notes §2.5 [G], every component always drawn: crop 50–100 %, speed ×[0.8, 1.2],
    /// rotation ±10°, scale ±10 %, shear ±0.1, jitter σ = 0.005; no mirror.
    public static let `default` = Augmentation(
        crop: RandomRange(probability: 1, lower: 0.5, upper: 1), speed: RandomRange(probability: 1, lower: 0.8, upper: 1.2),
        rotation: RandomRange(probability: 1, lower: -10, upper: 10), scale: RandomRange(probability: 1, lower: 0.9, upper: 1.1),
        shear: RandomRange(probability: 1, lower: -0.1, upper: 0.1), jitter: RandomRange(probability: 1, lower: 0.005, upper: 0.005),
        mirror: 0)

    /// `default` plus the mirror with hand swap half of the time (isolated sign recognition, where the
    /// label does not depend on the signer's dominant hand).
    public static let islr: Augmentation = {
        var a = Augmentation.default
        a.mirror = 0.5
        return a
    }()

    /// Throws `invalidArgument` naming the first field out of range.
    public func validate() throws {
        let ranges: [(String, RandomRange, Float, Bool)] = [
            ("crop", crop, 0, true), ("speed", speed, 0, true), ("rotation", rotation, -.infinity, false),
            ("scale", scale, 0, true), ("shear", shear, -.infinity, false), ("jitter", jitter, 0, false),
        ]
        for (name, r, minimum, exclusive) in ranges {
            guard r.probability.isFinite, r.probability >= 0, r.probability <= 1 else {
                throw PoseError("<memory>", .invalidArgument, "augmentation \(name).probability must be in [0, 1], got \(r.probability)")
            }
            guard r.lower.isFinite, r.upper.isFinite, r.lower <= r.upper else {
                throw PoseError("<memory>", .invalidArgument, "augmentation \(name) range [\(r.lower), \(r.upper)] must be finite with lower ≤ upper")
            }
            guard exclusive ? r.lower > minimum : r.lower >= minimum else {
                throw PoseError("<memory>", .invalidArgument, "augmentation \(name) range [\(r.lower), \(r.upper)] must be \(exclusive ? ">" : "≥") \(minimum)")
            }
        }
        guard crop.upper <= 1 else {
            throw PoseError("<memory>", .invalidArgument, "augmentation crop fraction must be ≤ 1, got \(crop.upper)")
        }
        guard mirror.isFinite, mirror >= 0, mirror <= 1 else {
            throw PoseError("<memory>", .invalidArgument, "augmentation mirror probability must be in [0, 1], got \(mirror)")
        }
    }

    /// The augmented sequence (see the type's doc). Throws on an invalid value, and when the mirror
    /// can fire on a layout that cannot swap sides (no mirror partners at all, or a hand point without one).
    public func apply(_ seq: PoseSequence, rng: inout RandomStream) throws -> PoseSequence {
        try validate()
        if mirror > 0 { try Self.requireMirrorable(seq.layout) }
        var out = seq
        let T = seq.frameCount

        // 1–2. Temporal: one resampling of the window [start, end] to n frames.
        var start = 0, end = T - 1, n = T
        if let r = crop.draw(&rng) {
            let keep = max(1, min(T, Int((Double(T) * Double(r)).rounded())))
            start = rng.int(T - keep + 1)
            end = start + keep - 1
        }
        if let f = speed.draw(&rng) { n = max(1, Int((Double(n) / Double(f)).rounded())) }
        if start != 0 || end != T - 1 || n != T {
            out = try out.resampled(frames: n, from: Double(start), through: Double(end))
        }

        // 3. One 2×2 matrix per clip.
        var m = Affine2D.identity, spatial = false
        if let deg = rotation.draw(&rng) { m = Affine2D.rotation(degrees: deg); spatial = true }
        if let k = scale.draw(&rng) { m = m * .scale(k); spatial = true }
        if let hx = shear.draw(&rng) {
            let hy = shear.lower + (shear.upper - shear.lower) * rng.uniform()
            m = m * .shear(x: hx, y: hy)
            spatial = true
        }
        if spatial { out = try out.transformed(by: m) }

        // 4. Jitter.
        if let sigma = jitter.draw(&rng), sigma > 0 { out = try out.jittered(sigma: sigma, rng: &rng) }

        // 5. Mirror.
        if rng.uniform() < mirror { out = try out.mirrored() }
        return out
    }

    /// Throws unless mirroring `layout` swaps sides: some point must have a partner, and every hand point.
    static func requireMirrorable(_ layout: PoseLayout) throws {
        guard layout.mirrorPartners.contains(where: { $0 != nil }) else {
            throw PoseError("<memory>", .invalidArgument, "layout \(layout.name) has no mirror partners; mirroring would flip it without swapping left and right")
        }
        for part in [PosePart.leftHand, .rightHand] {
            if let bad = layout.indices(of: part)?.first(where: { layout.mirrorPartners[$0] == nil }) {
                let (c, p) = layout.pointName(at: bad)
                throw PoseError("<memory>", .invalidArgument, "layout \(layout.name): hand point \(c)/\(p) has no mirror partner, so the mirror cannot swap the hands")
            }
        }
    }
}
