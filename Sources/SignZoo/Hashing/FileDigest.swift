import Foundation
import SignNN

/// SHA-256 and size of files on disk, read in 1 MiB pieces.
enum FileDigest {
    /// Feeds the first `limit` bytes of `url` (all when nil) into `hasher`; returns the bytes read.
    @discardableResult
    static func hash(_ url: URL, into hasher: inout SHA256, limit: Int64? = nil, each: ((Data) throws -> Void)? = nil) throws -> Int64 {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ZooError("cannot open \(url.path)") }
        defer { try? handle.close() }
        var total: Int64 = 0
        while true {
            let want = limit.map { Int(min(Int64(1 << 20), $0 - total)) } ?? (1 << 20)
            if want <= 0 { break }
            let chunk = try handle.read(upToCount: want) ?? Data()
            if chunk.isEmpty { break }
            hasher.update(chunk)
            try each?(chunk)
            total += Int64(chunk.count)
        }
        return total
    }

    /// `(size, sha256 hex)` of the file at `url`.
    static func digest(_ url: URL) throws -> (size: Int64, sha256: String) {
        var h = SHA256()
        let n = try hash(url, into: &h)
        return (n, h.hexDigest())
    }
}
