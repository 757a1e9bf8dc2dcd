import Foundation
import Testing
import SignTensor
import SignPose

@Suite("Uni-Sign preprocessing")
struct PreprocessingTests {
    static let plain = Preprocessing(divideByFrameSize: false, maxFrames: nil)

    /// masa-49 (body: nose, l/r shoulder, l/r elbow, l/r wrist; then left hand 7–27, right hand 28–48), 2 frames.
    static func masaClip() throws -> PoseSequence {
        let l = try PoseLayouts.named("masa-49")
        var d = [Float](repeating: 0, count: 2 * 49 * 2), c = [Float](repeating: 0, count: 2 * 49)
        func set(_ t: Int, _ p: Int, _ x: Float, _ y: Float, _ s: Float) {
            d[(t * 49 + p) * 2] = x; d[(t * 49 + p) * 2 + 1] = y; c[t * 49 + p] = s
        }
        let body0: [(Float, Float, Float)] = [(50, 10, 0.9), (40, 30, 0.9), (60, 30, 0.9), (30, 50, 0.2), (70, 50, 0.9), (35, 70, 0.9), (65, 70, 0.9)]
        for (p, b) in body0.enumerated() {
            set(0, p, b.0, b.1, b.2)
            set(1, p, b.0 + 10, b.1, 0.9)
        }
        for k in 0..<21 {
            set(0, 7 + k, 100 + 3 * Float(k), 200 - 6 * Float(k), k == 4 ? 0.3 : k == 7 ? 1.5 : 0.8)
            set(0, 28 + k, 300 + Float(k), 300 + Float(k), 0.9)
        }
        return try PoseSequence(layout: l, frames: 2, dims: 2, data: d, confidence: c, fps: 25)
    }

    @Test func bodyHandsHandComputed() throws {
        let out = try Self.plain.normalize(try Self.masaClip())
        // Valid body points (score > 0.3) over both frames: x in [35, 80], y in [10, 70] → s = 60,
        // corner = ((35 + 80 − 60)/2, (10 + 70 − 60)/2) = (27.5, 10); p' = ((p − corner)/60 − 0.5)·2.
        func expect(_ t: Int, _ p: Int, _ x: Float, _ y: Float, _ s: Float, _ line: String) {
            let v = out.coordinates(frame: t, point: p)
            #expect(abs(v[0] - x) < 1e-6 && abs(v[1] - y) < 1e-6 && out.confidence(frame: t, point: p) == s, "\(line): \(v)")
        }
        expect(0, 0, -0.25, -1, 0.9, "nose (50, 10): ((22.5/60) − 0.5)·2, ((0/60) − 0.5)·2")
        expect(0, 3, 0, 0, 0, "left elbow, score 0.2 ≤ 0.3: zeroed")
        expect(0, 6, 0.25, 1, 0.9, "right wrist (65, 70)")
        expect(1, 4, 0.75, 1.0 / 3.0, 0.9, "right elbow (80, 50): (52.5/60 − 0.5)·2, (40/60 − 0.5)·2")
        expect(1, 3, -35.0 / 60.0, 1.0 / 3.0, 0.9, "left elbow (40, 50) valid in frame 1: (12.5/60 − 0.5)·2 = −35/60")
        // Left hand relative to its wrist (100, 200), divided by s = 60, clipped to [−1, 1].
        expect(0, 7, 0, 0, 0.8, "left wrist itself")
        expect(0, 7 + 5, 0.25, -0.5, 0.8, "(15, −30)/60")
        expect(0, 7 + 10, 0.5, -1, 0.8, "(30, −60)/60")
        expect(0, 7 + 20, 1, -1, 0.8, "(60, −120)/60 → y clipped")
        expect(0, 7 + 4, 0, 0, 0, "score exactly 0.3 is masked")
        expect(0, 7 + 7, 0.35, -0.7, 1, "score 1.5 clipped to 1; (21, −42)/60")
        expect(0, 28 + 6, 0.1, 0.1, 0.9, "right hand (6, 6)/60")
        expect(1, 28 + 6, 0, 0, 0, "frame 1 hands have score 0")
        #expect(out.dims == 2 && out.layout.name == "masa-49" && out.layout.components.allSatisfy { $0.format == "XYC" })
        // The model input: (x, y, score) per point.
        let t = try out.tensor(points: out.layout.manualIndices)
        #expect(t.shape == [2, 49, 3] && t[0, 0, 0] == -0.25 && t[0, 0, 2] == Float(0.9))
    }

