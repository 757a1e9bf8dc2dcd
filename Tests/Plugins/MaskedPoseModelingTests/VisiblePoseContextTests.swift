import Testing
import SignCore
import SignTensor
import SignTestSupport
import MaskedPoseModeling

@Suite("VisiblePoseContext")
struct VisiblePoseContextTests {
    /// One clip, 5 frames (the last padding), one point with x = 10·t, y = −t; frames 1 and 2 masked.
    ///   t1: nearest visible t0 (distance 1), other side t3 → ref (0, 0), delta (30, −3), d = −1/8, +2/8,
    ///       interpolation 0 + (1/3)·30 = 10, −1
    ///   t2: nearest t3 (distance 1 after, t0 is 2 before) → ref (30, −3), delta (−30, 3), d = 1/8, −2/8,
    ///       interpolation 30 − 10 = 20, −2
    ///   t0, t3 visible: ref = itself, flag 1; t4 padding: nearest visible t3 (padding is never a source).
    @Test func handExample() throws {
        let poses = Tensor.zeros([1, 5, 1, 3])
        for t in 0..<5 { poses.pointer[3 * t] = Float(10 * t); poses.pointer[3 * t + 1] = -Float(t); poses.pointer[3 * t + 2] = 1 }
        let lossPoints = try Tensor(shape: [1, 5, 1], data: [0, 1, 1, 0, 0])
        let valid = try Tensor(shape: [1, 5], data: [1, 1, 1, 1, 0])
        let c = try VisiblePoseContext(poses: poses, lossPoints: lossPoints, validFrames: valid, points: [0])
        func f(_ t: Int) -> [Float] { (0..<8).map { c.features.pointer[t * 8 + $0] } }
        #expect(f(0) == [0, 0, 1, 1, 0, 0, 0, 0])
        #expect(f(1) == [0, 0, 1, 0, 30, -3, -0.125, 0.25])
        #expect(f(2) == [30, -3, 1, 0, -30, 3, 0.125, -0.25])
        #expect(f(3) == [30, -3, 1, 1, 0, 0, 0, 0])
        #expect(f(4) == [30, -3, 1, 0, 0, 0, -0.125, 0])
        #expect(allClose(c.interpolation, [0, 0, 10, -1, 20, -2, 30, -3, 30, -3], tol: 1e-5))
        #expect(allClose(c.reference, [0, 0, 0, 0, 30, -3, 30, -3, 30, -3], tol: 0))
    }

    /// The reference is exactly the copy-nearest baseline on random masks of a synthetic batch.
    @Test func referenceIsTheCopyNearestBaseline() throws {
        let layout = try tinyLayout()
        let batch = try syntheticBatch(layout: layout, lengths: [12, 9, 12], frames: 12)
        var rng = RandomStream(seed: 3)
        let plan = try MaskSampler(config: MaskedPoseConfig()).sample(batch: batch, rng: &rng)
        let points = PoseDecoder.pointOrder(layout)
        let targets = try MaskedPoseTargets(poses: batch.poses, lossPoints: plan.lossPoints, points: points)
        let c = try VisiblePoseContext(poses: batch.poses, lossPoints: plan.lossPoints, validFrames: batch.mask, points: points)
        let copy = copyNearestUnmaskedLoss(targets: targets, lossPoints: plan.lossPoints, validFrames: batch.mask, points: points)
        #expect(copy > 0 && Swift.abs(weightedL1(c.reference, targets: targets) - copy) < 1e-6)
        #expect(weightedL1(c.interpolation, targets: targets) < copy)   // smooth motion: interpolation is the stronger baseline
    }

    /// No leak: changing the values of masked (frame, point) inputs changes neither the context nor the
    /// decoder's predictions (the fake encoder zeroes masked inputs as the real one does).
    @Test func maskedValuesNeverReachThePrediction() throws {
        let layout = try tinyLayout()
        let batch = try syntheticBatch(layout: layout, lengths: [10, 8], frames: 10)
        var config = MaskedPoseConfig()
        config.decoderDim = 16; config.decoderHeads = 4; config.decoderFFDim = 32; config.decoderLayers = 1; config.dropout = 0
        var rng = RandomStream(seed: 5)
        let mpm = try MaskedPoseModeling(config: config, encoderDim: 8, layout: layout, rng: &rng)
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 8, seed: 1)
        var planRng = RandomStream(seed: 9)
        let plan = try MaskSampler(config: config).sample(batch: batch, rng: &planRng)
        let points = PoseDecoder.pointOrder(layout)
        func predict(_ b: PoseBatch) throws -> Tensor {
            let context = try VisiblePoseContext(poses: b.poses, lossPoints: plan.lossPoints, validFrames: b.mask, points: points)
            return try mpm.decoder(try encoder.encode(b, masking: plan.masking).tokens, keyMask: b.mask, context: context)
        }
        let before = try predict(batch)
        let changed = try PoseBatch(poses: batch.poses.copy(), mask: batch.mask, layout: layout, ids: batch.ids)
        var moved = 0
        for i in 0..<plan.lossPoints.count where plan.lossPoints.pointer[i] > 0 { changed.poses.pointer[3 * i] += 7; changed.poses.pointer[3 * i + 1] -= 4; moved += 1 }
        #expect(moved > 0)
        #expect(try predict(changed).toArray() == before.toArray())
        // Moving a visible value does change the predictions (the context is used).
        let visible = try #require((0..<plan.lossPoints.count).first { plan.lossPoints.pointer[$0] == 0 && batch.mask.pointer[$0 / layout.pointCount] > 0 })
        changed.poses.pointer[3 * visible] += 7
        #expect(try predict(changed).toArray() != before.toArray())
    }
}
