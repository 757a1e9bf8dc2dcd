import Foundation
import SignTensor

/// Writes body frames into a keypoint layout of one of the two skeleton families the generator
/// produces, as a detector would report them.
///
/// - `coco-wholebody-133` (XYC): pixel x, y; scores ~ N(0.9, 0.05) for body and face, N(0.82, 0.08) for
///   hands, clipped to [0.35, 1]; every point may drop out on its own.
/// - `mediapipe-holistic-543` (XYZC): pixel x, y and MediaPipe-style depth z (relative to the hip
///   midpoint for POSE, the nose tip for FACE, the wrist for hands, in units of the frame width);
///   POSE visibility ~ N(0.995, 0.004) clipped to [0.9, 1] and body points may drop out (at 0.3× the
///   signer's rate: MediaPipe's pose rarely loses single points); face and hand
///   points have confidence 1 and vanish only as a whole hand.
///
/// In both, legs and feet are out of the picture (missing), a point that falls outside the frame is
/// missing, a hand is lost for 3–10 frames with the signer's `handLossRate` per sign, and every missing
/// point has coordinates 0 and confidence 0. Coordinates get Gaussian jitter (σ = the signer's noise,
/// 1.5× on hands, 0.35× on the face, whose landmarks move together) before projection: `pixel = centre + shoulderPixels · R(roll) · (p.xy + shift)`.
enum SyntheticSkeleton {
    enum Family: Sendable {
        case cocoWholeBody133
        case holistic543

        var layoutName: String { self == .cocoWholeBody133 ? "coco-wholebody-133" : "mediapipe-holistic-543" }
        var rig: FaceRig { self == .cocoWholeBody133 ? FaceRig.ibug : FaceRig.mesh }
    }

    enum Group { case body, face, leftHand, rightHand }

    enum Source {
        case missing
        case leftShoulder, rightShoulder, leftElbow, rightElbow, leftWrist, rightWrist, leftHip, rightHip
        case leftEar, rightEar
        case face(Int)
        case faceMean([Int])
        case leftHand(Int), rightHand(Int)
        /// Midpoint of two hand points (MediaPipe POSE's own pinky / index points).
        case leftHandMid(Int, Int), rightHandMid(Int, Int)
    }

    struct Recipe {
        let source: Source
        let group: Group
    }

    static func recipes(_ family: Family) -> [Recipe] {
        let hands = (0..<21).map { Recipe(source: .leftHand($0), group: .leftHand) }
            + (0..<21).map { Recipe(source: .rightHand($0), group: .rightHand) }
        func body(_ s: Source) -> Recipe { Recipe(source: s, group: .body) }
        switch family {
        case .cocoWholeBody133:
            let bodyPoints: [Source] = [.face(30), .faceMean(Array(42...47)), .faceMean(Array(36...41)), .leftEar, .rightEar,
                                        .leftShoulder, .rightShoulder, .leftElbow, .rightElbow, .leftWrist, .rightWrist,
                                        .leftHip, .rightHip] + Array(repeating: .missing, count: 10)
            return bodyPoints.map(body) + (0..<68).map { Recipe(source: .face($0), group: .face) } + hands
        case .holistic543:
            let leftEye = Array(FaceMesh.leftEye).sorted(), rightEye = Array(FaceMesh.rightEye).sorted()
            let pose: [Source] = [.face(1), .face(362), .faceMean(leftEye), .face(263), .face(133), .faceMean(rightEye), .face(33),
                                  .leftEar, .rightEar, .face(291), .face(61), .leftShoulder, .rightShoulder, .leftElbow,
                                  .rightElbow, .leftWrist, .rightWrist, .leftHandMid(17, 18), .rightHandMid(17, 18),
                                  .leftHandMid(5, 6), .rightHandMid(5, 6), .leftHand(2), .rightHand(2), .leftHip, .rightHip]
                + Array(repeating: .missing, count: 8)
            return pose.map(body) + (0..<468).map { Recipe(source: .face($0), group: .face) } + hands
        }
    }