    @Test func faceIsCentredOnTheNoseTip() throws {
        // unisign-69: body 0–8 (COCO 0, 3–10), face 9–17 (jaw) + 18 (COCO 53 = face-30, nose tip), mouth 19–26.
        let l = try PoseLayouts.named("unisign-69")
        #expect(l.pointName(at: 18).point == "face-30")
        var d = [Float](repeating: 0, count: 69 * 2), c = [Float](repeating: 0, count: 69)
        func set(_ p: Int, _ x: Float, _ y: Float, _ s: Float = 0.9) { d[p * 2] = x; d[p * 2 + 1] = y; c[p] = s }
        set(0, 0, 0); set(1, 60, 0); set(2, 0, 60); set(3, 30, 30)        // body box: s = 60
        set(18, 100, 100)                                                // nose tip
        set(9, 106, 88)                                                  // jaw point: (6, −12)/60
        set(19, 103, 109)                                                // inner lip: (3, 9)/60
        let out = try Self.plain.normalize(try PoseSequence(layout: l, frames: 1, dims: 2, data: d, confidence: c, fps: 0))
        #expect(out.coordinates(frame: 0, point: 18) == [0, 0] && out.confidence(frame: 0, point: 18) == Float(0.9))
        let jaw = out.coordinates(frame: 0, point: 9), lip = out.coordinates(frame: 0, point: 19)
        #expect(abs(jaw[0] - 0.1) < 1e-6 && abs(jaw[1] + 0.2) < 1e-6)
        #expect(abs(lip[0] - 0.05) < 1e-6 && abs(lip[1] - 0.15) < 1e-6)
        #expect(out.coordinates(frame: 0, point: 3) == [0, 0])           // ((30/60) − 0.5)·2 = 0 (centre of the box)
    }

    @Test func tooFewBodyPointsOrZeroScaleGiveZeros() throws {
        var clip = try Self.masaClip()
        // Keep only 3 valid body points in the whole clip (frame 0, points 0–2).
        try clip.updateValues { _, c in
            for t in 0..<2 { for p in 0..<7 where t == 1 || p >= 3 { c[t * 49 + p] = 0 } }
        }
        let out = try Self.plain.normalize(clip)
        #expect(out.data.allSatisfy { $0 == 0 } && out.confidence.allSatisfy { $0 == 0 })
        // Every body point at the same place: s = 0.
        var same = try Self.masaClip()
        try same.updateValues { d, _ in for t in 0..<2 { for p in 0..<7 { d[(t * 49 + p) * 2] = 5; d[(t * 49 + p) * 2 + 1] = 5 } } }
        #expect(try Self.plain.normalize(same).confidence.allSatisfy { $0 == 0 })
    }

    @Test func dividingByFrameSizeFirst() throws {
        // (x·W, y·H) with divideByFrameSize equals (x, y) without it.
        let clip = try Self.masaClip()
        var scaled = clip
        scaled.width = 640; scaled.height = 480
        try scaled.updateValues { d, _ in for i in stride(from: 0, to: d.count, by: 2) { d[i] *= 640; d[i + 1] *= 480 } }
        let a = try Preprocessing(divideByFrameSize: true, maxFrames: nil).normalize(scaled)
        let b = try Self.plain.normalize(clip)
        #expect(zip(a.data, b.data).allSatisfy { abs($0 - $1) < 1e-5 } && a.confidence == b.confidence)
        let e = try #require(throws: PoseError.self) { try Preprocessing.uniSign.normalize(clip) }
        #expect(e.kind == .invalidArgument)
    }

    @Test func layoutWithoutBodyIsRejected() throws {
        let l = PoseLayout(name: "custom", components: [PoseComponent(name: "K", format: "XYC", points: ["a", "b"])])
        let s = try PoseSequence(layout: l, frames: 1, dims: 2, data: [1, 2, 3, 4], confidence: [1, 1], fps: 0)
        let e = try #require(throws: PoseError.self) { try Self.plain.normalize(s, file: "k.npy") }
        #expect(e.kind == .missingPart && e.file == "k.npy" && e.reason.contains("has no body"))
    }

    @Test func realFilesNormalizeIntoTheUnitSquare() throws {
        for f in [Fixtures.coco133, Fixtures.phoenix543, Fixtures.reducedV01, Fixtures.openpose, Fixtures.fingerspelling75] {
            let out = try Preprocessing.uniSign.normalize(try PoseFormat.read(Fixtures.path(f)))
            #expect(out.data.allSatisfy { $0 >= -1 && $0 <= 1 }, "\(f)")
            #expect(out.confidence.allSatisfy { $0 == 0 || ($0 > 0.3 && $0 <= 1) }, "\(f)")
            #expect(out.confidence.contains { $0 > 0 }, "\(f)")
        }
    }

