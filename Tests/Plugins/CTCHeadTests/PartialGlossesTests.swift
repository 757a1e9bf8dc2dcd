import Foundation
import CTCHead
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport
import Testing

/// Fine-tuning CTC on batches where only some clips have glosses: the others are dropped.
@Suite("CTC partial glosses")
struct PartialGlossesTests {
    @Test func clipsWithoutGlossesAreDroppedFromTheLossAndEvaluation() throws {
        let layout = try tinyLayout()
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 6, seed: 3)
        let head = try buildHead(#"{"type": "ctc", "downsample": 1, "dim": 8, "layers": 1, "dropout": 0}"#, dim: 6, glosses: 4)
        let objective = try FinetuneObjective(encoder: encoder, head: head, textEncoder: nil)
        var mixed = try syntheticBatch(layout: layout, lengths: [6, 5, 6], frames: 6)
        mixed.partialGlosses = [[0, 1], nil, [2]]
        let out = try objective.compute(mixed, step: 1, training: true)
        var subset = try syntheticBatch(layout: layout, lengths: [6, 5, 6], frames: 6).selecting([0, 2])
        subset.glosses = [[0, 1], [2]]
        let ref = try objective.compute(subset, step: 1, training: true)
        #expect(out.terms["ctc.loss"]!.item.bitPattern == ref.terms["ctc.loss"]!.item.bitPattern)
        mixed.partialGlosses = [nil, nil, nil]
        #expect(try objective.compute(mixed, step: 1, training: true).terms.isEmpty)
        // Evaluation scores only the clips with glosses (3 reference glosses, 2 clips).
        struct One: BatchSource {
            let batch: PoseBatch
            final class It: BatchIterator {
                var batch: PoseBatch?
                init(_ b: PoseBatch) { batch = b }
                func next() throws -> PoseBatch? { defer { batch = nil }; return batch }
            }
            func makeIterator(epoch: Int) throws -> any BatchIterator { It(batch) }
        }
        mixed.partialGlosses = [[0, 1], nil, [2]]
        let metrics = try objective.evaluate(One(batch: mixed)).metrics
        #expect(metrics["clips"] == 2 && metrics["reference_glosses"] == 3)
    }
}