    static func position(_ s: Source, _ b: BodyFrame) -> SIMD3<Float>? {
        switch s {
        case .missing: return nil
        case .leftShoulder: return b.leftShoulder
        case .rightShoulder: return b.rightShoulder
        case .leftElbow: return b.leftElbow
        case .rightElbow: return b.rightElbow
        case .leftWrist: return b.leftWrist
        case .rightWrist: return b.rightWrist
        case .leftHip: return b.leftHip
        case .rightHip: return b.rightHip
        case .leftEar: return b.leftEar
        case .rightEar: return b.rightEar
        case .face(let i): return b.face[i]
        case .faceMean(let idx): return idx.reduce(SIMD3<Float>()) { $0 + b.face[$1] } / Float(idx.count)
        case .leftHand(let i): return b.leftHand[i]
        case .rightHand(let i): return b.rightHand[i]
        case .leftHandMid(let i, let j): return (b.leftHand[i] + b.leftHand[j]) / 2
        case .rightHandMid(let i, let j): return (b.rightHand[i] + b.rightHand[j]) / 2
        }
    }

    /// The sequence for `performance` (frames and sign spans) in `family`'s layout.
    static func build(_ performance: (frames: [PerformanceFrame], spans: [Range<Int>]), signer: SyntheticSigner,
                      family: Family, width: Int, height: Int, fps: Float, rng: inout RandomStream) throws -> PoseSequence {
        let layout = try PoseLayouts.named(family.layoutName)
        let recipes = recipes(family)
        precondition(recipes.count == layout.pointCount, "recipe table of \(family.layoutName) is out of date")
        let holistic = family == .holistic543
        let D = holistic ? 3 : 2
        let T = performance.frames.count, P = layout.pointCount
        let bodyModel = SyntheticBody(signer: signer, rig: family.rig, rng: &rng)

        // Hand-loss episodes.
        var lost = [[Bool]](repeating: [Bool](repeating: false, count: T), count: 2)  // [left, right]
        for span in performance.spans where rng.chance(signer.handLossRate) {
            let hand = rng.chance(0.7) ? 1 : 0
            let length = 3 + rng.int(8)
            let start = max(0, span.lowerBound - 5 + rng.int(span.count + 5))
            for t in start..<min(T, start + length) { lost[hand][t] = true }
        }

        var data = [Float](repeating: 0, count: T * P * D)
        var confidence = [Float](repeating: 0, count: T * P)
        let scale = signer.shoulderPixels
        for t in 0..<T {
            let b = bodyModel.frame(performance.frames[t], at: t)
            let c = cos(b.roll), s = sin(b.roll)
            let hipZ = (b.leftHip.z + b.rightHip.z) / 2
            for (p, recipe) in recipes.enumerated() {
                guard var v = position(recipe.source, b) else { continue }
                let isHand = recipe.group == .leftHand || recipe.group == .rightHand
                if recipe.group == .leftHand && lost[0][t] || recipe.group == .rightHand && lost[1][t] { continue }
                if !holistic && rng.chance(signer.dropRate) || holistic && recipe.group == .body && rng.chance(signer.dropRate * 0.3) {
                    continue
                }
                let sigma = signer.noise * (isHand ? 1.5 : recipe.group == .face ? 0.35 : 1)
                v += SIMD3(rng.normal(sigma: sigma), rng.normal(sigma: sigma), rng.normal(sigma: sigma))
                let x = v.x + b.shift.x, y = v.y + b.shift.y
                let px = signer.centre.x + scale * (c * x - s * y)
                let py = signer.centre.y + scale * (s * x + c * y)
                guard px >= 0, py >= 0, px < Float(width), py < Float(height) else { continue }
                let o = (t * P + p) * D
                data[o] = px
                data[o + 1] = py
                if holistic {
                    let anchor: Float
                    switch recipe.group {
                    case .body: anchor = hipZ
                    case .face: anchor = b.noseTip.z
                    case .leftHand: anchor = b.leftWrist.z
                    case .rightHand: anchor = b.rightWrist.z
                    }
                    data[o + 2] = (v.z - anchor) * scale / Float(width)
                }
                let score: Float
                switch (holistic, recipe.group) {
                case (true, .body): score = min(max(0.995 + rng.normal(sigma: 0.004), 0.9), 1)
                case (true, _): score = 1
                case (false, .leftHand), (false, .rightHand): score = min(max(0.82 + rng.normal(sigma: 0.08), 0.35), 1)
                case (false, _): score = min(max(0.9 + rng.normal(sigma: 0.05), 0.35), 1)
                }
                confidence[t * P + p] = score
            }
        }
        return try PoseSequence(layout: layout, frames: T, dims: D, data: data, confidence: confidence, fps: fps,
                                width: width, height: height)
    }
}