    /// Reference values from a one-off numpy session re-typing Uni-Sign's `load_part_kp` / `crop_scale`
    /// (float64) on SOUP.wholebody133.pose divided by its 320×240 frame: per part the sums of x, y and
    /// score over all frames, and frame 7's fourth point of the part (Uni-Sign's part order; the face
    /// sums do not depend on order and its fourth point is COCO-WB 29 in both orders).
    @Test func matchesUniSignReferenceOnARealFile() throws {
        let coco = try PoseFormat.read(Fixtures.path(Fixtures.coco133))
        let out = try Preprocessing.uniSign.normalize(try coco.converted(to: try PoseLayouts.named("unisign-69")))
        let reference: [(String, [Int], [Double], [Float])] = [
            ("body", Array(0..<9), [20.93638180927846, -8.236727073629632, 306.3087383508682], [0.6273006763009346, -0.11983785228826704, 0.7908084392547607]),
            ("left", Array(27..<48), [-124.98138707239582, -11.9068447515346, 523.1118287444115], [-0.1230432770905951, -0.029446209527334854, 0.4838745594024658]),
            ("right", Array(48..<69), [125.15233528177922, -52.16011762649475, 549.232012540102], [0.11357841852000367, -0.11357845707763965, 0.6404675245285034]),
            ("face", Array(9..<27), [3.1477584132761605, 60.92578960897416, 731.3706263303757], [-0.04101437428668368, 0.19771062751267265, 0.9830317497253418]),
        ]
        for (name, idx, sums, point) in reference {
            var sx = 0.0, sy = 0.0, sc = 0.0
            for t in 0..<out.frameCount {
                for p in idx {
                    let v = out.coordinates(frame: t, point: p)
                    sx += Double(v[0]); sy += Double(v[1]); sc += Double(out.confidence(frame: t, point: p))
                }
            }
            #expect(abs(sx - sums[0]) < 1e-3 && abs(sy - sums[1]) < 1e-3 && abs(sc - sums[2]) < 1e-3, "\(name): \(sx) \(sy) \(sc)")
            let v = out.coordinates(frame: 7, point: idx[3]) + [out.confidence(frame: 7, point: idx[3])]
            #expect(zip(v, point).allSatisfy { abs($0 - $1) < 1e-5 }, "\(name): \(v)")
        }
        // Reduced Holistic has no nose tip: its face is centred on face-mesh point 0.
        let reduced = try Preprocessing.uniSign.normalize(try PoseFormat.read(Fixtures.path(Fixtures.reducedV01)))
        let lipCentre = reduced.layout.componentOffsets[1]   // FACE_LANDMARKS '0' is the first reduced face point
        #expect(reduced.layout.pointName(at: lipCentre).point == "0")
        #expect((0..<reduced.frameCount).allSatisfy { reduced.coordinates(frame: $0, point: lipCentre) == [0, 0] })
    }

    @Test func temporalSamplingIsSortedDistinctAndSeeded() throws {
        let p = Preprocessing(maxFrames: 64)
        var r1 = RandomStream(seed: 5), r2 = RandomStream(seed: 5), r3 = RandomStream(seed: 6)
        let a = p.sampleFrames(count: 300, rng: &r1), b = p.sampleFrames(count: 300, rng: &r2)
        #expect(a == b && a != p.sampleFrames(count: 300, rng: &r3))
        #expect(a.count == 64 && Set(a).count == 64 && a == a.sorted() && a.allSatisfy { $0 >= 0 && $0 < 300 })
        #expect(p.sampleFrames(count: 40, rng: &r1) == Array(0..<40))
        let clip = try PoseFormat.read(Fixtures.path(Fixtures.reducedV01))   // 170 frames
        var rng = RandomStream(seed: 1)
        let out = try p.apply(clip, rng: &rng, file: "mediapipe.pose")
        #expect(out.frameCount == 64 && out.fps == clip.fps)
    }

    @Test func codableRoundTrip() throws {
        let p = Preprocessing(scoreThreshold: 0.25, maxFrames: 64)
        let json = try JSONEncoder().encode(p)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"method\":\"unisign\"") && text.contains("\"maxFrames\":64"))
        #expect(try JSONDecoder().decode(Preprocessing.self, from: json) == p)
        #expect(Preprocessing.uniSign == Preprocessing(method: "unisign", scoreThreshold: 0.3, minimumValidBodyPoints: 4,
                                                       divideByFrameSize: true, maxFrames: 256))
    }
}
