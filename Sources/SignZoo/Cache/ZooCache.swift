import Foundation

/// The local cache, in the Hugging Face Hub layout (huggingface/hub-docs `local-cache.md`) under
/// its own root:
///
///     <root>/models--<id>/
///         blobs/<sha256>               content, stored once, named by its SHA-256
///         blobs/<sha256>.incomplete    a download in progress (hashed while streaming, resumable)
///         blobs/<sha256>.lock          flock'd while the blob is being fetched
///         snapshots/<revision>/<path>  relative symlink → ../../blobs/<sha256>
///         refs/main                    the revision last pulled without `@revision`
///
/// The root is `$SIGNZOO_CACHE`, else `$XDG_CACHE_HOME/signzoo`, else `~/.cache/signzoo`.
public struct ZooCache: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The cache at the default root for `environment`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ZooCache {
        if let dir = environment["SIGNZOO_CACHE"], !dir.isEmpty { return ZooCache(root: URL(fileURLWithPath: dir)) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return ZooCache(root: URL(fileURLWithPath: xdg).appendingPathComponent("signzoo")) }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return ZooCache(root: home.appendingPathComponent(".cache/signzoo"))
    }

    public func modelFolder(_ id: String) -> URL { root.appendingPathComponent("models--\(id)") }
    public func blobsFolder(_ id: String) -> URL { modelFolder(id).appendingPathComponent("blobs") }
    public func blob(_ id: String, _ sha256: String) -> URL { blobsFolder(id).appendingPathComponent(sha256) }
    public func incomplete(_ id: String, _ sha256: String) -> URL { blobsFolder(id).appendingPathComponent("\(sha256).incomplete") }
    func lock(_ id: String, _ sha256: String) -> URL { blobsFolder(id).appendingPathComponent("\(sha256).lock") }
    public func snapshot(_ id: String, revision: String) -> URL { modelFolder(id).appendingPathComponent("snapshots/\(revision)") }
    public func ref(_ id: String, _ name: String = "main") -> URL { modelFolder(id).appendingPathComponent("refs/\(name)") }

    /// The revision `refs/<name>` points at, if any.
    public func readRef(_ id: String, _ name: String = "main") -> String? {
        (try? String(contentsOf: ref(id, name), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func writeRef(_ id: String, _ name: String = "main", revision: String) throws {
        let url = ref(id, name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
        try Data(revision.utf8).write(to: temp)
        guard rename(temp.path, url.path) == 0 else { throw ZooError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
    }

    /// Points `snapshots/<revision>/<path>` at the blob with a relative symlink (replacing any
    /// other link there atomically).
    func link(_ id: String, revision: String, path: String, sha256: String) throws {
        let linkURL = snapshot(id, revision: revision).appendingPathComponent(path)
        let folder = linkURL.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let depth = path.split(separator: "/").count + 1   // snapshots/<revision>/<path…>
        let target = String(repeating: "../", count: depth) + "blobs/\(sha256)"
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: linkURL.path)) == target { return }
        let temp = folder.appendingPathComponent(".\(linkURL.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).link")
        guard symlink(target, temp.path) == 0 else { throw ZooError("cannot create the link \(temp.path): \(String(cString: strerror(errno)))") }
        guard rename(temp.path, linkURL.path) == 0 else {
            unlink(temp.path)
            throw ZooError("cannot place the link \(linkURL.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Ids with a folder in the cache, sorted.
    public func cachedIDs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0.hasPrefix("models--") }.map { String($0.dropFirst(8)) }.sorted()
    }

    /// Revisions with a snapshot folder for `id`, sorted.
    public func revisions(_ id: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: modelFolder(id).appendingPathComponent("snapshots").path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Finished blobs of `id` (file names that are SHA-256 digests).
    public func blobs(_ id: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: blobsFolder(id).path)) ?? [])
            .filter { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }.sorted()
    }

    /// Bytes on disk under the model's folder (blobs and partials; links count nothing).
    public func diskSize(_ id: String) -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: blobsFolder(id).path)) ?? []
        return names.reduce(0) { sum, name in
            let attrs = try? FileManager.default.attributesOfItem(atPath: blobsFolder(id).appendingPathComponent(name).path)
            return sum + ((attrs?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// Deletes everything cached for `id`.
    public func remove(_ id: String) throws {
        let folder = modelFolder(id)
        guard FileManager.default.fileExists(atPath: folder.path) else { throw ZooError("\(id) is not in the cache \(root.path)") }
        try FileManager.default.removeItem(at: folder)
    }
}
