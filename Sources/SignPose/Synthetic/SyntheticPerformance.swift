import Foundation
import SignTensor

/// The state of one hand in one frame (dominant-hand space, body units).
struct HandState: Equatable, Sendable {
    var wrist: SIMD3<Float>
    var shape: HandShape
    var orientation: HandOrientation

    static func mix(_ a: HandState, _ b: HandState, _ t: Float) -> HandState {
        HandState(wrist: SynthMath.lerp(a.wrist, b.wrist, t), shape: .mix(a.shape, b.shape, t),
                  orientation: .mix(a.orientation, b.orientation, t))
    }
}

/// What the signer does in one frame: both hands (dominant-hand space) and the facial cue intensities.
struct PerformanceFrame: Equatable, Sendable {
    var dominant: HandState
    var nonDominant: HandState
    /// Eyebrow raise and mouth opening in [0, 1].
    var eyebrows: Float
    var mouth: Float
}

/// Turns signs into frames: rest → (transition → sign)… → transition → rest.
///
/// - Rest: both wrists in front of the belly, hands relaxed, fingers towards the mid-line.
/// - Transition: minimum-jerk interpolation of wrist, hand shape and orientation from the current
///   state to the next sign's first state, `6 + 12·distance` frames (÷ tempo).
/// - Sign: the dominant wrist follows the sign's spline (scaled by the signer's amplitude about its
///   centre, control points jittered per sample) with a half-linear, half-minimum-jerk time profile;
///   shape and orientation move from start to end over the middle of the sign. The non-dominant hand
///   mirrors the dominant one (`.symmetric`), holds the base (`.base`) or returns to rest (`.one`).
/// - Facial cues: 1 during the sign that carries them, 0 elsewhere, smoothed with a 7-frame box filter
///   so they ramp up and down across the transitions.
enum SyntheticPerformance {
    static func rest(_ signer: SyntheticSigner) -> HandState {
        HandState(wrist: SIMD3(-0.24, 0.95, -0.30) + signer.restOffset, shape: HandShapes.relaxed,
                  orientation: HandOrientation(rollDegrees: 80, pitchDegrees: 45, yawDegrees: 20))
    }

    /// Frames for `signs` performed by `signer` (tempo `speed` on top of the signer's), and the frame
    /// range of each sign (its core, without transitions).
    static func perform(_ signs: [SyntheticSign], signer: SyntheticSigner, rng: inout RandomStream)
        -> (frames: [PerformanceFrame], spans: [Range<Int>]) {
        let tempo = signer.tempo * rng.uniform(in: 0.9...1.1)
        func count(_ base: Float) -> Int { max(2, Int((base / tempo).rounded())) }
        let restState = rest(signer)
        var frames = [PerformanceFrame]()
        var cueBrows = [Float](), cueMouth = [Float]()
        var spans = [Range<Int>]()
        var current = PerformanceFrame(dominant: restState, nonDominant: restState, eyebrows: 0, mouth: 0)

        func append(_ f: PerformanceFrame, brows: Float, mouth: Float) {
            frames.append(f); cueBrows.append(brows); cueMouth.append(mouth)
        }
        func transition(to target: (HandState, HandState)) {
            let d = max(SynthMath.length(target.0.wrist - current.dominant.wrist),
                        SynthMath.length(target.1.wrist - current.nonDominant.wrist))
            let n = count(6 + 12 * d)
            let from = current
            for k in 1...n {
                let s = SynthMath.minimumJerk(Float(k) / Float(n))
                current = PerformanceFrame(dominant: .mix(from.dominant, target.0, s),
                                           nonDominant: .mix(from.nonDominant, target.1, s), eyebrows: 0, mouth: 0)
                append(current, brows: 0, mouth: 0)
            }
        }

        for _ in 0..<(3 + rng.int(5)) { append(current, brows: 0, mouth: 0) }
        for sign in signs {
            // Per-sample path: amplitude about the centre, jittered control points.
            let centre = sign.path.reduce(SIMD3<Float>(), +) / Float(sign.path.count)
            let path = sign.path.map { p in
                centre + (p - centre) * signer.amplitude
                    + SIMD3(rng.normal(sigma: 0.025), rng.normal(sigma: 0.025), rng.normal(sigma: 0.015))
            }
            let wiggle = { (o: HandOrientation, rng: inout RandomStream) -> HandOrientation in
                HandOrientation(roll: o.roll + rng.normal(sigma: 0.08), pitch: o.pitch + rng.normal(sigma: 0.08),
                                yaw: o.yaw + rng.normal(sigma: 0.08))
            }
            let startShape = sign.startShape.jittered(sigmaDegrees: 4, rng: &rng)
            let endShape = sign.endShape == sign.startShape ? startShape : sign.endShape.jittered(sigmaDegrees: 4, rng: &rng)
            let startOrientation = wiggle(sign.startOrientation, &rng)
            let endOrientation = sign.endOrientation == sign.startOrientation ? startOrientation : wiggle(sign.endOrientation, &rng)
            let base = HandState(wrist: sign.baseWrist, shape: sign.baseShape, orientation: sign.baseOrientation)
            let idle = HandState(wrist: restState.wrist + SIMD3(rng.normal(sigma: 0.03), rng.normal(sigma: 0.03), 0),
                                 shape: restState.shape, orientation: restState.orientation)

            func dominant(_ u: Float) -> HandState {
                let timed = 0.5 * u + 0.5 * SynthMath.minimumJerk(u)
                let change = SynthMath.smoothstep((u - 0.25) / 0.5)
                return HandState(wrist: SynthMath.catmullRom(path, timed), shape: .mix(startShape, endShape, change),
                                 orientation: .mix(startOrientation, endOrientation, change))
            }
            func nonDominant(_ u: Float) -> HandState {
                switch sign.hands {
                case .one: return idle
                case .symmetric: return dominant(u)
                case .base: return base
                }
            }
            transition(to: (dominant(0), nonDominant(0)))
            let n = count(Float(sign.frames))
            let start = frames.count
            let brows: Float = sign.facialCue == .eyebrowsRaised ? 1 : 0
            let mouth: Float = sign.facialCue == .mouthOpen ? 1 : 0
            for k in 0..<n {
                let u = n > 1 ? Float(k) / Float(n - 1) : 1
                current = PerformanceFrame(dominant: dominant(u), nonDominant: nonDominant(u), eyebrows: 0, mouth: 0)
                append(current, brows: brows, mouth: mouth)
            }
            spans.append(start..<frames.count)
        }
        transition(to: (restState, restState))
        for _ in 0..<(3 + rng.int(5)) { append(current, brows: 0, mouth: 0) }

        let brows = boxFilter(cueBrows, radius: 3), mouth = boxFilter(cueMouth, radius: 3)
        for t in frames.indices {
            frames[t].eyebrows = brows[t]
            frames[t].mouth = mouth[t]
        }
        return (frames, spans)
    }

    /// Moving average over `2·radius + 1` frames (the window shrinks at the ends).
    static func boxFilter(_ x: [Float], radius: Int) -> [Float] {
        x.indices.map { t in
            let lo = max(0, t - radius), hi = min(x.count - 1, t + radius)
            return x[lo...hi].reduce(0, +) / Float(hi - lo + 1)
        }
    }
}
