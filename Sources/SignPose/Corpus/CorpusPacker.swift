import Foundation

/// Packs the clips of a manifest into a shard pack (`ShardPackWriter`), reading each pose file with
/// `PoseIO`, cutting `[start, end)`, and converting to `layout` when one is given.
///
/// A bad input (unreadable or corrupt pose file, a layout that differs from the corpus layout or cannot
/// be converted, a frame range outside the file, a value beyond float16's range) is skipped and listed in
/// the report; with `strict`, every entry is still checked, then packing is refused with the list and
/// nothing is written. Errors writing the pack abort it, leaving the folder as it was.
public enum CorpusPacker {
    public struct Options: Sendable {
        /// Target layout (convert by point name); nil keeps the layout of the first readable file, and
        /// every other file must have the same points.
        public var layout: PoseLayout?
        public var shardBytes: Int
        public var strict: Bool
        public init(layout: PoseLayout? = nil, shardBytes: Int = 256 << 20, strict: Bool = false) {
            self.layout = layout; self.shardBytes = shardBytes; self.strict = strict
        }
    }

    public struct Skipped: Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var id: String
        public var pose: String
        public var reason: String
        public var description: String { "entry \(line) (\(id)): \(reason)" }
    }

    public struct Report: Sendable {
        public var header: ShardPackHeader?
        public var packed: Int
        public var frames: Int
        public var skipped: [Skipped]
    }

    /// Thrown by `strict` packing when some entries are bad (nothing is written).
    public struct StrictFailure: Error, CustomStringConvertible, Sendable {
        public var skipped: [Skipped]
        public var checked: Int
        public var description: String {
            "refusing to pack (--strict): \(skipped.count) of \(checked) entries are bad:\n" + skipped.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    /// Packs `manifest` into `directory`. `progress(done, total)` is called after each entry.
    public static func pack(_ manifest: CorpusManifest, to directory: String, options: Options = Options(),
                            progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        var writer: ShardPackWriter?
        if let layout = options.layout {
            writer = try ShardPackWriter(directory: directory, layout: layout, shardBytes: options.shardBytes)
        }
        var skipped: [Skipped] = []
        for (n, entry) in manifest.entries.enumerated() {
            let path = manifest.posePath(of: entry)
            do {
                let seq = try load(entry, path: path, layout: options.layout)
                if writer == nil {
                    writer = try ShardPackWriter(directory: directory, layout: seq.layout, shardBytes: options.shardBytes)
                }
                let w = writer!
                guard ShardPackWriter.samePoints(seq.layout, w.layout) else {
                    throw PoseError(path, .shapeMismatch, "layout \(seq.layout.name) (\(seq.layout.signature)) differs from the corpus layout \(w.layout.name) (\(w.layout.signature)); pass a layout to convert every file")
                }
                if options.strict && !skipped.isEmpty {
                    // Already refusing: check the rest without writing.
                    try checkFloat16(seq, id: entry.id)
                } else {
                    try w.append(seq, metadata: ClipMetadata(entry: entry, sequence: seq))
                }
            } catch let e as PoseError {
                skipped.append(Skipped(line: n + 1, id: entry.id, pose: path, reason: e.description))
            } catch let e as CorpusError where e.kind == .invalidValue {
                skipped.append(Skipped(line: n + 1, id: entry.id, pose: path, reason: "\(path): \(e.reason)"))
            }
            progress?(n + 1, manifest.entries.count)
        }
        if options.strict && !skipped.isEmpty {
            writer?.abort()
            throw StrictFailure(skipped: skipped, checked: manifest.entries.count)
        }
        guard let w = writer, w.clipCount > 0 else {
            writer?.abort()
            throw CorpusError(directory, .invalidArgument, "no clip could be packed (\(manifest.entries.count) entries, \(skipped.count) bad)" +
                              (skipped.isEmpty ? "" : ":\n" + skipped.map { "  \($0)" }.joined(separator: "\n")))
        }
        let header = try w.finish()
        return Report(header: header, packed: w.clipCount, frames: w.frameCount, skipped: skipped)
    }

    /// Reads `entry`'s pose file, person 0 only, cut to `[start, end)`.
    static func load(_ entry: ManifestEntry, path: String, layout: PoseLayout?) throws -> PoseSequence {
        var seq = try PoseIO.read(path, layout: layout)
        if seq.peopleCount > 1 { seq = try seq.person(0) }
        if entry.start != nil || entry.end != nil {
            let start = entry.start ?? 0, end = entry.end ?? seq.frameCount
            guard start < seq.frameCount, end <= seq.frameCount else {
                throw PoseError(path, .invalidArgument, "frame range [\(start), \(end)) is outside the file's \(seq.frameCount) frames")
            }
            seq = try seq.selectingFrames(Array(start..<end))
        }
        return seq
    }

    static func checkFloat16(_ seq: PoseSequence, id: String) throws {
        for v in seq.data where !Float16(v).isFinite {
            throw CorpusError(id, .invalidValue, "coordinate \(v) is not representable as float16 (|v| ≤ 65504)")
        }
    }
}
