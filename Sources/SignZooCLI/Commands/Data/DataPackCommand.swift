import ArgumentParser
import Foundation
import SignPose

/// `signzoo data pack MANIFEST -o DIR`: pack a JSONL manifest's pose files into float16 shards.
struct DataPackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack the pose files of a JSONL manifest into shards (float16 x, y, score) with an index.",
        discussion: """
        Bad input files are skipped and listed at the end (exit 0 when at least one clip was packed);
        with --strict every entry is checked, then packing is refused (exit 1) if any is bad. The pack is
        written atomically: a pack already in the folder stays readable until the new one is complete.
        """)

    @Argument(help: "JSONL manifest (id, pose, text, language, label, glosses, split, start, end).") var manifest: String
    @Option(name: .shortAndLong, help: "Output folder for header.json, the index and the shards.") var output: String
    @Option(help: "Convert every clip to this layout by point name (e.g. mslu-79); default: the first file's layout.") var layout: String?
    @Option(name: .customLong("shard-mb"), help: "Largest shard size in MiB.") var shardMB: Int = 256
    @Flag(help: "Refuse the whole pack when any entry is bad.") var strict = false

    func run() throws {
        let targetLayout = try layout.map { try PoseLayouts.named($0) }
        guard shardMB >= 1 else { throw ValidationError("--shard-mb must be at least 1") }
        let m = try CorpusManifest.read(URL(fileURLWithPath: manifest))
        let total = m.entries.count
        let step = max(1, total / 20)
        let report: CorpusPacker.Report
        do {
            report = try CorpusPacker.pack(m, to: output, options: .init(layout: targetLayout, shardBytes: shardMB << 20, strict: strict)) { done, all in
                if done % step == 0 || done == all { FileHandle.standardError.write(Data("\rread \(done)/\(all)".utf8)) }
            }
            FileHandle.standardError.write(Data("\n".utf8))
        } catch let e as CorpusPacker.StrictFailure {
            FileHandle.standardError.write(Data("\nerror: \(e)\n".utf8))
            throw ExitCode(1)
        }
        let h = report.header!
        let bytes = h.shards.reduce(h.index.bytes) { $0 + $1.bytes }
        print("packed \(report.packed) of \(total) clips (\(report.frames) frames, layout \(h.layout.name), \(h.layout.pointCount) points) into \(h.shards.count) shard(s), \(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB in \(output)")
        if !report.skipped.isEmpty {
            print("skipped \(report.skipped.count) of \(total) entries:")
            for s in report.skipped { print("  \(s)") }
        }
    }
}
