import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock(2)` on `blobs/<sha256>.lock`, held while one blob is fetched, so two
/// processes (or two threads with their own lock objects: flock belongs to the open file
/// description) pulling the same model never write the same `.incomplete` file at once. The
/// second waits, then finds the finished blob. The lock file itself stays (as in the Hub cache).
final class BlobLock {
    private var fd: Int32

    /// Opens (creating) the lock file and blocks until the lock is held.
    init(_ url: URL) throws {
        fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ZooError("cannot open the lock file \(url.path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw ZooError("cannot lock \(url.path): \(reason)")
            }
        }
    }

    /// Takes the lock only if nobody holds it; nil when it is busy.
    static func tryLock(_ url: URL) -> BlobLock? {
        let fd = open(url.path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); return nil }
        return BlobLock(holding: fd)
    }

    private init(holding fd: Int32) { self.fd = fd }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
