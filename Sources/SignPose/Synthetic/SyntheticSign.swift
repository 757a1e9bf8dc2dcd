import Foundation
import SignTensor

/// One sign of a synthetic vocabulary: what the hands do, where, and what the face shows.
///
/// Positions are in the signer's body frame (see `SynthMath`) and in *dominant-hand space*: the
/// dominant (right) hand's coordinates are image coordinates; the non-dominant hand's are mirrored
/// (x negated), so a symmetric two-handed sign gives both hands the same track.
public struct SyntheticSign: Equatable, Sendable {
    /// How the non-dominant hand takes part.
    public enum Hands: String, Sendable, CaseIterable {
        /// The non-dominant hand stays at rest.
        case one
        /// Both hands move, mirror images of each other.
        case symmetric
        /// The non-dominant hand holds still in front of the body as a base the dominant hand acts on.
        case base
    }

    /// A facial cue (non-manual marker) held while the sign is made.
    public enum FacialCue: String, Sendable, CaseIterable {
        case eyebrowsRaised = "eyebrows-raised"
        case mouthOpen = "mouth-open"
    }

    /// Where the sign is made (the centre of the dominant wrist's path).
    public enum Location: String, Sendable, CaseIterable {
        case forehead, eyes, chin, cheek, temple, throat, chest, shoulder, neutral, highNeutral = "high-neutral"
        case side, belly, lowSide = "low-side"

        /// Wrist position (body units, dominant-hand space) that puts the hand at this location.
        var wrist: SIMD3<Float> {
            switch self {
            case .forehead: return SIMD3(-0.15, -0.45, -0.55)
            case .eyes: return SIMD3(-0.15, -0.35, -0.58)
            case .chin: return SIMD3(-0.10, -0.20, -0.60)
            case .cheek: return SIMD3(-0.32, -0.28, -0.50)
            case .temple: return SIMD3(-0.40, -0.42, -0.40)
            case .throat: return SIMD3(-0.08, 0.00, -0.55)
            case .chest: return SIMD3(-0.05, 0.40, -0.45)
            case .shoulder: return SIMD3(0.22, 0.20, -0.40)
            case .neutral: return SIMD3(-0.30, 0.45, -0.75)
            case .highNeutral: return SIMD3(-0.35, 0.00, -0.80)
            case .side: return SIMD3(-0.80, 0.35, -0.45)
            case .belly: return SIMD3(-0.10, 0.85, -0.50)
            case .lowSide: return SIMD3(-0.55, 0.85, -0.40)
            }
        }
    }

    /// The shape of the dominant wrist's path.
    public enum Movement: String, Sendable, CaseIterable {
        case line, arc, circle, tap, zigzag, hold
    }

    public let index: Int
    /// Gloss name, e.g. `HOUSE` (`HOUSE-2` in vocabularies larger than the lexicon).
    public let gloss: String
    /// The meaning by language code (`en`, `de`, `zh`).
    public let meanings: [String: String]
    public let hands: Hands
    public let location: Location
    public let movement: Movement
    /// Hand-shape names (`HandShapes`) at the start and at the end of the sign.
    public let handShapeNames: [String]
    public let facialCue: FacialCue?
    /// Duration of the sign itself (without transitions) at 25 fps, before signer and sample tempo.
    public let frames: Int

    /// Dominant wrist control points (body units, dominant-hand space), a Catmull–Rom spline.
    let path: [SIMD3<Float>]
    let startShape: HandShape
    let endShape: HandShape
    let startOrientation: HandOrientation
    let endOrientation: HandOrientation
    /// For `.base`: the non-dominant hand's wrist (dominant-hand space), shape and orientation.
    let baseWrist: SIMD3<Float>
    let baseShape: HandShape
    let baseOrientation: HandOrientation
}

