/// Reading and writing uncompressed ("stored") ZIP archives, which is what `np.savez` produces.
///
/// Reading goes through the central directory (with ZIP64 extra fields and the ZIP64 end record, as
/// numpy's `force_zip64` writes them), checks each member's CRC-32, and rejects compressed or encrypted
/// members. Writing produces plain ZIP (no ZIP64; members and archive under 4 GiB).
enum ZipArchive {
    struct Member { var name: String; var bytes: [UInt8] }

    static func read(_ bytes: [UInt8], file: String) throws -> [Member] {
        guard bytes.count >= 22 else { throw PoseError(file, .truncated, "\(bytes.count) bytes is too short for a ZIP archive (.npz)") }
        var eocd = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65535)
        while i >= lowest {
            if bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x05 && bytes[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw PoseError(file, .corrupt, "no ZIP end-of-central-directory record: not an .npz archive, or truncated") }
        var r = ByteReader(bytes, file: file)
        try r.skip(eocd + 10, "ZIP end record")
        var entries = try r.u16("ZIP entry count")
        _ = try r.u32("ZIP central directory size")
        var cdOffset = try r.u32("ZIP central directory offset")
        if entries == 0xFFFF || cdOffset == 0xFFFF_FFFF {
            // ZIP64: the locator sits right before the end record and points at the ZIP64 end record.
            guard eocd >= 20 else { throw PoseError(file, .corrupt, "ZIP64 end-record locator missing") }
            var l = ByteReader(bytes, file: file)
            try l.skip(eocd - 20, "ZIP64 locator")
            guard try l.u32("ZIP64 locator signature") == 0x0706_4B50 else { throw PoseError(file, .corrupt, "ZIP64 end-record locator missing") }
            _ = try l.u32("ZIP64 locator disk")
            let recordOffset = try l.u64("ZIP64 end-record offset")
            var z = ByteReader(bytes, file: file)
            try z.skip(recordOffset, "ZIP64 end record")
            guard try z.u32("ZIP64 end-record signature") == 0x0606_4B50 else { throw PoseError(file, .corrupt, "bad ZIP64 end-record signature") }
            try z.skip(8 + 2 + 2 + 4 + 4 + 8, "ZIP64 end record")
            entries = try z.u64("ZIP64 entry count")
            _ = try z.u64("ZIP64 central directory size")
            cdOffset = try z.u64("ZIP64 central directory offset")
        }
        var c = ByteReader(bytes, file: file)
        try c.skip(cdOffset, "ZIP central directory")
        var members = [Member]()
        for e in 0..<entries {
            guard try c.u32("ZIP central entry \(e) signature") == 0x0201_4B50 else {
                throw PoseError(file, .corrupt, "ZIP central directory entry \(e) has a bad signature")
            }
            try c.skip(4, "ZIP central entry")
            let flags = try c.u16("ZIP flags"), method = try c.u16("ZIP method")
            try c.skip(4, "ZIP time and date")
            let crc = try c.u32("ZIP CRC-32")
            var compressed = try c.u32("ZIP compressed size"), size = try c.u32("ZIP size")
            let nameLength = try c.u16("ZIP name length"), extraLength = try c.u16("ZIP extra length")
            let commentLength = try c.u16("ZIP comment length")
            try c.skip(8, "ZIP central entry")
            var localOffset = try c.u32("ZIP local header offset")
            let name = try c.utf8(nameLength, "ZIP member name")
            var extra = ByteReader(Array(try c.raw(extraLength, "ZIP extra field")), file: file)
            while extra.remaining >= 4 {
                let id = try extra.u16("ZIP extra id"), length = try extra.u16("ZIP extra length")
                guard id == 0x0001 else { try extra.skip(length, "ZIP extra field"); continue }
                if size == 0xFFFF_FFFF { size = try extra.u64("ZIP64 size") }
                if compressed == 0xFFFF_FFFF { compressed = try extra.u64("ZIP64 compressed size") }
                if localOffset == 0xFFFF_FFFF { localOffset = try extra.u64("ZIP64 local header offset") }
                break
            }
            try c.skip(commentLength, "ZIP comment")
            guard flags & 1 == 0 else { throw PoseError(file, .unsupportedFormat, "member \(name) is encrypted") }
            guard method == 0 else {
                throw PoseError(file, .unsupportedFormat, "member \(name) is compressed (ZIP method \(method)); only uncompressed .npz (np.savez, not np.savez_compressed) is read")
            }
            guard compressed == size else { throw PoseError(file, .corrupt, "stored member \(name) has compressed size \(compressed) ≠ size \(size)") }
            var l = ByteReader(bytes, file: file)
            try l.skip(localOffset, "ZIP local header of \(name)")
            guard try l.u32("ZIP local header signature of \(name)") == 0x0403_4B50 else {
                throw PoseError(file, .corrupt, "member \(name) has a bad local header signature")
            }
            try l.skip(22, "ZIP local header of \(name)")
            let ln = try l.u16("ZIP local name length"), le = try l.u16("ZIP local extra length")
            try l.skip(ln + le, "ZIP local name and extra of \(name)")
            let data = Array(try l.raw(size, "data of member \(name)"))
            guard CRC32.checksum(data) == UInt32(crc) else {
                throw PoseError(file, .corrupt, "member \(name) fails its CRC-32 check (stored 0x\(String(crc, radix: 16)), computed 0x\(String(CRC32.checksum(data), radix: 16)))")
            }
            members.append(Member(name: name, bytes: data))
        }
        return members
    }

    static func write(_ members: [Member], file: String) throws -> [UInt8] {
        var w = ByteWriter(file: file, capacity: members.reduce(22) { $0 + $1.bytes.count + 100 })
        var central = ByteWriter(file: file)
        for m in members {
            let name = Array(m.name.utf8)
            let crc = Int(CRC32.checksum(m.bytes))
            let offset = w.bytes.count
            try w.u32(0x0403_4B50, "signature"); try w.u16(20, "version"); try w.u16(0, "flags"); try w.u16(0, "method")
            try w.u16(0, "time"); try w.u16(0x21, "date")
            try w.u32(crc, "CRC-32"); try w.u32(m.bytes.count, "size of \(m.name)"); try w.u32(m.bytes.count, "size of \(m.name)")
            try w.u16(name.count, "name length"); try w.u16(0, "extra length")
            w.append(name)
            w.append(m.bytes)
            try central.u32(0x0201_4B50, "signature"); try central.u16(20, "version"); try central.u16(20, "version")
            try central.u16(0, "flags"); try central.u16(0, "method"); try central.u16(0, "time"); try central.u16(0x21, "date")
            try central.u32(crc, "CRC-32"); try central.u32(m.bytes.count, "size"); try central.u32(m.bytes.count, "size")
            try central.u16(name.count, "name length"); try central.u16(0, "extra"); try central.u16(0, "comment")
            try central.u16(0, "disk"); try central.u16(0, "internal attributes"); try central.u32(0, "external attributes")
            try central.u32(offset, "local header offset of \(m.name)")
            central.append(name)
        }
        let cdOffset = w.bytes.count
        w.append(central.bytes)
        try w.u32(0x0605_4B50, "signature"); try w.u16(0, "disk"); try w.u16(0, "disk")
        try w.u16(members.count, "entries"); try w.u16(members.count, "entries")
        try w.u32(central.bytes.count, "central directory size"); try w.u32(cdOffset, "central directory offset")
        try w.u16(0, "comment length")
        return w.bytes
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP and zlib compute it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }
}
