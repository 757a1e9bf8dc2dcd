import Foundation
import Testing
import SignTensor
import SignPose

@Suite("Pose collation and pipeline")
struct PoseCollatorTests {
    /// A 3-point clip whose point p at frame t is (100·clip + t, p, 0.5 + 0.1·p).
    static func clip(_ id: Int, frames: Int) throws -> PoseSequence {
        let l = PoseLayout(name: "tri", components: [PoseComponent(name: "P", format: "XYC", points: ["a", "b", "c"])])
        var d = [Float](), c = [Float]()
        for t in 0..<frames {
            for p in 0..<3 { d += [Float(100 * id + t), Float(p)]; c.append(0.5 + 0.1 * Float(p)) }
        }
        return try PoseSequence(layout: l, frames: frames, dims: 2, data: d, confidence: c, fps: 25)
    }

    @Test func shapesMasksAndPadding() throws {
        var rng = RandomStream(seed: 1)
        let clips = [try Self.clip(0, frames: 4), try Self.clip(1, frames: 7), try Self.clip(2, frames: 2)]
        let (poses, mask) = try PoseCollator(maxFrames: 10).collate(clips, training: true, rng: &rng)
        #expect(poses.shape == [3, 7, 3, 3] && mask.shape == [3, 7])
        #expect(mask.toArray() == [1, 1, 1, 1, 0, 0, 0,
                                   1, 1, 1, 1, 1, 1, 1,
                                   1, 1, 0, 0, 0, 0, 0])
        #expect(poses[1, 5, 2, 0] == 105 && poses[1, 5, 2, 1] == 2 && poses[1, 5, 2, 2] == Float(0.5 + 0.1 * 2))
        #expect(poses[0, 3, 1, 0] == 3 && poses[2, 1, 0, 0] == 201)
        // Padding frames are all zeros.
        for (b, len) in [(0, 4), (2, 2)] {
            for t in len..<7 { for p in 0..<3 { for ch in 0..<3 { #expect(poses[b, t, p, ch] == 0) } } }
        }
        // Equal to each clip's (x, y, score) tensor.
        let x = try clips[0].tensor()
        #expect(Array(poses.toArray()[0..<36]) == x.toArray())
    }

    @Test func evaluationSamplesUniformly() throws {
        #expect(FrameSampling.uniform(count: 100, frames: 10) == [0, 11, 22, 33, 44, 55, 66, 77, 88, 99])
        #expect(FrameSampling.uniform(count: 10, frames: 4) == [0, 3, 6, 9])
        // 7 frames → 5: k·6/4 = 0, 1.5, 3, 4.5, 6 → halves rounded up.
        #expect(FrameSampling.uniform(count: 7, frames: 5) == [0, 2, 3, 5, 6])
        #expect(FrameSampling.uniform(count: 5, frames: 1) == [2])
        var rng = RandomStream(seed: 3)
        #expect(FrameSampling.indices(count: 6, maxFrames: 8, training: true, rng: &rng) == Array(0..<6))
        #expect(FrameSampling.indices(count: 6, maxFrames: nil, training: false, rng: &rng) == Array(0..<6))

        let clips = [try Self.clip(0, frames: 7), try Self.clip(1, frames: 3)]
        var r1 = RandomStream(seed: 1), r2 = RandomStream(seed: 99)
        let (a, mask) = try PoseCollator(maxFrames: 5).collate(clips, training: false, rng: &r1)
        let (b, _) = try PoseCollator(maxFrames: 5).collate(clips, training: false, rng: &r2)
        #expect(a.shape == [2, 5, 3, 3] && a.toArray() == b.toArray(), "evaluation does not depend on the stream")
        #expect((0..<5).map { a[0, $0, 0, 0] } == [0, 2, 3, 5, 6])
        #expect((0..<3).map { a[1, $0, 0, 0] } == [100, 101, 102] && a[1, 3, 0, 0] == 0)
        #expect(mask.toArray() == [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    }

    @Test func trainingSamplesARandomSortedSubset() throws {
        let clips = [try Self.clip(0, frames: 40)]
        var seen = Set<[Float]>()
        for seed in 0..<5 {
            var rng = RandomStream(seed: UInt64(seed))
            let (p, m) = try PoseCollator(maxFrames: 8).collate(clips, training: true, rng: &rng)
            let frames = (0..<8).map { p[0, $0, 0, 0] }
            #expect(frames == frames.sorted() && Set(frames).count == 8 && frames.allSatisfy { $0 >= 0 && $0 < 40 })
            #expect(m.toArray() == [Float](repeating: 1, count: 8))
            seen.insert(frames)
            var again = RandomStream(seed: UInt64(seed))
            #expect(try PoseCollator(maxFrames: 8).collate(clips, training: true, rng: &again).poses.toArray() == p.toArray())
        }
        #expect(seen.count == 5)
    }

    @Test func badBatchesAreRejected() throws {
        var rng = RandomStream(seed: 1)
        #expect(throws: PoseError.self) { try PoseCollator().collate([], training: false, rng: &rng) }
        let coco = try PoseIO.read(Fixtures.path(Fixtures.coco133))
        #expect(throws: PoseError.self) { try PoseCollator().collate([try Self.clip(0, frames: 3), coco], training: false, rng: &rng) }
        #expect(throws: PoseError.self) { try PoseCollator(maxFrames: 0).collate([coco], training: false, rng: &rng) }
        #expect(throws: PoseError.self) { try PoseCollator(coordinateDims: 3).collate([coco], training: false, rng: &rng) }
        // Choosing 1 coordinate: C = 2 (x, score).
        let (p, _) = try PoseCollator(coordinateDims: 1).collate([coco], training: false, rng: &rng)
        #expect(p.shape == [1, 41, 133, 2] && p[0, 0, 5, 1] == coco.confidence(frame: 0, point: 5))
    }

    @Test func pipelineSelectsNormalisesAndCaps() throws {
        let raw = try PoseIO.read(Fixtures.path(Fixtures.coco133))
        let pipe = PosePipeline(preprocessing: .uniSign, layout: "mslu-79", augmentation: .default, maxFrames: 16)
        var rng = RandomStream(seed: 5)
        let eval = try pipe.prepare(raw, training: false, rng: &rng)
        // Evaluation: no augmentation; mslu-79 points, normalised, 16 evenly spaced frames of 41.
        let expected = try Preprocessing.uniSign.normalize(try raw.converted(toLayoutNamed: "mslu-79"))
            .selectingFrames(FrameSampling.uniform(count: 41, frames: 16))
        #expect(eval == expected)
        #expect(eval.layout.name == "mslu-79" && eval.pointCount == 79 && eval.frameCount == 16)

        var r1 = RandomStream(seed: 5), r2 = RandomStream(seed: 5)
        let t1 = try pipe.prepare(raw, training: true, rng: &r1), t2 = try pipe.prepare(raw, training: true, rng: &r2)
        #expect(t1 == t2 && t1 != eval && t1.frameCount <= 16)

        var r3 = RandomStream(seed: 6)
        let (poses, mask) = try pipe.batch([raw, try raw.selectingFrames(Array(0..<10))], training: false, rng: &r3)
        #expect(poses.shape == [2, 16, 79, 3] && mask.toArray().reduce(0, +) == 26)
        #expect(Array(poses.toArray()[0..<(16 * 79 * 3)]) == (try expected.tensor()).toArray())

        let json = try JSONEncoder().encode(pipe)
        #expect(try JSONDecoder().decode(PosePipeline.self, from: json) == pipe)
        #expect(throws: PoseError.self) {
            var r = RandomStream(seed: 1)
            _ = try PosePipeline(layout: "mslu-79").prepare(try PoseIO.read(Fixtures.path(Fixtures.openpose)), training: false, rng: &r)
        }
    }
}
