import ArgumentParser
import Foundation
import SignPose

/// `signzoo data stats DIR`: clip, frame, label, language and split counts of a shard pack.
struct DataStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Summarize a shard pack: clips, frames, duration, labels, texts, languages, splits, layout, bytes.")

    @Argument(help: "Pack folder (written by `signzoo data pack`).") var directory: String
    @Option(help: "Labels to list (most frequent first).") var topLabels: Int = 10

    func run() throws {
        let pack = try ShardPack(directory: directory)
        let s = try ShardPackStats(pack: pack)
        func counts(_ d: [String: Int], limit: Int = .max) -> String {
            let sorted = d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let shown = sorted.prefix(limit).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return sorted.count > limit ? shown + ", … (\(sorted.count - limit) more)" : shown
        }
        let hours = s.durationSeconds / 3600
        print("""
        pack        \(directory) (format version \(pack.header.version), pack id \(pack.header.packID))
        layout      \(s.layout) (\(s.points) points; x, y, score as float16)
        clips       \(s.clips)
        frames      total \(s.frames), min \(s.minFrames), median \(s.medianFrames), max \(s.maxFrames)
        duration    \(String(format: "%.1f", s.durationSeconds)) s (\(String(format: "%.2f", hours)) h)\(s.clipsWithoutFPS > 0 ? "; \(s.clipsWithoutFPS) clips without fps not counted" : "")
        labels      \(s.labels.count) distinct on \(s.clipsWithLabel) clips\(s.labels.isEmpty ? "" : ": " + counts(s.labels, limit: topLabels))
        texts       \(s.clipsWithText) clips with text, \(s.clipsWithGlosses) with glosses
        languages   \(s.languages.isEmpty ? "none" : counts(s.languages))
        splits      \(s.splits.isEmpty ? "none" : counts(s.splits))
        bytes       \(s.bytes) (\(String(format: "%.1f", Double(s.bytes) / 1_048_576)) MiB in \(s.shards) shard(s) + index + header)
        """)
    }
}
