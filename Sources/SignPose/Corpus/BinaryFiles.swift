import Foundation

/// A file written through a temporary file in the same folder, fsynced and renamed over `path` by
/// `commit()`, so readers see either the old file or the complete new one, never a part. Dropping the
/// value without `commit()` (an error halfway) removes the temporary file and leaves `path` untouched.
final class AtomicOutputFile {
    let path: String
    let temporaryPath: String
    private var fd: Int32
    private(set) var size = 0
    private var committed = false

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        temporaryPath = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporaryPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CorpusError(path, .io, "cannot create \(temporaryPath): \(String(cString: strerror(errno)))") }
    }

    deinit { discard() }

    /// Closes and removes the temporary file (no effect after `commit()`).
    func discard() {
        guard !committed else { return }
        committed = true
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
    }

    /// Appends `bytes` at the end.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try write(bytes, at: size)
        size += bytes.count
    }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Writes `bytes` at `offset` (not past the end: used to fill in a header reserved earlier).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw CorpusError(path, .io, "writing \(temporaryPath) failed: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws { try bytes.withUnsafeBytes { try write($0, at: offset) } }

    /// Reads back `count` bytes at `offset` of what was written so far.
    func read(count: Int, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        try ReadOnlyFile.readFully(fd: fd, path: temporaryPath, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), at: offset)
    }

    /// fsync, close, rename over `path`, fsync the folder.
    func commit() throws {
        guard fsync(fd) == 0 else { throw CorpusError(path, .io, "fsync of \(temporaryPath) failed: \(String(cString: strerror(errno)))") }
        guard close(fd) == 0 else { fd = -1; throw CorpusError(path, .io, "closing \(temporaryPath) failed: \(String(cString: strerror(errno)))") }
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            throw CorpusError(path, .io, "renaming \(temporaryPath) failed: \(String(cString: strerror(errno)))")
        }
        committed = true
        let dir = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }
}

/// A file opened for positioned reads (`pread`): nothing is mapped or cached, so reading a clip costs
/// only the caller's buffer. Errors name the file.
final class ReadOnlyFile: @unchecked Sendable {
    let path: String
    let fd: Int32
    let size: Int

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "no such file" : "cannot open the file: \(String(cString: strerror(errno)))"
            throw CorpusError(path, .io, reason)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw CorpusError(path, .io, "cannot stat the file: \(String(cString: strerror(errno)))")
        }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads exactly `buffer.count` bytes at `offset`; a short file is `truncated`, naming `what`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, _ what: String) throws {
        guard offset >= 0, offset + buffer.count <= size else {
            throw CorpusError(path, .truncated, "\(what) at byte \(offset) needs \(buffer.count) bytes, the file has \(size)")
        }
        try ReadOnlyFile.readFully(fd: fd, path: path, into: buffer, at: offset)
    }

    func bytes(count: Int, at offset: Int, _ what: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try read(into: $0, at: offset, what) }
        return out
    }

    static func readFully(fd: Int32, path: String, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw CorpusError(path, .io, "reading failed: \(String(cString: strerror(errno)))") }
            guard n > 0 else { throw CorpusError(path, .truncated, "the file ended at byte \(offset + done) while \(buffer.count) bytes at \(offset) were read") }
            done += n
        }
    }
}

/// Little-endian field access on raw bytes (the pack format is little-endian; big-endian hosts are
/// refused at compile time in ByteReader.swift).
extension UnsafeRawBufferPointer {
    func le<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T { T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self)) }
    func leFloat(_ offset: Int) -> Float { Float(bitPattern: le(offset, as: UInt32.self)) }
}

extension UnsafeMutableRawBufferPointer {
    func putLE<T: FixedWidthInteger>(_ value: T, at offset: Int) { storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
    func putFloat(_ value: Float, at offset: Int) { putLE(value.bitPattern, at: offset) }
}

/// A 64-bit checksum of a byte range: 8-byte little-endian words mixed with a multiply–xorshift round
/// (the tail zero-padded, the length folded in). Not cryptographic; detects flipped, zeroed and
/// shifted bytes in a clip with probability 1 − 2⁻⁶⁴ per corruption, at memory speed.
public enum ClipChecksum {
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        var a: UInt64 = 0x243F_6A88_85A3_08D3, b: UInt64 = 0x1319_8A2E_0370_7344
        var i = 0
        while i + 1 < words {
            a = (a ^ bytes.le(i * 8, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            b = (b ^ bytes.le(i * 8 + 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            a ^= a >> 29; b ^= b >> 31
            i += 2
        }
        if i < words { a = (a ^ bytes.le(i * 8, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD; a ^= a >> 29 }
        var tail: UInt64 = 0
        for k in (words * 8)..<bytes.count { tail |= UInt64(bytes[k]) << (8 * UInt64(k - words * 8)) }
        h ^= a &+ (b &* 31) &+ (tail &* 0x94D0_49BB_1331_11EB)
        h = (h ^ (h >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 33)
    }
}
