import Foundation

/// Whole-file reads and atomic writes with `PoseError`s that name the file.
enum FileAccess {
    static func read(_ path: String) throws -> [UInt8] {
        guard let fh = FileHandle(forReadingAtPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw PoseError(path, .unreadable, exists ? "cannot open the file for reading" : "no such file")
        }
        defer { try? fh.close() }
        do {
            return [UInt8](try fh.readToEnd() ?? Data())
        } catch {
            throw PoseError(path, .unreadable, "reading failed: \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` to a temporary file in the same folder, fsyncs it and renames it over `path`,
    /// so an existing file is either fully replaced or left untouched.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PoseError(path, .unreadable, "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = true
        bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + done, buf.count - done)
                if n <= 0 { ok = false; break }
                done += n
            }
        }
        if ok { ok = fsync(fd) == 0 }
        let closeOK = close(fd) == 0
        guard ok && closeOK, rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw PoseError(path, .unreadable, "writing failed: \(reason)")
        }
    }
}
