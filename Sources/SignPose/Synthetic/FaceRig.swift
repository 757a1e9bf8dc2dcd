import Foundation
/// A neutral face template with the weights that move it for the facial cues.
///
/// Template units: the outer eye-corner distance; origin: the nose tip; axes as the body frame.
/// - Eyebrows raised by e ∈ [0, 1]: `Δy = −0.14·e·w_brow` (0.14 ≈ 1.3 cm), w_brow = 1 on brow points
///   and `exp(−d²/(2·0.06²))` for a non-eye point above the eyes at distance d from the nearest brow
///   point (face-mesh skin around the brows), 0 elsewhere.
/// - Mouth opened by m ∈ [0, 1]: the jaw drops, `Δy = 0.32·m·w_jaw` with
///   `w_jaw = min(1, (y − y_m)/0.025) · clamp(1 − (|x| − 0.35)/0.6, 0, 1)` for points below the mouth
///   line y_m (mean of the inner-lip points): the lower lip and chin move fully, the mouth corners and
///   upper lip stay, the jaw's sides follow less.
struct FaceRig: Sendable {
    let template: [SIMD3<Float>]
    let browWeights: [Float]
    let jawWeights: [Float]

    /// Ears (left = +x, right = −x), outside both templates' point sets, in template units.
    static let leftEar = SIMD3<Float>(0.85, -0.2, 1.1)
    static let rightEar = SIMD3<Float>(-0.85, -0.2, 1.1)

    init(template: [SIMD3<Float>], brows: Set<Int>, eyes: Set<Int>, innerLips: [Int], skinAroundBrows: Bool) {
        self.template = template
        let browPoints = brows.map { template[$0] }
        let eyeTop = eyes.map { template[$0].y }.min() ?? 0
        var bw = [Float](repeating: 0, count: template.count)
        for (i, p) in template.enumerated() {
            if brows.contains(i) { bw[i] = 1; continue }
            guard skinAroundBrows, !eyes.contains(i), p.y < eyeTop else { continue }
            let d2: Float = browPoints.map { q in Self.planarDistance2(p, q) }.min() ?? .infinity
            bw[i] = exp(-d2 / Float(2 * 0.06 * 0.06))
        }
        browWeights = bw
        let mouthLine = innerLips.map { template[$0].y }.reduce(0, +) / Float(max(innerLips.count, 1))
        jawWeights = template.map { p in
            guard p.y > mouthLine else { return 0 }
            return min(1, (p.y - mouthLine) / 0.025) * min(max(1 - (abs(p.x) - 0.35) / 0.6, 0), 1)
        }
    }

    /// Squared distance in the image plane.
    static func planarDistance2(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
        let dx = a.x - b.x, dy = a.y - b.y
        return dx * dx + dy * dy
    }

    /// The template with eyebrows raised by `brows` and the mouth opened by `mouth`.
    func deformed(brows: Float, mouth: Float) -> [SIMD3<Float>] {
        var out = template
        for i in out.indices {
            out[i].y += -0.14 * brows * browWeights[i] + 0.32 * mouth * jawWeights[i]
        }
        return out
    }

    /// The 468-point MediaPipe face mesh.
    static let mesh: FaceRig = {
        let xyz = FaceTemplates.meshXYZ
        let template = (0..<(xyz.count / 3)).map { SIMD3(xyz[3 * $0], xyz[3 * $0 + 1], xyz[3 * $0 + 2]) }
        let innerLips = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415]
        return FaceRig(template: template, brows: FaceMesh.leftEyebrow.union(FaceMesh.rightEyebrow),
                       eyes: FaceMesh.leftEye.union(FaceMesh.rightEye), innerLips: innerLips, skinAroundBrows: true)
    }()

    /// The iBUG-68 face (COCO-WholeBody 23–90); depth taken from the nearest face-mesh point.
    static let ibug: FaceRig = {
        let xy = FaceTemplates.ibugXY
        let meshPoints = mesh.template
        let template = (0..<(xy.count / 2)).map { i -> SIMD3<Float> in
            let x = xy[2 * i], y = xy[2 * i + 1]
            let q = SIMD3<Float>(x, y, 0)
            let nearest = meshPoints.min { a, b in planarDistance2(a, q) < planarDistance2(b, q) }!
            return SIMD3(x, y, nearest.z)
        }
        return FaceRig(template: template, brows: Set(17...26), eyes: Set(36...47), innerLips: Array(60...67),
                       skinAroundBrows: false)
    }()
}
