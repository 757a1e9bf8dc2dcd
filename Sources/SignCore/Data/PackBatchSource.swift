import Foundation
import SignPose
import SignTensor

/// Batches for training or evaluation from a shard pack: the pack's stream (shuffled per
/// (seed, epoch), bucketed by length, filtered by split) → the recipe's `PosePipeline` (layout
/// subset, normalization, augmentation when training, frame cap) → a padded `PoseBatch`.
///
/// Augmentation and frame sampling draw from a stream seeded by (seed, epoch, batch number), so
/// the same epoch gives the same batches and a resumed run can skip ahead exactly.
public struct PackBatchSource: BatchSource {
    public let pack: ShardPack
    public let pipeline: PosePipeline
    public let batchSize: Int
    public let splits: Set<String>?
    public let training: Bool
    public let seed: UInt64
    /// Class names for `PoseBatch.labels` (the pack's label list unless the caller fixes one, e.g.
    /// a fine-tuned checkpoint's labels). A clip whose label is not in it gets -100 (ignored).
    /// Texts and glosses: `PoseBatch.texts` / `glosses` when every clip of the batch has them,
    /// `partialTexts` / `partialGlosses` when only some do.
    public let labelNames: [String]
    /// Gloss vocabulary for `PoseBatch.glosses` (nil: no gloss ids).
    public let glossVocabulary: [String: Int]?
    public let outputLayout: PoseLayout

    public init(pack: ShardPack, pipeline: PosePipeline, batchSize: Int, splits: Set<String>?, training: Bool, seed: UInt64,
                labelNames: [String]? = nil, glossVocabulary: [String: Int]? = nil) throws {
        self.pack = pack; self.pipeline = pipeline; self.batchSize = batchSize; self.splits = splits
        self.training = training; self.seed = seed
        self.labelNames = labelNames ?? pack.header.labels
        self.glossVocabulary = glossVocabulary
        outputLayout = try pipeline.layout.map { try PoseLayouts.named($0) } ?? pack.layout
        for part in [PosePart.body, .leftHand, .rightHand] where !outputLayout.has(part) {
            throw RecipeError(path: "data.layout", message: "layout \(outputLayout.name) has no \(part.rawValue) points")
        }
    }

    public func makeIterator(epoch: Int) throws -> any BatchIterator {
        let options = StreamOptions(seed: seed, shuffle: training, splits: splits, batching: .clips(batchSize),
                                    bucketByLength: training, dropLast: false)
        return Iterator(source: self, stream: try CorpusStream(pack: pack, options: options, epoch: epoch), epoch: epoch)
    }

    final class Iterator: BatchIterator {
        let source: PackBatchSource, stream: CorpusStream, epoch: Int
        init(source: PackBatchSource, stream: CorpusStream, epoch: Int) { self.source = source; self.stream = stream; self.epoch = epoch }
        deinit { stream.cancel() }

        func next() throws -> PoseBatch? {
            guard let raw = try stream.next() else { return nil }
            let s = source
            var rng = RandomStream(seed: s.seed).derived(UInt64(epoch) << 32 | UInt64(raw.number))
            var clips: [PoseSequence] = []
            for clip in raw.clips {
                clips.append(try s.pipeline.prepare(try clip.sequence(layout: s.pack.layout), training: s.training, rng: &rng, file: clip.id))
            }
            let (poses, mask) = try s.pipeline.collator.collate(clips, training: s.training, rng: &rng)   // clips are prepared once
            let meta = raw.clips.map(\.metadata)
            let clipTexts: [String?]? = meta.contains { $0.text != nil } ? meta.map(\.text) : nil
            let languages = meta.allSatisfy { $0.language != nil } ? meta.map { $0.language! } : nil
            let labelIndex = Dictionary(uniqueKeysWithValues: s.labelNames.enumerated().map { ($1, $0) })
            let labels = s.labelNames.isEmpty ? nil : meta.map { $0.label.flatMap { labelIndex[$0] } ?? -100 }
            let someGlosses = s.glossVocabulary.map { vocab in meta.map { $0.glosses?.map { vocab[$0] ?? vocab["<unk>"] ?? 0 } } }
            let glosses = someGlosses.flatMap { g in g.allSatisfy { $0 != nil } ? g.map { $0! } : nil }
            return try PoseBatch(poses: poses, mask: mask, layout: s.outputLayout, ids: meta.map(\.id),
                                 languages: languages, labels: labels, glosses: glosses,
                                 clipTexts: clipTexts,
                                 partialGlosses: glosses == nil && someGlosses?.contains { $0 != nil } == true ? someGlosses : nil)
        }
    }
}

/// Opens `--data`: a shard pack folder as is, or a JSONL manifest packed once into `cache`
/// (reused while the manifest is unchanged) — bad clips are skipped and reported.
public enum TrainingData {
    public static func openPack(_ path: String, cache: URL, layout: String?, log: (String) -> Void) throws -> ShardPack {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw RecipeError(path: path, message: "no such file or folder")
        }
        if isDir.boolValue { return try ShardPack(directory: path) }
        let manifest = try CorpusManifest.read(URL(fileURLWithPath: path))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var stamp: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a of the manifest bytes (stable across runs)
        for b in bytes { stamp = (stamp ^ UInt64(b)) &* 0x100_0000_01b3 }
        let marker = cache.appendingPathComponent("manifest.stamp")
        if let old = try? String(contentsOf: marker, encoding: .utf8), old == "\(path) \(stamp)", let pack = try? ShardPack(directory: cache.path) {
            return pack
        }
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let report = try CorpusPacker.pack(manifest, to: cache.path, options: .init(layout: try layout.map { try PoseLayouts.named($0) }, shardBytes: 256 << 20, strict: false), progress: nil)
        log("packed \(path) → \(cache.path): \(report.packed) clips, \(report.frames) frames"
            + (report.skipped.isEmpty ? "" : "; skipped \(report.skipped.count) bad entries:\n" + report.skipped.map { "  \($0)" }.joined(separator: "\n")))
        try "\(path) \(stamp)".write(to: marker, atomically: true, encoding: .utf8)
        return try ShardPack(directory: cache.path)
    }
}
