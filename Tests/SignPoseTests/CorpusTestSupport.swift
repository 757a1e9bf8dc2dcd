import Foundation
import SignTensor
import SignPose

/// Synthetic clips and small corpora for the corpus tests (random but seeded keypoints in `mslu-79`,
/// frame size 1920×1080, some points missing).
enum CorpusFixtures {
    static let layout: PoseLayout = try! PoseLayouts.named("mslu-79")

    static func sequence(frames: Int, seed: UInt64, fps: Float = 25) throws -> PoseSequence {
        var rng = RandomStream(seed: seed)
        let P = layout.pointCount, D = layout.dims
        var d = [Float](repeating: 0, count: frames * P * D), c = [Float](repeating: 0, count: frames * P)
        for k in 0..<(frames * P) {
            let missing = rng.uniform() < 0.1
            c[k] = missing ? 0 : 0.05 + 0.95 * rng.uniform()
            if !missing {
                d[k * D] = 1920 * rng.uniform()
                d[k * D + 1] = 1080 * rng.uniform()
                for e in 2..<D { d[k * D + e] = rng.uniform() }
            }
        }
        return try PoseSequence(layout: layout, frames: frames, dims: D, data: d, confidence: c, fps: fps, width: 1920, height: 1080)
    }

    /// Writes `count` clips (`.pose`) and a manifest into `dir`; lengths `10 + (i * 37) % 90`.
    /// Splits cycle train/dev/test; labels cycle over 5 classes; every third clip has text and glosses.
    @discardableResult
    static func corpus(in dir: String, count: Int, lengths: ((Int) -> Int)? = nil) throws -> CorpusManifest {
        try FileManager.default.createDirectory(atPath: dir + "/poses", withIntermediateDirectories: true)
        var entries: [ManifestEntry] = []
        for i in 0..<count {
            let frames = lengths?(i) ?? 10 + (i * 37) % 90
            try PoseIO.write(try sequence(frames: frames, seed: UInt64(i)), to: dir + "/poses/clip\(i).pose")
            entries.append(ManifestEntry(
                id: "clip-\(i)", pose: "poses/clip\(i).pose", text: i % 3 == 0 ? "sentence number \(i) ü" : nil,
                language: i % 2 == 0 ? "dgs" : "gsg", label: "class\(i % 5)", glosses: i % 3 == 0 ? ["G\(i)", "HELLO"] : nil,
                split: ["train", "dev", "test"][i % 3]))
        }
        let manifest = CorpusManifest(entries: entries, baseDirectory: dir)
        try manifest.write(to: URL(fileURLWithPath: dir + "/corpus.jsonl"))
        return manifest
    }

    /// A packed corpus of `count` clips in a fresh folder; returns (corpus folder, pack folder).
    static func packed(count: Int, shardBytes: Int = 256 << 20, lengths: ((Int) -> Int)? = nil) throws -> (String, String) {
        let dir = try Fixtures.temporaryDirectory()
        let manifest = try corpus(in: dir, count: count, lengths: lengths)
        _ = try CorpusPacker.pack(manifest, to: dir + "/pack", options: .init(shardBytes: shardBytes))
        return (dir, dir + "/pack")
    }

    /// All batches of one epoch, as clip indices.
    static func order(_ pack: ShardPack, _ options: StreamOptions, epoch: Int) throws -> [[Int]] {
        let s = try CorpusStream(pack: pack, options: options, epoch: epoch)
        var out: [[Int]] = []
        while let b = try s.next() { out.append(b.indices) }
        return out
    }
}
