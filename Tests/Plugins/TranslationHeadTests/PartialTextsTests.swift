import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport
import Testing
import TranslationHead

/// Fine-tuning translation on batches where only some clips have a text: the others are dropped.
@Suite("Translation partial texts")
struct PartialTextsTests {
    @Test func clipsWithoutTextAreDroppedFromTheLoss() throws {
        let layout = try PoseLayouts.named("masa-49")
        let objective = try FinetuneObjective(encoder: FakePoseEncoder(points: layout.pointCount, dim: 6, seed: 3), head: try tinyHead(),
                                              textEncoder: nil)
        var mixed = try syntheticBatch(layout: layout, lengths: [4, 3, 5], frames: 5)
        mixed.partialTexts = ["a b c", nil, "b c d e"]
        let out = try objective.compute(mixed, step: 1, training: true)
        var subset = try syntheticBatch(layout: layout, lengths: [4, 3, 5], frames: 5).selecting([0, 2])
        subset.texts = ["a b c", "b c d e"]
        let ref = try objective.compute(subset, step: 1, training: true)
        let ce = try #require(out.terms["translation.ce"])
        #expect(ce.item.isFinite && ce.item.bitPattern == ref.terms["translation.ce"]!.item.bitPattern)
        mixed.partialTexts = [nil, nil, nil]
        let none = try objective.compute(mixed, step: 1, training: true)
        #expect(none.terms.isEmpty && none.metrics["translation.skipped_clips"] == 3)
    }
}
