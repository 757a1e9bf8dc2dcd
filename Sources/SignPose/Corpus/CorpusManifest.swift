import Foundation

/// A corpus manifest: a JSONL file, one `ManifestEntry` object per line (see `ManifestEntry` for the
/// fields). Blank lines are skipped; line numbers in errors count every line, blank ones included.
/// Ids must be unique (a duplicate names both lines).
///
///     {"id": "dgs-0001", "pose": "poses/0001.pose", "text": "am tag", "language": "gsg", "glosses": ["TAG"], "split": "train"}
///     {"id": "autsl-17", "pose": "/data/autsl/17.pose", "label": "request", "split": "test", "start": 5, "end": 60}
public struct CorpusManifest: Equatable, Sendable {
    public var entries: [ManifestEntry]
    /// The folder relative `pose` paths are resolved against (the manifest's folder when read from a file).
    public var baseDirectory: String

    public init(entries: [ManifestEntry], baseDirectory: String) {
        self.entries = entries
        self.baseDirectory = baseDirectory
    }

    /// The absolute (or base-relative) path of `entry.pose`.
    public func posePath(of entry: ManifestEntry) -> String {
        entry.pose.hasPrefix("/") ? entry.pose : (baseDirectory as NSString).appendingPathComponent(entry.pose)
    }

    /// Reads and validates the manifest at `url`.
    public static func read(_ url: URL) throws -> CorpusManifest {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw CorpusError(path, .io, exists ? "cannot read the file: \(error.localizedDescription)" : "no such file")
        }
        return try parse([UInt8](data), file: path, baseDirectory: url.deletingLastPathComponent().path)
    }

    /// Parses JSONL `bytes`; `file` names the source in errors.
    public static func parse(_ bytes: [UInt8], file: String, baseDirectory: String) throws -> CorpusManifest {
        var entries: [ManifestEntry] = []
        var lineOfID = [String: Int]()
        var lineNumber = 0
        var start = 0
        // A UTF-8 byte-order mark at the start is skipped.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var stop = end
            if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
            let line = bytes[start..<stop]
            start = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let json: JSONValue
            do { json = try JSONValue.parse(line) } catch let e as JSONValue.ParseError {
                throw CorpusError(file, line: lineNumber, .invalidJSON, "invalid JSON at \(e)")
            }
            let entry = try ManifestEntry(json: json, file: file, line: lineNumber)
            if let first = lineOfID[entry.id] {
                throw CorpusError(file, line: lineNumber, field: "id", .duplicateID, "duplicate id \"\(entry.id)\" (first on line \(first))")
            }
            lineOfID[entry.id] = lineNumber
            entries.append(entry)
        }
        return CorpusManifest(entries: entries, baseDirectory: baseDirectory)
    }

    /// The manifest as JSONL text, one compact object per line, in `entries` order.
    public func jsonl() -> String {
        var out = ""
        for e in entries { e.jsonValue.write(to: &out); out += "\n" }
        return out
    }

    /// Writes the manifest to `url` atomically (temp file in the same folder, fsync, rename). Refuses
    /// duplicate ids and entries that `ManifestEntry(json:)` would refuse, so what is written reads back.
    public func write(to url: URL) throws {
        var seen = Set<String>()
        for (n, e) in entries.enumerated() {
            _ = try ManifestEntry(json: e.jsonValue, file: url.path + " (entry \(n))", line: n + 1)
            guard seen.insert(e.id).inserted else {
                throw CorpusError(url.path, line: n + 1, field: "id", .duplicateID, "duplicate id \"\(e.id)\"")
            }
        }
        let file = try AtomicOutputFile(path: url.path)
        try file.write(Array(jsonl().utf8))
        try file.commit()
    }
}
