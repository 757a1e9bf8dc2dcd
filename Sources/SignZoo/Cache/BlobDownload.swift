import Foundation
import SignNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Brings one file's bytes into `blobs/<sha256>`: from a local source (copied, hashed) or over
/// HTTP into `<sha256>.incomplete`, hashed while streaming, resuming an existing partial with
/// `Range` (its prefix hashed first), retrying transient failures with exponential backoff, and
/// renamed into place only when both the size and the SHA-256 match the manifest. A refused
/// download (hash mismatch, wrong size, HTML page, 4xx) leaves nothing behind.
///
/// The caller holds the blob's lock.
struct BlobDownload {
    let cache: ZooCache
    let id: String
    let file: ZooFile
    let retry: RetryPolicy
    let progress: ((ZooProgress) -> Void)?

    private var blobURL: URL { cache.blob(id, file.sha256) }
    private var partialURL: URL { cache.incomplete(id, file.sha256) }

    /// Copies a local file into the cache, verifying size and hash.
    func copy(from path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ZooError("no such file") }
        try? FileManager.default.removeItem(at: partialURL)
        let partial = try PartialFile(partialURL, truncate: true)
        var hasher = SHA256()
        let meter = progress.map { ProgressMeter(path: file.path, total: file.size, startingAt: 0, sink: $0) }
        var copied: Int64 = 0
        do {
            try FileDigest.hash(URL(fileURLWithPath: path), into: &hasher, limit: file.size + 1) { chunk in
                try partial.append(chunk)
                copied += Int64(chunk.count)
                meter?.update(copied)
            }
        } catch {
            partial.close()
            try? FileManager.default.removeItem(at: partialURL)
            throw error
        }
        partial.close()
        meter?.update(copied, done: true)
        try finish(size: copied, digest: hasher.hexDigest(), from: path)
    }

    /// Downloads `url`, retrying transient failures; the partial survives them for a later resume.
    func download(_ url: URL, with fetcher: any HTTPFetching) throws {
        var attempt = 0
        while true {
            do {
                return try downloadOnce(url, with: fetcher)
            } catch let failure as TransientFailure {
                attempt += 1
                guard attempt < retry.maxAttempts else {
                    throw ZooError("\(failure.description) (gave up after \(attempt) attempts; the partial download is kept for a resume)")
                }
                Thread.sleep(forTimeInterval: retry.delay(afterAttempt: attempt - 1))
            } catch {
                try? FileManager.default.removeItem(at: partialURL)
                throw error
            }
        }
    }

    private func downloadOnce(_ url: URL, with fetcher: any HTTPFetching) throws {
        var hasher = SHA256()
        var offset: Int64 = 0
        if let size = (try? FileManager.default.attributesOfItem(atPath: partialURL.path))?[.size] as? NSNumber {
            if size.int64Value <= file.size {
                offset = try FileDigest.hash(partialURL, into: &hasher)
            } else {
                try FileManager.default.removeItem(at: partialURL)
            }
        }
        if offset == file.size {   // a complete partial from an earlier run: check it and stop
            return try finish(size: offset, digest: hasher.hexDigest(), from: url.absoluteString)
        }
        let partial = try PartialFile(partialURL, truncate: offset == 0)
        defer { partial.close() }
        var received = offset
        let meter = progress.map { ProgressMeter(path: file.path, total: file.size, startingAt: offset, sink: $0) }
        do {
            try fetcher.get(url, from: offset, head: { head in
                try check(head, offset: &offset, restart: {
                    try partial.truncate()
                    hasher = SHA256()
                    received = 0
                })
            }, body: { chunk in
                guard received + Int64(chunk.count) <= file.size else {
                    throw ZooError("the server sent more than the manifest's \(file.size) bytes")
                }
                try partial.append(chunk)
                hasher.update(chunk)
                received += Int64(chunk.count)
                meter?.update(received)
            })
        } catch let error as HTTPTransportError {
            throw TransientFailure(description: "connection failed after \(received) of \(file.size) bytes: \(error.description)")
        }
        meter?.update(received, done: true)
        guard received == file.size else {
            throw TransientFailure(description: "body ended after \(received) of \(file.size) bytes (truncated)")
        }
        partial.close()
        try finish(size: received, digest: hasher.hexDigest(), from: url.absoluteString)
    }

    /// Refuses what is not the file: error statuses, HTML pages, wrong lengths or ranges. A 200
    /// answer to a Range request restarts the partial from zero.
    private func check(_ head: HTTPResponseHead, offset: inout Int64, restart: () throws -> Void) throws {
        switch head.status {
        case 200:
            if offset > 0 { try restart(); offset = 0 }
        case 206:
            guard head.contentRangeStart == offset else {
                throw ZooError("asked for bytes from \(offset), the server answered Content-Range \(head.headers["content-range"] ?? "(none)")")
            }
        case 416:
            try? FileManager.default.removeItem(at: partialURL)
            throw TransientFailure(description: "HTTP 416 (range not satisfiable) for the partial download; restarting it")
        case 408, 429, 500...599:
            throw TransientFailure(description: "HTTP \(head.status)")
        default:
            throw ZooError("HTTP \(head.status)")
        }
        let type = head.contentType?.lowercased() ?? ""
        if (type.hasPrefix("text/html") || type.hasPrefix("application/xhtml")) && !file.path.hasSuffix(".html") {
            throw ZooError("the server answered with an HTML page (Content-Type \(type)), not the file: an error or login page?")
        }
        if let length = head.contentLength, offset + length != file.size {
            throw ZooError("the server announces \(offset + length) bytes, the manifest says \(file.size)")
        }
    }

    /// Renames the finished partial into place when size and hash match; otherwise deletes it.
    private func finish(size: Int64, digest: String, from source: String) throws {
        guard size == file.size, digest == file.sha256 else {
            try? FileManager.default.removeItem(at: partialURL)
            if size != file.size { throw ZooError("size mismatch for \(file.path) from \(source): expected \(file.size) bytes, got \(size); refused") }
            throw ZooError("SHA-256 mismatch for \(file.path) from \(source): expected \(file.sha256), got \(digest); refused, nothing kept")
        }
        guard rename(partialURL.path, blobURL.path) == 0 else {
            throw ZooError("cannot move \(partialURL.path) into place: \(String(cString: strerror(errno)))")
        }
    }
}

/// The `.incomplete` file, opened for appending.
private final class PartialFile {
    private var fd: Int32
    private let url: URL

    init(_ url: URL, truncate: Bool) throws {
        self.url = url
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else { throw ZooError("cannot open \(url.path): \(String(cString: strerror(errno)))") }
    }

    func append(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ZooError("cannot write \(url.path): \(String(cString: strerror(errno)))")
                }
                p += n; left -= n
            }
        }
    }

    func truncate() throws {
        guard ftruncate(fd, 0) == 0 else { throw ZooError("cannot truncate \(url.path): \(String(cString: strerror(errno)))") }
    }

    func close() {
        guard fd >= 0 else { return }
        fsync(fd)
        _ = closeDescriptor(fd)
        fd = -1
    }

    deinit { close() }
}

/// The C `close(2)` (the name is shadowed inside `PartialFile`).
private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }
