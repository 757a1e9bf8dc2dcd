import Foundation
import Testing
import SignTensor
import SignPose

@Suite("Corpus pack and stream")
struct CorpusPackTests {
    @Test func packStreamRoundTrip() throws {
        // 40 clips, shards of at most 64 KiB: several shards.
        let (dir, packDir) = try CorpusFixtures.packed(count: 40, shardBytes: 64 << 10)
        let manifest = try CorpusManifest.read(URL(fileURLWithPath: dir + "/corpus.jsonl"))
        let pack = try ShardPack(directory: packDir)
        #expect(pack.count == 40)
        #expect(pack.header.shards.count > 3)
        #expect(pack.layout.name == "mslu-79" && pack.layout.pointCount == 79)
        #expect(pack.header.labels == ["class0", "class1", "class2", "class3", "class4"])
        #expect(pack.header.splits == ["train", "dev", "test"])
        for e in pack.header.shards { #expect(e.bytes <= 64 << 10) }

        var seen = Set<Int>()
        let stream = try CorpusStream(pack: pack, options: StreamOptions(seed: 3, batching: .clips(7)), epoch: 0)
        while let batch = try stream.next() {
            for clip in batch.clips {
                #expect(seen.insert(clip.index).inserted)
                let entry = manifest.entries[clip.index]
                let seq = try PoseIO.read(manifest.posePath(of: entry))
                let m = clip.metadata
                #expect(m.id == entry.id && m.text == entry.text && m.language == entry.language && m.label == entry.label)
                #expect(m.glosses == entry.glosses && m.split == entry.split)
                #expect(m.fps == 25 && m.width == 1920 && m.height == 1080 && m.sourceStart == 0)
                #expect(clip.labelIndex == clip.index % 5)
                #expect(clip.frames == seq.frameCount && clip.points == 79 && clip.values.count == seq.frameCount * 79 * 3)
                var worst: Float = 0
                for k in 0..<(seq.frameCount * 79) {
                    let x = seq.data[k * seq.dims], y = seq.data[k * seq.dims + 1], c = seq.confidence[k]
                    worst = max(worst, abs(clip.values[3 * k] - x) / HalfFloat.tolerance(x),
                                abs(clip.values[3 * k + 1] - y) / HalfFloat.tolerance(y),
                                abs(clip.values[3 * k + 2] - c) / HalfFloat.tolerance(c))
                }
                #expect(worst <= 1, "clip \(clip.index): error \(worst) × the float16 half-ulp bound")
                // As a PoseSequence.
                let back = try clip.sequence(layout: pack.layout)
                #expect(back.frameCount == seq.frameCount && back.dims == 2 && back.confidence(frame: 0, point: 5) == clip.values[5 * 3 + 2])
            }
        }
        #expect(seen == Set(0..<40))
        // Random access gives the same clip.
        let c7 = try pack.clip(7)
        #expect(c7.id == "clip-7" && c7.frames == 10 + (7 * 37) % 90)
    }

    @Test func frameRangeAndLayoutConversion() throws {
        let dir = try Fixtures.temporaryDirectory()
        // A COCO-WholeBody fixture converted to mslu-79, cut to [2, 9); and the same file whole.
        let m = CorpusManifest(entries: [
            ManifestEntry(id: "soup-cut", pose: Fixtures.path(Fixtures.coco133), label: "SOUP", start: 2, end: 9),
            ManifestEntry(id: "soup", pose: Fixtures.path(Fixtures.coco133), label: "SOUP"),
        ], baseDirectory: dir)
        let mslu = try PoseLayouts.named("mslu-79")
        let report = try CorpusPacker.pack(m, to: dir + "/pack", options: .init(layout: mslu))
        #expect(report.packed == 2 && report.skipped.isEmpty)
        let pack = try ShardPack(directory: dir + "/pack")
        let source = try PoseIO.read(Fixtures.path(Fixtures.coco133), layout: mslu)
        let cut = try pack.clip(0), whole = try pack.clip(1)
        #expect(cut.frames == 7 && cut.metadata.sourceStart == 2 && whole.frames == source.frameCount)
        for t in 0..<7 {
            for p in [0, 20, 78] {
                let v = source.coordinates(frame: t + 2, point: p)
                let k = (t * 79 + p) * 3
                #expect(abs(cut.values[k] - v[0]) <= HalfFloat.tolerance(v[0]) && abs(cut.values[k + 1] - v[1]) <= HalfFloat.tolerance(v[1]))
                #expect(cut.values[k] == whole.values[k + 2 * 79 * 3])
            }
        }
    }

    @Test func badFilesAreSkippedAndListed() throws {
        let dir = try Fixtures.temporaryDirectory()
        var manifest = try CorpusFixtures.corpus(in: dir, count: 6)
        // Missing file, garbage bytes, truncated file, another layout, frame range past the end.
        try Data("not a pose file at all".utf8).write(to: URL(fileURLWithPath: dir + "/garbage.pose"))
        let good = try Data(contentsOf: URL(fileURLWithPath: dir + "/poses/clip0.pose"))
        try good.prefix(good.count - 100).write(to: URL(fileURLWithPath: dir + "/truncated.pose"))
        manifest.entries += [
            ManifestEntry(id: "missing", pose: "nowhere.pose"),
            ManifestEntry(id: "garbage", pose: "garbage.pose"),
            ManifestEntry(id: "truncated", pose: "truncated.pose"),
            ManifestEntry(id: "holistic", pose: Fixtures.path(Fixtures.holistic586)),
            ManifestEntry(id: "range", pose: "poses/clip1.pose", start: 5, end: 500),
        ]
        let report = try CorpusPacker.pack(manifest, to: dir + "/pack")
        #expect(report.packed == 6)
        #expect(report.skipped.map(\.id) == ["missing", "garbage", "truncated", "holistic", "range"])
        #expect(report.skipped[0].reason.contains("no such file"))
        #expect(report.skipped[2].reason.contains("truncated"))
        #expect(report.skipped[3].reason.contains("differs from the corpus layout mslu-79"))
        #expect(report.skipped[4].reason.contains("frame range [5, 500)"))
        #expect(report.skipped.allSatisfy { $0.reason.contains($0.pose) || $0.reason.contains("nowhere.pose") })
        #expect(try ShardPack(directory: dir + "/pack").count == 6)

        // Strict: refused, listing every bad entry, and nothing written.
        do {
            _ = try CorpusPacker.pack(manifest, to: dir + "/strict", options: .init(strict: true))
            Issue.record("strict packing accepted bad files")
        } catch let e as CorpusPacker.StrictFailure {
            #expect(e.skipped.map(\.id) == ["missing", "garbage", "truncated", "holistic", "range"])
            #expect(e.description.hasPrefix("refusing to pack (--strict): 5 of 11 entries are bad"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/strict"))
    }

    @Test func repackReplacesOldFilesAtomically() throws {
        let (dir, packDir) = try CorpusFixtures.packed(count: 5)
        let first = try ShardPack(directory: packDir).header.packID
        let manifest = try CorpusManifest.read(URL(fileURLWithPath: dir + "/corpus.jsonl"))
        var fewer = manifest
        fewer.entries.removeLast(2)
        // An aborted writer leaves the old pack intact.
        let w = try ShardPackWriter(directory: packDir, layout: CorpusFixtures.layout)
        try w.append(try CorpusFixtures.sequence(frames: 4, seed: 9), metadata: ClipMetadata(id: "x", fps: 25))
        w.abort()
        #expect(try ShardPack(directory: packDir).count == 5)
        _ = try CorpusPacker.pack(fewer, to: packDir)
        let pack = try ShardPack(directory: packDir)
        #expect(pack.count == 3 && pack.header.packID != first)
        let files = try FileManager.default.contentsOfDirectory(atPath: packDir).sorted()
        #expect(files == ([ShardPack.headerName, pack.header.index.file] + pack.header.shards.map(\.file)).sorted())
    }

    @Test func statsCountEverything() throws {
        let (_, packDir) = try CorpusFixtures.packed(count: 12)
        let s = try ShardPackStats(pack: try ShardPack(directory: packDir))
        let lengths = (0..<12).map { 10 + ($0 * 37) % 90 }
        #expect(s.clips == 12 && s.frames == lengths.reduce(0, +))
        #expect(s.minFrames == lengths.min()! && s.maxFrames == lengths.max()! && s.medianFrames == lengths.sorted()[5])
        #expect(abs(s.durationSeconds - Double(lengths.reduce(0, +)) / 25) < 1e-9)
        #expect(s.labels == ["class0": 3, "class1": 3, "class2": 2, "class3": 2, "class4": 2])
        #expect(s.splits == ["train": 4, "dev": 4, "test": 4] && s.languages == ["dgs": 6, "gsg": 6])
        #expect(s.clipsWithText == 4 && s.clipsWithGlosses == 4 && s.clipsWithLabel == 12)
        #expect(s.layout == "mslu-79" && s.points == 79 && s.bytes > lengths.reduce(0, +) * 79 * 6)
    }

    @Test func uniSignNormalizationInTheStream() throws {
        let (_, packDir) = try CorpusFixtures.packed(count: 6)
        let pack = try ShardPack(directory: packDir)
        let stream = try CorpusStream(pack: pack, options: StreamOptions(shuffle: false, batching: .clips(6), decodeThreads: 2), epoch: 0,
                                      transform: CorpusStream.uniSignNormalization(layout: pack.layout))
        let batch = try #require(try stream.next())
        #expect(try stream.next() == nil)
        for clip in batch.clips {
            let expected = try Preprocessing.uniSign.normalize(try pack.clip(clip.index).sequence(layout: pack.layout))
            let got = try clip.sequence(layout: pack.layout)
            #expect(got.data == expected.data && got.confidence == expected.confidence)
            #expect(clip.values.allSatisfy { $0 >= -1 && $0 <= 1 })
        }
    }
}
