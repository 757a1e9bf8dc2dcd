import Foundation

/// Pulls zoo entries into the cache and returns their snapshot folders.
///
/// For each file of the entry: a cached blob is re-hashed and used; otherwise, under the blob's
/// lock, the mirrors are tried in order (local paths and `file://` are copied, `http(s)://` and
/// `hf://` downloaded by `BlobDownload`), and the error lists every source tried and why it
/// failed. Then `snapshots/<revision>/<path>` links are made and, for a pull without `@revision`,
/// `refs/main` is set. Offline, only the cache and local sources are used.
public final class ZooClient {
    public let manifest: ZooManifest
    public let cache: ZooCache
    public let network: ZooNetwork
    public var retry = RetryPolicy()
    /// Receives download progress; defaults to a line on stderr when stderr is a terminal.
    public var progress: ((ZooProgress) -> Void)? = ProgressMeter.terminal()
    /// Receives warnings (deprecated entries); defaults to stderr.
    public var warn: (String) -> Void = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }

    private var fetcher: (any HTTPFetching)?

    public init(manifest: ZooManifest, cache: ZooCache, network: ZooNetwork) {
        self.manifest = manifest; self.cache = cache; self.network = network
    }

    /// Makes sure every file of the entry is in the cache (verified) and returns its snapshot folder.
    @discardableResult
    public func pull(_ reference: ZooReference) throws -> URL {
        let entry = try manifest.entry(reference.id, revision: reference.revision)
        if let range = entry.engineVersion, !range.contains(ZooEngineVersion.current) {
            throw ZooError("\(entry.id)@\(entry.revision) needs engine version \(range.description); this SignZoo is \(ZooEngineVersion.current)")
        }
        if let reason = entry.deprecated {
            warn("\(entry.id) is deprecated (\(reason))" + (entry.renamedTo.map { "; use \($0)" } ?? ""))
        }
        try FileManager.default.createDirectory(at: cache.blobsFolder(entry.id), withIntermediateDirectories: true)
        for file in entry.files {
            try materialize(file, of: entry)
            try cache.link(entry.id, revision: entry.revision, path: file.path, sha256: file.sha256)
        }
        if reference.revision == nil { try cache.writeRef(entry.id, revision: entry.revision) }
        return cache.snapshot(entry.id, revision: entry.revision)
    }

    /// Ensures `blobs/<sha256>` holds the file, verified.
    private func materialize(_ file: ZooFile, of entry: ZooEntry) throws {
        let blob = cache.blob(entry.id, file.sha256)
        if try cachedBlobIsGood(blob, file) { return }
        let lock = try BlobLock(cache.lock(entry.id, file.sha256))
        defer { lock.release() }
        if try cachedBlobIsGood(blob, file) { return }   // another process finished it while we waited

        let download = BlobDownload(cache: cache, id: entry.id, file: file, retry: retry, progress: progress)
        var tried: [String] = []
        for text in file.urls {
            let source = try ZooSource.parse(text).resolved(against: manifest.folder)
            do {
                switch source {
                case .local(let path):
                    try download.copy(from: path)
                case .http(let url):
                    guard case .online(let make) = network else {
                        tried.append("\(url.absoluteString): not tried (offline)")
                        continue
                    }
                    if fetcher == nil { fetcher = make() }
                    try download.download(url, with: fetcher!)
                }
                return
            } catch {
                tried.append("\(source.description): \(error)")
            }
        }
        if network.isOffline && tried.allSatisfy({ $0.hasSuffix("not tried (offline)") }) {
            throw ZooError("offline (SIGNZOO_OFFLINE / --offline): the cache \(cache.root.path) is empty for \(entry.id)@\(entry.revision) "
                           + "(no blob for \(file.path)) and its sources need the network:\n  " + tried.joined(separator: "\n  ")
                           + "\nPull it once online, or copy a cache that holds it.")
        }
        throw ZooError("cannot fetch \(file.path) of \(entry.id)@\(entry.revision) (sha256 \(file.sha256), \(file.size) bytes); tried:\n  "
                       + tried.joined(separator: "\n  "))
    }

    /// Whether the blob exists with the right size and hash; a corrupt one is deleted.
    private func cachedBlobIsGood(_ blob: URL, _ file: ZooFile) throws -> Bool {
        guard FileManager.default.fileExists(atPath: blob.path) else { return false }
        let (size, digest) = try FileDigest.digest(blob)
        if size == file.size && digest == file.sha256 { return true }
        warn("cached \(blob.path) is corrupt (\(size) bytes, sha256 \(digest); expected \(file.size) bytes, \(file.sha256)); removing it")
        try FileManager.default.removeItem(at: blob)
        return false
    }
}
