/// Summary of a shard pack, computed from the index alone (no keypoints are read), in memory that
/// grows with the number of distinct lengths, labels, languages and splits, not with the clips.
public struct ShardPackStats: Equatable, Sendable {
    public var clips: Int
    public var frames: Int
    public var minFrames: Int
    /// Lower median (the ⌈n/2⌉-th smallest length).
    public var medianFrames: Int
    public var maxFrames: Int
    /// Σ frames / fps over clips with a known fps, in seconds; `clipsWithoutFPS` are not counted.
    public var durationSeconds: Double
    public var clipsWithoutFPS: Int
    public var clipsWithText: Int
    public var clipsWithGlosses: Int
    public var clipsWithLabel: Int
    /// Clips per label / language / split name (absent ones under no key; see the `clipsWith…` counts).
    public var labels: [String: Int]
    public var languages: [String: Int]
    public var splits: [String: Int]
    public var layout: String
    public var points: Int
    public var shards: Int
    public var bytes: Int

    public init(pack: ShardPack) throws {
        var lengths = [Int: Int]()
        var labelCounts = [Int](repeating: 0, count: pack.header.labels.count)
        var languageCounts = [Int](repeating: 0, count: pack.header.languages.count)
        var splitCounts = [Int](repeating: 0, count: pack.header.splits.count)
        var frames = 0, withText = 0, withGlosses = 0, withLabel = 0, noFPS = 0
        var duration = 0.0
        var start = 0
        while start < pack.count {
            let end = min(pack.count, start + 4096)
            for (k, r) in try pack.records(start..<end).enumerated() {
                lengths[r.frames, default: 0] += 1
                frames += r.frames
                if r.fps > 0 { duration += Double(r.frames) / Double(r.fps) } else { noFPS += 1 }
                if let l = r.label { labelCounts[l] += 1; withLabel += 1 }
                if let l = r.language { languageCounts[l] += 1 }
                if let s = r.split { splitCounts[s] += 1 }
                let m = try pack.metadata(r, clip: start + k)
                if m.text != nil { withText += 1 }
                if m.glosses != nil { withGlosses += 1 }
            }
            start = end
        }
        let sorted = lengths.keys.sorted()
        var median = 0, seen = 0
        for len in sorted {
            seen += lengths[len]!
            if seen * 2 >= pack.count { median = len; break }
        }
        func table(_ names: [String], _ counts: [Int]) -> [String: Int] {
            Dictionary(zip(names, counts).filter { $0.1 > 0 }, uniquingKeysWith: +)
        }
        clips = pack.count
        self.frames = frames
        minFrames = sorted.first ?? 0
        medianFrames = median
        maxFrames = sorted.last ?? 0
        durationSeconds = duration
        clipsWithoutFPS = noFPS
        clipsWithText = withText
        clipsWithGlosses = withGlosses
        clipsWithLabel = withLabel
        labels = table(pack.header.labels, labelCounts)
        languages = table(pack.header.languages, languageCounts)
        splits = table(pack.header.splits, splitCounts)
        layout = pack.layout.name
        points = pack.layout.pointCount
        shards = pack.header.shards.count
        bytes = pack.totalBytes
    }
}
