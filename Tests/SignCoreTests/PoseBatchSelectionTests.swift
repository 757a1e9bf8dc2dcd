import Foundation
import Testing
import SignCore
import SignPose
import SignTensor
import SignTestSupport

@Suite("PoseBatch selection")
struct PoseBatchSelectionTests {
    /// 3 clips × 4 frames on a 3-point layout; clip b has lengths[b] valid frames, pose values 100b + 10t + p.
    func batch() throws -> PoseBatch {
        let layout = try PoseLayouts.named("coco-wholebody-133").selecting([0, 5, 6], name: "tiny-3")
        let lengths = [2, 4, 1]
        let poses = Tensor.zeros([3, 4, 3, 3]), mask = Tensor.zeros([3, 4])
        for b in 0..<3 {
            for t in 0..<lengths[b] {
                mask.pointer[b * 4 + t] = 1
                for p in 0..<3 { poses.pointer[((b * 4 + t) * 3 + p) * 3] = Float(100 * b + 10 * t + p) }
            }
        }
        return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: ["a", "b", "c"], languages: ["x", "y", "z"],
                             labels: [4, -100, 7], partialTexts: ["text a", nil, "text c"], partialGlosses: [[1], nil, [2, 3]])
    }

    @Test func annotatedRowsFollowTheHeadTarget() throws {
        let b = try batch()
        #expect(b.annotatedRows(for: .label) == [0, 2])
        #expect(b.annotatedRows(for: .text) == [0, 2])
        #expect(b.annotatedRows(for: .glosses) == [0, 2])
        #expect(b.annotatedRows(for: .none) == nil)
        var complete = b
        complete.texts = ["1", "2", "3"]; complete.partialTexts = nil; complete.labels = nil
        #expect(complete.annotatedRows(for: .text) == [0, 1, 2])
        #expect(complete.annotatedRows(for: .label) == nil)
    }

    @Test func selectingKeepsAnnotationsInOrderAndTrimsPadding() throws {
        let s = try batch().selecting([2, 0])
        #expect(s.ids == ["c", "a"] && s.labels == [7, 4] && s.languages == ["z", "x"])
        #expect(s.texts == ["text c", "text a"] && s.partialTexts == nil)
        #expect(s.glosses == [[2, 3], [1]] && s.partialGlosses == nil)
        // Clips of 1 and 2 frames: the batch keeps 2 frames.
        #expect(s.poses.shape == [2, 2, 3, 3] && s.mask.toArray() == [1, 0, 1, 1])
        #expect(s.poses.pointer[0] == 200 && s.poses.pointer[((1 * 2 + 1) * 3 + 2) * 3] == 12)
        let unlabelled = try batch().selecting([1, 0])
        #expect(unlabelled.texts == nil && unlabelled.partialTexts! == ["text b", "text a"].map { $0 == "text b" ? nil : $0 })
        #expect(unlabelled.frames == 4)
        #expect(throws: TensorError("PoseBatch.selecting", "no rows selected from a batch of 3")) { try batch().selecting([]) }
        #expect(throws: TensorError("PoseBatch.selecting", "row 3 is outside a batch of 3")) { try batch().selecting([0, 3]) }
    }
}
