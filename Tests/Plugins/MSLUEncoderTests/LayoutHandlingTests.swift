import Testing
import MSLUEncoder
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport

@Suite("MSLU encoder on layouts without parts")
struct MSLULayoutHandlingTests {
    /// holistic-hands-body-75 has no face: the non-manual branch is skipped (no stream) and the fusion
    /// uses the learned absent vector; the manual stream equals that of the same clip on the full
    /// Holistic layout.
    @Test func absentFaceUsesTheLearnedAbsentVector() throws {
        let enc = try MSLUEncoder(config: tinyConfig(), seed: 12)
        enc.eval()
        let full = try randomBatch("mediapipe-holistic-543", lengths: [4, 2], frames: 4, seed: 13)
        let handsBody = try PoseLayouts.named("holistic-hands-body-75")
        let keep = try full.layout.indices(matching: handsBody)
        let poses = try full.poses.indexSelect(axis: 2, indices: keep)
        let batch = try PoseBatch(poses: poses, mask: full.mask, layout: handsBody, ids: full.ids)
        let a = try enc.encode(full), b = try enc.encode(batch)
        #expect(Set(b.streams.keys) == ["manual"])
        #expect(Set(a.streams.keys) == ["manual", "non_manual"])
        #expect(maxAbsDiff(a.streams["manual"]!, b.streams["manual"]!) <= 1e-6)

        // tokens = fusion(concat(manual, absent)) on valid frames.
        let params = Dictionary(uniqueKeysWithValues: enc.namedParameters())
        let absent = params["absent_non_manual"]!
        let d = absent.count
        let manual = b.streams["manual"]!
        let expected = try Tensor.concat([manual, try absent.expanded(to: [2, 4, d])], axis: 2)
            .linear(weight: params["fusion.weight"]!, bias: params["fusion.bias"]!)
        #expect(maxDiffOnValid(b.tokens, expected, mask: batch.mask) <= 1e-5)

        // The absent vector gets the gradient; the non-manual branch gets none.
        enc.train()
        try (try enc.encode(batch).tokens.sum()).backward()
        #expect((absent.grad?.toArray().map(abs).max() ?? 0) > 0)
        #expect(params["non_manual.proj.weight"]!.grad == nil)
        #expect(params["non_manual_gcn.input_proj.weight"]!.grad == nil)
    }

    @Test func missingHandsIsAnErrorNamingLayoutAndPart() throws {
        let enc = try MSLUEncoder(config: tinyConfig(), seed: 14)
        let coco = try PoseLayouts.named("coco-wholebody-133")
        let bodyFace = try coco.selecting(Array(0..<91), name: "coco-body-face-91")
        let batch = try PoseBatch(poses: Tensor.zeros([1, 2, 91, 3]), mask: Tensor.ones([1, 2]), layout: bodyFace, ids: ["x"])
        do {
            _ = try enc.encode(batch)
            Issue.record("encoding a layout without hands must fail")
        } catch {
            let text = "\(error)"
            #expect(text.contains("coco-body-face-91") && text.contains("left hand") && text.contains("right hand"), "\(text)")
        }
        let faceOnly = try coco.selecting(Array(23..<133), name: "coco-no-body")
        let noBody = try PoseBatch(poses: Tensor.zeros([1, 2, 110, 3]), mask: Tensor.ones([1, 2]), layout: faceOnly, ids: ["x"])
        #expect { try enc.encode(noBody) } throws: { "\($0)".contains("coco-no-body") && "\($0)".contains("body") }
    }

    @Test func badInputsAreClearErrors() throws {
        let enc = try MSLUEncoder(config: tinyConfig(), seed: 15)
        let batch = try randomBatch("mslu-79", lengths: [2], frames: 2, seed: 16)
        #expect { try enc.encode(batch, masking: PoseMasking(partTokens: Tensor.zeros([1, 2, 3]))) } throws: {
            "\($0)".contains("partTokens must be [1, 2, 4]")
        }
        #expect { try enc.encode(batch, masking: PoseMasking(joints: Tensor.zeros([1, 2, 78]))) } throws: {
            "\($0)".contains("joints must be [1, 2, 79]")
        }
        let empty = try PoseBatch(poses: batch.poses, mask: Tensor.zeros([1, 2]), layout: batch.layout, ids: ["x"])
        #expect { try enc.encode(empty) } throws: { "\($0)".contains("no valid frame") }
        let xy = try PoseBatch(poses: Tensor.zeros([1, 2, 79, 2]), mask: Tensor.ones([1, 2]), layout: batch.layout, ids: ["x"])
        #expect { try enc.encode(xy) } throws: { "\($0)".contains("2 channels") }
        let learned = try MSLUEncoder(config: tinyConfig { $0.positionEncoding = .learned; $0.maxFrames = 1 }, seed: 17)
        #expect { try learned.encode(batch) } throws: { "\($0)".contains("exceed maxFrames 1") }
    }
}
