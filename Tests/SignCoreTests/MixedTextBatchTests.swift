import Foundation
import Testing
import SignCore
import SignPose
import SignTensor
import SignTestSupport

/// Packs mixing clips with and without text (unlabelled poses next to captioned sentences): the
/// batches carry every clip, with per-clip optional texts.
@Suite("Mixed text batches")
struct MixedTextBatchTests {
    @Test func packBatchesCarryPerClipOptionalTexts() throws {
        let dir = try makeTemporaryDirectory("mixed-text")
        let generator = try SyntheticSignGenerator(signs: 3, signers: 3, seed: 4)
        let layout = try PoseLayouts.named("coco-wholebody-133")
        let writer = try ShardPackWriter(directory: dir.path, layout: layout, shardBytes: 1 << 20)
        let texts: [String?] = ["one", nil, "three", nil, nil, "six"]
        for (i, text) in texts.enumerated() {
            try writer.append(try generator.isolated(sign: i % 3, signer: i % 2, take: i, layout: layout),
                              metadata: ClipMetadata(id: "clip\(i)", text: text, fps: 25, width: 512, height: 512))
        }
        _ = try writer.finish()
        let pack = try ShardPack(directory: dir.path)
        let source = try PackBatchSource(pack: pack, pipeline: PosePipeline(layout: "mslu-79", augmentation: .none, maxFrames: 16),
                                         batchSize: 6, splits: nil, training: false, seed: 0)
        let batch = try #require(try source.makeIterator(epoch: 0).next())
        #expect(batch.size == 6)
        let byID = Dictionary(uniqueKeysWithValues: zip(batch.ids, try #require(batch.clipTexts)))
        for (i, text) in texts.enumerated() { #expect(byID["clip\(i)"]! == text) }
        #expect(batch.texts == nil)                          // the all-or-nothing view heads read
        #expect(batch.textIndices.map { batch.ids[$0] }.sorted() == ["clip0", "clip2", "clip5"])

        // Setting `texts` sets `clipTexts`; a batch where every clip has text reads back through both.
        var all = batch
        all.texts = batch.ids
        #expect(all.texts == batch.ids && all.textIndices == Array(0..<6))
        all.texts = nil
        #expect(all.clipTexts == nil && all.textIndices.isEmpty)
        #expect(throws: TensorError.self) {
            _ = try PoseBatch(poses: batch.poses, mask: batch.mask, layout: batch.layout, ids: batch.ids, clipTexts: [nil])
        }
    }
}
