import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that either fully happen or leave the old file untouched.
///
/// Steps: create a uniquely named temp file in the destination's folder (same file system, so
/// the rename is atomic), write everything, `fsync` it, `rename` it over the destination, then
/// `fsync` the folder so the new name survives a crash. On any failure the temp file is removed
/// and the destination keeps its previous contents. The folder must already exist.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(data) }
    }

    /// Writes a string as UTF-8 to `url` atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Streams the file's contents through `body` (for files too large to assemble in memory),
    /// then commits atomically. If `body` throws, nothing is committed and the error is rethrown.
    public static func write(to url: URL, _ body: (Writer) throws -> Void) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let tempPath = folder + "/." + url.lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: path, operation: "create temp file \(tempPath)", code: errno) }
        var committed = false
        var closed = false
        defer {
            if !closed { close(fd) }
            if !committed { unlink(tempPath) }
        }
        try body(Writer(fd: fd, path: path))
        guard fsync(fd) == 0 else { throw AtomicFileError(path: path, operation: "fsync", code: errno) }
        closed = true
        guard close(fd) == 0 else { throw AtomicFileError(path: path, operation: "close", code: errno) }
        guard rename(tempPath, path) == 0 else { throw AtomicFileError(path: path, operation: "rename temp file into place", code: errno) }
        committed = true
        syncFolder(folder)
    }

    /// Makes the folder entry of a renamed file durable (best effort: some file systems refuse
    /// `fsync` on folders, and the file's own data is already synced).
    private static func syncFolder(_ folder: String) {
        let dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { return }
        _ = fsync(dfd)
        close(dfd)
    }

    /// Sequential writer over the temp file's descriptor; handles short writes and `EINTR`.
    public final class Writer {
        private let fd: Int32
        private let path: String
        /// Bytes written so far.
        public private(set) var bytesWritten = 0

        init(fd: Int32, path: String) { self.fd = fd; self.path = path }

        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard var p = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = systemWrite(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw AtomicFileError(path: path, operation: "write", code: errno)
                }
                p += n
                left -= n
                bytesWritten += n
            }
        }

        public func write(_ data: Data) throws {
            try data.withUnsafeBytes { try write($0) }
        }

        public func write(_ text: String) throws {
            try write(Data(text.utf8))
        }
    }
}

/// The C `write(2)` (the name is shadowed inside `Writer`).
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }

/// A failed atomic write: the destination, the step that failed and the system's reason.
public struct AtomicFileError: Error, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String

    init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.reason = String(cString: strerror(code))
    }

    public var description: String { "cannot write \(path): \(operation) failed: \(reason)" }
}
