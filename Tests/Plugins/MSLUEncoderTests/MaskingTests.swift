import Testing
import MSLUEncoder
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport

@Suite("MSLU encoder masking and mirroring")
struct MSLUMaskingTests {
    /// Changing the poses of padded frames changes no valid output, in eval mode and in training mode
    /// (BatchNorm statistics come from valid frames only; dropout off so runs compare).
    @Test(arguments: [false, true]) func paddedFramesDoNotLeak(training: Bool) throws {
        let enc = try MSLUEncoder(config: tinyConfig { $0.temporalConv = true; $0.temporalKernel = 3 }, seed: 3)
        enc.train(training)
        let batch = try randomBatch("mslu-79", lengths: [6, 4, 1], frames: 6, seed: 4)
        let other = batch.poses.copy()
        let p = batch.layout.pointCount * 3
        var rng = RandomStream(seed: 5)
        for b in 0..<3 { for f in 0..<6 where batch.mask[b, f] == 0 {
            for j in 0..<p { other.pointer[(b * 6 + f) * p + j] = rng.normal() * 5 }
        } }
        let a = try enc.encode(batch)
        let c = try enc.encode(try replacingPoses(batch, other))
        #expect(maxAbsDiff(a.tokens, c.tokens) == 0)
        #expect(maxAbsDiff(a.pooled, c.pooled) == 0)
        #expect(maxAbsDiff(a.streams["manual"]!, c.streams["manual"]!) == 0)
        // …while a change in a valid frame does change the outputs.
        other.pointer[0] += 1
        let d = try enc.encode(try replacingPoses(batch, other))
        #expect(maxDiffOnValid(a.tokens, d.tokens, mask: batch.mask) > 1e-4)
    }

    /// Masking one part token of one frame changes that token only; the other branch and the other
    /// clip stay exactly as they were.
    @Test func partTokenMaskingChangesOnlyItsPart() throws {
        let enc = try MSLUEncoder(config: tinyConfig(), seed: 6)
        enc.eval()
        let batch = try randomBatch("mslu-79", lengths: [4, 4], frames: 4, seed: 7)
        let plain = try enc.partTokens(batch, masking: nil)
        let base = try enc.encode(batch)

        let m = Tensor.zeros([2, 4, 4])
        m.pointer[(0 * 4 + 2) * 4 + PartToken.leftHand.rawValue] = 1      // clip 0, frame 2, left hand
        let masking = PoseMasking(partTokens: m)
        let parts = try enc.partTokens(batch, masking: masking)
        let w = plain.body.shape[1]
        let maskRow = try #require(enc.namedParameters().first { $0.0 == "mask_token" }?.1)
        for j in 0..<w {
            #expect(parts.leftHand[2, j] == maskRow[PartToken.leftHand.rawValue, j])
        }
        #expect(maxAbsDiff(parts.body, plain.body) == 0)
        #expect(maxAbsDiff(parts.rightHand, plain.rightHand) == 0)
        #expect(maxAbsDiff(parts.nonManual!, plain.nonManual!) == 0)
        for r in 0..<8 where r != 2 { for j in 0..<w { #expect(parts.leftHand[r, j] == plain.leftHand[r, j]) } }

        let out = try enc.encode(batch, masking: masking)
        #expect(maxAbsDiff(out.streams["non_manual"]!, base.streams["non_manual"]!) == 0)
        #expect(maxAbsDiff(out.streams["manual"]!, base.streams["manual"]!) > 1e-4)
        let clip1Before = try base.tokens.slice(axis: 0, start: 1, end: 2), clip1After = try out.tokens.slice(axis: 0, start: 1, end: 2)
        #expect(maxAbsDiff(clip1Before, clip1After) == 0)

        // A non-manual mask leaves the manual stream alone.
        let n = Tensor.zeros([2, 4, 4])
        n.pointer[(1 * 4 + 0) * 4 + PartToken.nonManual.rawValue] = 1
        let outN = try enc.encode(batch, masking: PoseMasking(partTokens: n))
        #expect(maxAbsDiff(outN.streams["manual"]!, base.streams["manual"]!) == 0)
        #expect(maxAbsDiff(outN.streams["non_manual"]!, base.streams["non_manual"]!) > 1e-4)
    }

    /// Joint masking zeroes exactly the masked keypoints' inputs.
    @Test func jointMaskingEqualsZeroedInputs() throws {
        let enc = try MSLUEncoder(config: tinyConfig(), seed: 8)
        enc.eval()
        let batch = try randomBatch("mslu-79", lengths: [3, 2], frames: 3, seed: 9)
        let joints = Tensor.zeros([2, 3, 79])
        let zeroed = batch.poses.copy()
        for (b, f, p) in [(0, 0, 5), (0, 2, 40), (1, 1, 70), (1, 0, 20)] {
            joints.pointer[(b * 3 + f) * 79 + p] = 1
            for c in 0..<3 { zeroed.pointer[((b * 3 + f) * 79 + p) * 3 + c] = 0 }
        }
        let masked = try enc.encode(batch, masking: PoseMasking(joints: joints))
        let reference = try enc.encode(try replacingPoses(batch, zeroed))
        #expect(maxAbsDiff(masked.tokens, reference.tokens) == 0)
        #expect(maxDiffOnValid(masked.tokens, try enc.encode(batch).tokens, mask: batch.mask) > 1e-4)
    }

    /// Mirroring every point (x ↦ −x) and swapping the hands swaps the two hand tokens exactly: the
    /// shared hand GCN sees each hand as a right hand.
    @Test(arguments: [false, true]) func mirroredInputSwapsHandTokens(training: Bool) throws {
        let enc = try MSLUEncoder(config: tinyConfig(), seed: 10)
        enc.train(training)
        let batch = try randomBatch("mslu-79", lengths: [5, 3], frames: 5, seed: 11)
        let layout = batch.layout
        let left = layout.indices(of: .leftHand)!, right = layout.indices(of: .rightHand)!
        var source = Array(0..<layout.pointCount)
        for (l, r) in zip(left, right) { source[l] = r; source[r] = l }
        let mirrored = Tensor(uninitializedShape: batch.poses.shape)
        for row in 0..<(2 * 5) { for p in 0..<layout.pointCount { for c in 0..<3 {
            let v = batch.poses.pointer[(row * layout.pointCount + source[p]) * 3 + c]
            mirrored.pointer[(row * layout.pointCount + p) * 3 + c] = c == 0 ? -v : v
        } } }
        let a = try enc.partTokens(batch, masking: nil)
        let b = try enc.partTokens(try replacingPoses(batch, mirrored), masking: nil)
        #expect(maxAbsDiff(a.leftHand, b.rightHand) <= 1e-5)
        #expect(maxAbsDiff(a.rightHand, b.leftHand) <= 1e-5)
        #expect(maxAbsDiff(a.leftHand, a.rightHand) > 1e-3)
    }
}
