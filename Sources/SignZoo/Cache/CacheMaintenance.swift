import Foundation

/// What `zoo verify` found for one cached model.
public struct CacheCheck: Sendable {
    public var id: String
    public var blobsChecked: Int
    public var linksChecked: Int
    /// One line per problem: the file and what is wrong with it.
    public var problems: [String]
    public var ok: Bool { problems.isEmpty }
}

/// What `zoo cache prune` removed.
public struct PruneReport: Sendable {
    public var removedFiles: [String] = []
    public var freedBytes: Int64 = 0
}

extension ZooCache {
    /// Re-hashes every blob of `id` (its name must be its SHA-256) and checks that every snapshot
    /// link resolves to a blob.
    public func verify(_ id: String) throws -> CacheCheck {
        guard FileManager.default.fileExists(atPath: modelFolder(id).path) else { throw ZooError("\(id) is not in the cache \(root.path)") }
        var check = CacheCheck(id: id, blobsChecked: 0, linksChecked: 0, problems: [])
        for name in blobs(id) {
            let (_, actual) = try FileDigest.digest(blob(id, name))
            check.blobsChecked += 1
            if actual != name { check.problems.append("\(blob(id, name).path): content hashes to \(actual), expected \(name) (corrupt; `zoo cache rm \(id)` and pull again)") }
        }
        for revision in revisions(id) {
            for link in snapshotLinks(id, revision: revision) {
                check.linksChecked += 1
                if !FileManager.default.fileExists(atPath: link.path) {
                    check.problems.append("\(link.path): link to a missing blob")
                }
            }
        }
        return check
    }

    /// Removes blobs no snapshot links to, partial downloads nobody is writing (their lock is
    /// free) and broken snapshot links, in every model folder.
    public func prune() throws -> PruneReport {
        var report = PruneReport()
        let fm = FileManager.default
        func remove(_ url: URL) throws {
            let size = ((try? fm.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
            try fm.removeItem(at: url)
            report.removedFiles.append(url.path)
            report.freedBytes += size
        }
        for id in cachedIDs() {
            var referenced = Set<String>()
            for revision in revisions(id) {
                for link in snapshotLinks(id, revision: revision) {
                    if fm.fileExists(atPath: link.path) {
                        referenced.insert(link.resolvingSymlinksInPath().lastPathComponent)
                    } else {
                        try remove(link)
                    }
                }
            }
            for name in blobs(id) where !referenced.contains(name) { try remove(blob(id, name)) }
            let partials = ((try? fm.contentsOfDirectory(atPath: blobsFolder(id).path)) ?? []).filter { $0.hasSuffix(".incomplete") }
            for name in partials {
                let sha = String(name.dropLast(".incomplete".count))
                let lockURL = lock(id, sha)
                let held = fm.fileExists(atPath: lockURL.path) ? BlobLock.tryLock(lockURL) : nil
                if fm.fileExists(atPath: lockURL.path) && held == nil { continue }   // a pull is writing it now
                try remove(blobsFolder(id).appendingPathComponent(name))
                held?.release()
            }
        }
        return report
    }

    /// The symlinks under `snapshots/<revision>` (recursively).
    func snapshotLinks(_ id: String, revision: String) -> [URL] {
        let folder = snapshot(id, revision: revision)
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var links: [URL] = []
        while let rel = walker.nextObject() as? String {
            let url = folder.appendingPathComponent(rel)
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil { links.append(url) }
        }
        return links
    }
}