extension SyntheticSign {
    /// Sign `index` of the vocabulary drawn from `rng` (one stream per sign).
    static func random(index: Int, rng: inout RandomStream) -> SyntheticSign {
        let (gloss, meanings) = SyntheticLexicon.entry(index)
        let r = rng.uniform()
        let hands: Hands = r < 0.55 ? .one : r < 0.8 ? .symmetric : .base
        var location = rng.pick(Location.allCases)
        if hands == .base { location = rng.pick([.neutral, .chest, .belly]) }
        let movement = rng.pick(Movement.allCases)

        var centre = location.wrist + SIMD3(rng.normal(sigma: 0.05), rng.normal(sigma: 0.05), rng.normal(sigma: 0.03))
        var baseWrist = SIMD3<Float>(-0.22, 0.55, -0.55)
        if hands == .symmetric {
            centre.x = min(centre.x, -0.25) - 0.08  // keep the two hands apart
        } else if hands == .base {
            baseWrist = SIMD3(-0.18 + rng.normal(sigma: 0.04), centre.y + 0.1, -0.55)
            centre = SIMD3(-baseWrist.x - 0.15, baseWrist.y - 0.2, baseWrist.z - 0.05)  // above the base palm
        }
        let path = Self.path(movement, centre: centre, rng: &rng)

        let startName = rng.pick(HandShapes.all).name
        let endName = rng.chance(0.35) ? rng.pick(HandShapes.all).name : startName
        let shape = { (name: String, rng: inout RandomStream) -> HandShape in
            HandShapes.all.first { $0.name == name }!.shape.jittered(sigmaDegrees: 6, rng: &rng)
        }
        let startShape = shape(startName, &rng)
        let endShape = endName == startName ? startShape : shape(endName, &rng)

        let start = HandOrientation(rollDegrees: rng.uniform(in: -50...40), pitchDegrees: rng.uniform(in: -20...50),
                                    yawDegrees: rng.uniform(in: -70...70))
        var end = start
        if rng.chance(0.4) {
            switch rng.int(3) {
            case 0: end.roll += SynthMath.radians(rng.uniform(in: -70...70))
            case 1: end.pitch += SynthMath.radians(rng.uniform(in: -50...50))
            default: end.yaw += SynthMath.radians(rng.uniform(in: -80...80))
            }
        }
        let cue: FacialCue? = rng.chance(0.35) ? rng.pick(FacialCue.allCases) : nil
        let frames = 14 + rng.int(21)
        let baseShape = shape(rng.pick(["B", "5", "S", "C"]), &rng)
        let baseOrientation = HandOrientation(rollDegrees: 70 + rng.normal(sigma: 8), pitchDegrees: 60 + rng.normal(sigma: 8),
                                              yawDegrees: rng.normal(sigma: 10))
        return SyntheticSign(index: index, gloss: gloss, meanings: meanings, hands: hands, location: location,
                             movement: movement, handShapeNames: [startName, endName], facialCue: cue, frames: frames,
                             path: path, startShape: startShape, endShape: endShape, startOrientation: start,
                             endOrientation: end, baseWrist: baseWrist, baseShape: baseShape, baseOrientation: baseOrientation)
    }

    /// Control points of a movement around `centre`.
    static func path(_ movement: Movement, centre c: SIMD3<Float>, rng: inout RandomStream) -> [SIMD3<Float>] {
        typealias V = SIMD3<Float>
        let size = rng.uniform(in: 0.15...0.4)
        let angle = rng.uniform(in: 0...(2 * .pi))
        let dir = V(cos(angle), sin(angle), rng.normal(sigma: 0.4))
        let u = SynthMath.normalized(dir)
        switch movement {
        case .line:
            return [c - u * size / 2, c + u * size * 0.02 + V(0, 0, rng.normal(sigma: 0.03)), c + u * size / 2]
        case .arc:
            let span = rng.uniform(in: 1.6...3.1), start = angle
            let radius = size * 0.7
            return (0..<5).map { k in
                let a = start + span * Float(k) / 4
                return c + radius * V(cos(a), sin(a), 0) - radius * V(cos(start + span / 2), sin(start + span / 2), 0)
            }
        case .circle:
            let radius = size * 0.45
            let vertical = rng.chance(0.5)  // in the image plane, or horizontal (x–z plane)
            return (0...8).map { k in
                let a = angle + 2 * .pi * Float(k) / 8
                return vertical ? c + radius * V(cos(a), sin(a), 0) : c + radius * V(cos(a), 0, sin(a))
            }
        case .tap:
            let d = V(rng.normal(sigma: 0.03), rng.normal(sigma: 0.03), 0.12 + rng.uniform(in: 0...0.06))
            return [c - d, c, c - d, c, c - d * 0.3]
        case .zigzag:
            let w = u * size / 2, down = V(0, size / 4, 0)
            return [c - w - down, c + w - down * 0.5, c - w, c + w + down * 0.5, c - w + down]
        case .hold:
            return [c, c + u * 0.04]
        }
    }
}
