import Foundation
import Testing
import SignPose
import SignTensor

/// MediaPipe Holistic → COCO-WholeBody conversion by anatomical correspondence, and corpora that
/// mix Holistic variants packed into `mslu-79`.
@Suite("Holistic to COCO")
struct HolisticToCOCOTests {
    /// A 543-point Holistic clip whose point i sits at x = i converted to COCO-WholeBody-133: x of each
    /// COCO point names its source. The correspondence must commute with both layouts' mirror
    /// partners (mirror of the source = source of the mirror) wherever both exist.
    @Test func correspondenceCommutesWithMirroring() throws {
        let holistic = try PoseLayouts.named("mediapipe-holistic-543"), coco = try PoseLayouts.named("coco-wholebody-133")
        let n = holistic.pointCount
        let seq = try PoseSequence(layout: holistic.withDims(2), frames: 1, dims: 2, data: (0..<n).flatMap { [Float($0), 0] },
                                   confidence: [Float](repeating: 1, count: n), fps: 25)
        let out = try seq.converted(to: coco.withDims(2))
        let source: [Int?] = (0..<coco.pointCount).map { out.confidence[$0] > 0 ? Int(out.data[2 * $0]) : nil }
        #expect(source.compactMap { $0 }.count == 131)       // all but the two small toes
        var checked = 0
        for j in 0..<coco.pointCount {
            guard let s = source[j], let mj = coco.mirrorPartners[j], let ms = source[mj], let partner = holistic.mirrorPartners[s] else { continue }
            #expect(partner == ms, "COCO point \(j) ← \(s): mirror \(mj) ← \(ms), but the mirror of \(s) is \(partner)")
            checked += 1
        }
        #expect(checked > 120)
    }

    /// On a real Holistic 543 clip (PHOENIX): the converted COCO face and body are anatomically placed
    /// (image y grows downward; the subject's left is on the image right).
    @Test func realHolisticClipLandsInPlausiblePlaces() throws {
        let seq = try PoseIO.read(Fixtures.path(Fixtures.phoenix543)).converted(toLayoutNamed: "coco-wholebody-133")
        func mean(_ name: String, _ component: String) throws -> (x: Float, y: Float) {
            let c = try #require(seq.layout.components.firstIndex { $0.name == component })
            let p = seq.layout.componentOffsets[c] + (try #require(seq.layout.components[c].points.firstIndex(of: name)))
            var sx: Float = 0, sy: Float = 0, k: Float = 0
            for t in 0..<seq.frameCount where seq.confidence[t * seq.pointCount + p] > 0 {
                sx += seq.data[(t * seq.pointCount + p) * seq.dims]; sy += seq.data[(t * seq.pointCount + p) * seq.dims + 1]; k += 1
            }
            #expect(k > 0, "\(component)/\(name) never present")
            return (sx / k, sy / k)
        }
        let chin = try mean("face-8", "FACE"), noseTip = try mean("face-30", "FACE"), brow = try mean("face-19", "FACE")
        let rightJaw = try mean("face-0", "FACE"), leftJaw = try mean("face-16", "FACE")
        let rightEye = try mean("face-36", "FACE"), leftEye = try mean("face-45", "FACE")
        let upperLip = try mean("face-51", "FACE"), lowerLip = try mean("face-57", "FACE")
        #expect(brow.y < noseTip.y && noseTip.y < upperLip.y && upperLip.y < lowerLip.y && lowerLip.y < chin.y)
        #expect(rightJaw.x < leftJaw.x && rightEye.x < leftEye.x)
        let rightShoulder = try mean("right_shoulder", "BODY"), leftShoulder = try mean("left_shoulder", "BODY"), nose = try mean("nose", "BODY")
        #expect(rightShoulder.x < leftShoulder.x && nose.y < rightShoulder.y)
        #expect(Swift.abs(nose.x - noseTip.x) < 0.1 * (leftShoulder.x - rightShoulder.x) + 2)
        let wrist = try mean("right_wrist", "BODY"), handWrist = try mean("right_hand_0", "RIGHT_HAND")
        #expect(Swift.abs(wrist.x - handWrist.x) + Swift.abs(wrist.y - handWrist.y) < 0.2 * (leftShoulder.x - rightShoulder.x) + 5)
    }

    /// A manifest mixing reduced-holistic-178 (with text), holistic-hands-body-75 (no face, no text)
    /// and a v0.1 reduced file packs into mslu-79 without skipping anything; the 75-point clip's face
    /// and mouth are missing (confidence 0), the reduced clips' nose tip falls back to the upper lip,
    /// and every clip goes through the pre-training pipeline (normalisation) with finite values.
    @Test func mixedHolisticManifestPacksIntoMSLU79() throws {
        let dir = try Fixtures.temporaryDirectory()
        let entries = [
            ManifestEntry(id: "dgs", pose: Fixtures.path(Fixtures.dgsReducedV02), text: "I held my talk in July.", split: "train"),
            ManifestEntry(id: "fs", pose: Fixtures.path(Fixtures.fingerspelling75), label: "Α", split: "train"),
            ManifestEntry(id: "reduced", pose: Fixtures.path(Fixtures.reducedV01), split: "train"),
        ]
        let layout = try PoseLayouts.named("mslu-79")
        let report = try CorpusPacker.pack(CorpusManifest(entries: entries, baseDirectory: "/"), to: dir,
                                           options: .init(layout: layout, strict: true), progress: nil)
        #expect(report.packed == 3 && report.skipped.isEmpty)
        let pack = try ShardPack(directory: dir)
        #expect(pack.layout.name == "mslu-79")
        let face = layout.nonManualIndices
        let noseTip = 11 + 10   // mslu-79: body 0–10 (11 points), then COCO face-0, face-3, …: face-30 is the 11th face point
        #expect(layout.pointName(at: noseTip).point == "face-30")
        var rng = RandomStream(seed: 0)
        for i in 0..<pack.count {
            let clip = try pack.clip(i)
            let seq = try clip.sequence(layout: pack.layout)
            let present = (0..<seq.pointCount).map { p in (0..<seq.frameCount).contains { seq.confidence[$0 * seq.pointCount + p] > 0 } }
            switch clip.metadata.id {
            case "fs":
                #expect(face.allSatisfy { !present[$0] })
                #expect(present[0] && present[5] && present[6])                       // nose, shoulders from POSE 33
            default:
                #expect(!present[0] && present[5] && present[9])                      // reduced POSE keeps no nose
                #expect(present[noseTip] && face.filter { present[$0] }.count >= 22)  // 26 face+mouth points minus nose 27, 33
            }
            let prepared = try PosePipeline(layout: "mslu-79", augmentation: .none, maxFrames: 32).prepare(seq, training: false, rng: &rng)
            #expect(prepared.data.allSatisfy { $0.isFinite && Swift.abs($0) <= 1 })
        }
    }
}
