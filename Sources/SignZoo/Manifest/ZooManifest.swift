import Foundation
import SignPose

/// The zoo's index (`zoo/index.json`): `{"schema_version": 1, "models": [entry…]}`.
///
/// Loading validates everything (`ManifestError` names the field path, e.g.
/// `models[2].files[0].sha256: expected 64 hex characters`). Relative URLs in entries are relative
/// to the manifest's folder (`folder`).
public struct ZooManifest: Sendable {
    public static let schemaVersion = 1

    public var models: [ZooEntry]
    /// The folder relative sources resolve against.
    public var folder: URL
    /// The file it was read from (for messages); empty for an in-memory manifest.
    public var file: String

    public init(models: [ZooEntry] = [], folder: URL, file: String = "") {
        self.models = models; self.folder = folder; self.file = file
    }

    /// Reads and validates the manifest at `url`.
    public static func load(_ url: URL) throws -> ZooManifest {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ZooError("cannot read the zoo manifest \(url.path)")
        }
        return try parse(data, file: url.path, folder: url.deletingLastPathComponent())
    }

    /// Validates manifest JSON.
    public static func parse(_ data: Data, file: String, folder: URL) throws -> ZooManifest {
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch {
            throw ManifestError(file: file, path: "", reason: "not valid JSON (\(error))")
        }
        let root = ManifestField(value: value, path: "", file: file)
        let o = try root.object(allowed: ["schema_version", "models"])
        let versionField = try o.required("schema_version", in: root)
        let version = try versionField.integer(atLeast: 1)
        guard version <= Int64(schemaVersion) else {
            throw versionField.fail("schema_version \(version) is newer than this SignZoo reads (≤ \(schemaVersion)); update SignZoo")
        }
        let entryFields = try o.required("models", in: root).elements()
        let models = try entryFields.map(ZooEntry.init)
        var seen = Set<String>()
        for (entry, field) in zip(models, entryFields) where !seen.insert("\(entry.id)@\(entry.revision)").inserted {
            throw field.child("revision", .string(entry.revision)).fail("\(entry.id)@\(entry.revision) is listed twice")
        }
        return ZooManifest(models: models, folder: folder, file: file)
    }

    public var json: JSONValue {
        .object([("schema_version", .number(Double(Self.schemaVersion))), ("models", .array(models.map(\.json)))])
    }

    /// Writes the manifest atomically, pretty-printed.
    public func write(to url: URL) throws {
        let text = prettyJSON
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try Data(text.utf8).write(to: temp)
        guard rename(temp.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw ZooError("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The entry for `id` at `revision`, or (no revision) the last one listed for `id`.
    /// Unknown ids list near matches; renamed ids say what they became.
    public func entry(_ id: String, revision: String? = nil) throws -> ZooEntry {
        let candidates = models.filter { $0.id == id }
        if let revision {
            guard let e = candidates.last(where: { $0.revision == revision }) else {
                let known = candidates.map(\.revision)
                throw ZooError("\(id)@\(revision) is not in \(file.isEmpty ? "the zoo manifest" : file)"
                               + (known.isEmpty ? "" : " (revisions: \(known.joined(separator: ", ")))"))
            }
            return e
        }
        guard let e = candidates.last else {
            let near = models.map(\.id).filter { $0.contains(id) || id.contains($0) || $0.hasPrefix(id.split(separator: ".").first.map(String.init) ?? id) }
            let list = near.isEmpty ? models.map(\.id) : near
            throw ZooError("no zoo entry \"\(id)\" in \(file.isEmpty ? "the zoo manifest" : file)"
                           + (list.isEmpty ? " (the manifest is empty)" : "; \(near.isEmpty ? "known" : "did you mean"): \(Array(Set(list)).sorted().joined(separator: ", "))"))
        }
        return e
    }
}

/// `ID` or `ID@REVISION`.
public struct ZooReference: Equatable, Sendable {
    public var id: String
    public var revision: String?

    public init(id: String, revision: String? = nil) { self.id = id; self.revision = revision }

    /// Parses `arch.tag[@revision]`; nil when it is not shaped like an id.
    public init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard ZooID.isValid(parts[0]) else { return nil }
        if parts.count == 2 { guard ZooID.isValidRevision(parts[1]) else { return nil } }
        id = parts[0]
        revision = parts.count == 2 ? parts[1] : nil
    }

    public var description: String { revision.map { "\(id)@\($0)" } ?? id }
}
