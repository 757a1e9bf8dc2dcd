import Foundation

/// A packed pose corpus: reader of the shard pack format (version 1), written by `ShardPackWriter`.
///
/// ## Files (one folder)
/// - `header.json` (`ShardPackHeader`): format name `signzoo-pose-pack`, version, pack id, the layout
///   (name, point count, components with point names), `values_per_point` 3 (`x`, `y`, `score`),
///   `dtype` float16, byte order, clip and frame counts, the index file and every shard file (relative
///   path, 16-hex-digit id, clips, bytes), and the label / language / split name tables.
/// - `<pack id>-NNNNN.shard`: keypoints. `<pack id>.index`: one record per clip plus metadata.
///
/// All integers and floats are little-endian. Offsets are bytes from the start of the file.
///
/// ## Shard file
/// | offset | type | field |
/// | --- | --- | --- |
/// | 0 | 8 bytes | magic `SZPSHARD` |
/// | 8 | u32 | format version (1) |
/// | 12 | u32 | shard number (position in `header.json` `shards` when written) |
/// | 16 | u64 | shard id (random; `header.json` repeats it as 16 hex digits) |
/// | 24 | u64 | payload bytes = file size − 32 |
/// | 32 | … | clips back to back, no padding: clip = `frames × points × 3` float16 (x, y, score), frame-major |
///
/// ## Index file
/// | offset | type | field |
/// | --- | --- | --- |
/// | 0 | 8 bytes | magic `SZPINDEX` |
/// | 8 | u32 | format version (1) |
/// | 12 | u32 | record size (64) |
/// | 16 | u64 | clip count N |
/// | 24 | u64 | meta blob offset M = 64 + 64·N |
/// | 32 | u64 | meta blob bytes (the file ends right after it) |
/// | 40 | u32 | shard count (= `header.json` `shards` count) |
/// | 44 | u32 | 0 |
/// | 48 | u64 | records checksum: fold over chunks of 1024 records (`foldChecksum`) |
/// | 56 | u64 | 0 |
/// | 64 | 64·N | records (`ClipRecord`), in pack order |
/// | M | … | meta blob: per clip `ClipMeta` (id, text, glosses) |
///
/// Record (64 bytes): `u32 shard, u32 frames, u64 offset (in the shard file), u16 points,
/// u8 values per point (3), u8 dtype (1 = float16), f32 fps, u32 label code, u16 language code,
/// u16 split code (all-ones = absent; codes index header.json's lists), u64 clip checksum (of the clip's
/// float16 bytes), u64 meta offset (in the blob), u32 meta bytes, u16 width, u16 height,
/// u32 source start frame, u32 low 32 bits of the meta entry's checksum`.
///
/// ## Checks
/// Opening reads `header.json`, the index header and every record (in 64 KiB chunks: memory stays flat),
/// and the 32-byte header of every shard. It refuses, naming the file and the reason: bad magic, an
/// unknown version, a truncated or over-long file, a shard whose id or size differs from `header.json`,
/// a records checksum mismatch, and any record pointing outside its shard, at a shard that does not
/// exist, at an unknown label/language/split code, or outside the meta blob. Reading a clip verifies its
/// checksum (and its metadata's), so bytes damaged after opening are refused too, naming shard and clip.
///
/// Reads are positioned (`pread`) into the caller's buffer: nothing is mapped, so the resident memory of a
/// reader does not grow with the corpus (the kernel's page cache holds recently read shards).
public final class ShardPack: @unchecked Sendable {
    public static let formatVersion = 1
    public static let headerName = "header.json"
    static let shardMagic = Array("SZPSHARD".utf8)
    static let indexMagic = Array("SZPINDEX".utf8)

    public let directory: String
    public let header: ShardPackHeader
    /// The stored layout (formats "XYC").
    public let layout: PoseLayout
    public var count: Int { header.clips }

    let index: ReadOnlyFile
    let shards: [ReadOnlyFile]
    let metaOffset: Int
    let metaBytes: Int

    /// Opens and checks the pack in `directory` (see the type's doc for what is checked).
    public init(directory: String) throws {
        self.directory = directory
        let headerPath = directory + "/" + ShardPack.headerName
        let headerFile = try ReadOnlyFile(path: headerPath)
        guard headerFile.size <= 256 << 20 else { throw CorpusError(headerPath, .corrupt, "\(headerFile.size) bytes is too large for a pack header") }
        let headerBytes = try headerFile.bytes(count: headerFile.size, at: 0, "header")
        let h: ShardPackHeader
        do { h = try JSONDecoder().decode(ShardPackHeader.self, from: Data(headerBytes)) } catch {
            throw CorpusError(headerPath, .corrupt, "not a pack header: \(ShardPack.describe(error))")
        }
        guard h.format == ShardPackHeader.formatName else {
            throw CorpusError(headerPath, .corrupt, "format is '\(h.format)', expected '\(ShardPackHeader.formatName)'")
        }
        guard h.version == ShardPack.formatVersion else {
            throw CorpusError(headerPath, .unsupportedVersion, "pack version \(h.version); this reader knows version \(ShardPack.formatVersion)")
        }
        guard h.valuesPerPoint == 3, h.dtype == "float16", h.byteOrder == "little" else {
            throw CorpusError(headerPath, .unsupportedVersion, "values_per_point \(h.valuesPerPoint), dtype \(h.dtype), byte order \(h.byteOrder); this reader reads 3 little-endian float16 values per point")
        }
        header = h
        layout = try ShardPack.layout(of: h, file: headerPath)

        // Shards: magic, version, id, size.
        var files: [ReadOnlyFile] = []
        for (n, entry) in h.shards.enumerated() {
            let path = directory + "/" + entry.file
            let f = try ReadOnlyFile(path: path)
            guard f.size >= 32 else { throw CorpusError(path, .truncated, "\(f.size) bytes, shorter than the 32-byte shard header") }
            let head = try f.bytes(count: 32, at: 0, "shard header")
            try head.withUnsafeBytes { b in
                guard Array(b[0..<8]) == ShardPack.shardMagic else { throw CorpusError(path, .corrupt, "bad magic \(ShardPack.show(Array(b[0..<8]))), expected SZPSHARD: not a shard file") }
                let version = Int(b.le(8, as: UInt32.self))
                guard version == ShardPack.formatVersion else { throw CorpusError(path, .unsupportedVersion, "shard version \(version); this reader knows version \(ShardPack.formatVersion)") }
                let id = ShardPack.hex16(b.le(16, as: UInt64.self))
                guard entry.id == nil || entry.id == id else { throw CorpusError(path, .corrupt, "shard id \(id) differs from \(entry.id!) in header.json (a file of another pack?)") }
                let payload = Int(truncatingIfNeeded: b.le(24, as: UInt64.self))
                guard payload == f.size - 32 else {
                    throw CorpusError(path, f.size - 32 < payload ? .truncated : .corrupt, "the shard header declares \(payload + 32) bytes, the file has \(f.size)")
                }
            }
            guard f.size == entry.bytes else { throw CorpusError(path, .corrupt, "\(f.size) bytes, header.json says \(entry.bytes) (shard \(n))") }
            files.append(f)
        }
        shards = files

        // Index header.
        let indexPath = directory + "/" + h.index.file
        let index = try ReadOnlyFile(path: indexPath)
        self.index = index
        guard index.size >= 64 else { throw CorpusError(indexPath, .truncated, "\(index.size) bytes, shorter than the 64-byte index header") }
        let ih = try index.bytes(count: 64, at: 0, "index header")
        var checksum: UInt64 = 0
        (metaOffset, metaBytes, checksum) = try ih.withUnsafeBytes { b in
            guard Array(b[0..<8]) == ShardPack.indexMagic else { throw CorpusError(indexPath, .corrupt, "bad magic \(ShardPack.show(Array(b[0..<8]))), expected SZPINDEX: not an index file") }
            let version = Int(b.le(8, as: UInt32.self))
            guard version == ShardPack.formatVersion else { throw CorpusError(indexPath, .unsupportedVersion, "index version \(version); this reader knows version \(ShardPack.formatVersion)") }
            guard Int(b.le(12, as: UInt32.self)) == ClipRecord.size else { throw CorpusError(indexPath, .corrupt, "record size \(b.le(12, as: UInt32.self)), expected \(ClipRecord.size)") }
            let n = Int(truncatingIfNeeded: b.le(16, as: UInt64.self))
            guard n == h.clips else { throw CorpusError(indexPath, .corrupt, "\(n) records, header.json says \(h.clips) clips") }
            let m = Int(truncatingIfNeeded: b.le(24, as: UInt64.self)), mb = Int(truncatingIfNeeded: b.le(32, as: UInt64.self))
            guard m == 64 + n * ClipRecord.size else { throw CorpusError(indexPath, .corrupt, "meta blob offset \(m), expected \(64 + n * ClipRecord.size) for \(n) records") }
            guard Int(b.le(40, as: UInt32.self)) == h.shards.count else { throw CorpusError(indexPath, .corrupt, "\(b.le(40, as: UInt32.self)) shards, header.json lists \(h.shards.count)") }
            guard mb >= 0, m + mb == index.size else {
                throw CorpusError(indexPath, index.size < m + mb ? .truncated : .corrupt, "the index header declares \(m + mb) bytes, the file has \(index.size)")
            }
            return (m, mb, b.le(48, as: UInt64.self))
        }
        try verifyRecords(expectedChecksum: checksum)
    }

    /// Every record: in range, consistent with the shards and name tables; and the records checksum.
    private func verifyRecords(expectedChecksum: UInt64) throws {
        let chunk = ShardPackWriter.recordsPerChunk
        var buffer = [UInt8](repeating: 0, count: chunk * ClipRecord.size)
        var folded: UInt64 = 0
        var start = 0
        while start < count {
            let n = min(chunk, count - start)
            try buffer.withUnsafeMutableBytes { raw in
                let part = UnsafeMutableRawBufferPointer(rebasing: raw[0..<(n * ClipRecord.size)])
                try index.read(into: part, at: 64 + start * ClipRecord.size, "records \(start)..<\(start + n)")
                folded = ShardPack.foldChecksum(folded, ClipChecksum.of(UnsafeRawBufferPointer(part)))
                for k in 0..<n {
                    let r = ClipRecord(UnsafeRawBufferPointer(rebasing: part[(k * ClipRecord.size)..<((k + 1) * ClipRecord.size)]))
                    try check(r, clip: start + k)
                }
            }
            start += n
        }
        guard folded == expectedChecksum else {
            throw CorpusError(index.path, .corrupt, "records checksum mismatch (stored \(ShardPack.hex16(expectedChecksum)), computed \(ShardPack.hex16(folded))): the index is damaged")
        }
    }

    func check(_ r: ClipRecord, clip i: Int) throws {
        func bad(_ why: String) -> CorpusError { CorpusError(index.path, .corrupt, "clip \(i): \(why)") }
        guard r.shard < shards.count else { throw bad("shard \(r.shard) out of range (\(shards.count) shards)") }
        guard r.points == layout.pointCount, r.valuesPerPoint == 3, r.dtype == 1 else {
            throw bad("\(r.points) points × \(r.valuesPerPoint) values, dtype \(r.dtype); the pack stores \(layout.pointCount) × 3 float16")
        }
        guard r.frames > 0 else { throw bad("0 frames") }
        let shard = shards[r.shard]
        guard r.offset >= 32, r.offset + r.byteCount <= shard.size else {
            throw bad("bytes \(r.offset)..<\(r.offset + r.byteCount) out of range of shard \(shard.path) (\(shard.size) bytes)")
        }
        guard r.metaOffset >= 0, r.metaBytes >= 0, r.metaOffset + r.metaBytes <= metaBytes else {
            throw bad("metadata \(r.metaOffset)..<\(r.metaOffset + r.metaBytes) out of range of the meta blob (\(metaBytes) bytes)")
        }
        if let l = r.label, l >= header.labels.count { throw bad("label code \(l) out of range (\(header.labels.count) labels)") }
        if let l = r.language, l >= header.languages.count { throw bad("language code \(l) out of range (\(header.languages.count) languages)") }
        if let s = r.split, s >= header.splits.count { throw bad("split code \(s) out of range (\(header.splits.count) splits)") }
        guard r.fps.isFinite, r.fps >= 0 else { throw bad("fps \(r.fps)") }
    }

    // MARK: Access

    /// Record `i` (one positioned read of 64 bytes).
    public func record(_ i: Int) throws -> ClipRecord {
        try records(i..<(i + 1))[0]
    }

    /// Records `range` (one positioned read).
    public func records(_ range: Range<Int>) throws -> [ClipRecord] {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw CorpusError(index.path, .invalidArgument, "clips \(range) out of range (\(count) clips)")
        }
        var raw = [UInt8](repeating: 0, count: range.count * ClipRecord.size)
        return try raw.withUnsafeMutableBytes { b in
            try index.read(into: b, at: 64 + range.lowerBound * ClipRecord.size, "records \(range)")
            return try (0..<range.count).map { k in
                let r = ClipRecord(UnsafeRawBufferPointer(rebasing: b[(k * ClipRecord.size)..<((k + 1) * ClipRecord.size)]))
                try check(r, clip: range.lowerBound + k)
                return r
            }
        }
    }

    /// The metadata of clip `i` whose record is `r`.
    public func metadata(_ r: ClipRecord, clip i: Int) throws -> ClipMetadata {
        var raw = [UInt8](repeating: 0, count: r.metaBytes)
        let meta: ClipMeta? = try raw.withUnsafeMutableBytes { b in
            try index.read(into: b, at: metaOffset + r.metaOffset, "metadata of clip \(i)")
            guard UInt32(truncatingIfNeeded: ClipChecksum.of(UnsafeRawBufferPointer(b))) == r.metaChecksum else {
                throw CorpusError(index.path, .corrupt, "clip \(i): metadata checksum mismatch, the index is damaged")
            }
            return ClipMeta.decode(UnsafeRawBufferPointer(b))
        }
        guard let meta else { throw CorpusError(index.path, .corrupt, "clip \(i): metadata entry is malformed") }
        return ClipMetadata(id: meta.id, text: meta.text, language: r.language.map { header.languages[$0] },
                            label: r.label.map { header.labels[$0] }, glosses: meta.glosses,
                            split: r.split.map { header.splits[$0] }, fps: r.fps, width: r.width, height: r.height,
                            sourceStart: r.sourceStart)
    }

    /// Reads clip `i`'s values (`frames × points × 3` floats: x, y, score) into `out`, using `scratch`
    /// for the float16 bytes (both grown as needed), verifying the clip checksum.
    public func readValues(_ r: ClipRecord, clip i: Int, into out: inout [Float], scratch: inout [UInt8]) throws {
        let bytes = r.byteCount
        if scratch.count < bytes { scratch = [UInt8](repeating: 0, count: bytes) }
        let shard = shards[r.shard]
        let ok = try scratch.withUnsafeMutableBytes { raw -> Bool in
            let part = UnsafeMutableRawBufferPointer(rebasing: raw[0..<bytes])
            try shard.read(into: part, at: r.offset, "clip \(i)")
            return ClipChecksum.of(UnsafeRawBufferPointer(part)) == r.checksum
        }
        guard ok else { throw CorpusError(shard.path, .corrupt, "clip \(i) (bytes \(r.offset)..<\(r.offset + bytes)): checksum mismatch, the shard is damaged") }
        let n = bytes / 2
        if out.count != n { out = [Float](repeating: 0, count: n) }
        scratch.withUnsafeBytes { s in out.withUnsafeMutableBufferPointer { HalfFloat.decode(s.baseAddress!, count: n, into: $0.baseAddress!) } }
    }

    /// Clip `i`: metadata and values.
    public func clip(_ i: Int) throws -> CorpusClip {
        let r = try record(i)
        return try clip(r, index: i)
    }

    public func clip(_ r: ClipRecord, index i: Int) throws -> CorpusClip {
        var values: [Float] = [], scratch: [UInt8] = []
        try readValues(r, clip: i, into: &values, scratch: &scratch)
        return CorpusClip(index: i, metadata: try metadata(r, clip: i), labelIndex: r.label, frames: r.frames,
                          points: r.points, values: values)
    }

    /// Total bytes of the pack's files (header, index, shards).
    public var totalBytes: Int {
        let headerBytes = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + ShardPack.headerName)[.size] as? Int) ?? 0
        return headerBytes + index.size + shards.reduce(0) { $0 + $1.size }
    }

    // MARK: Helpers

    static func layout(of h: ShardPackHeader, file: String) throws -> PoseLayout {
        let comps = h.layout.components
        guard comps.reduce(0, { $0 + $1.points.count }) == h.layout.pointCount, h.layout.pointCount > 0 else {
            throw CorpusError(file, .corrupt, "layout point_count \(h.layout.pointCount) differs from its components' \(comps.reduce(0) { $0 + $1.points.count }) points")
        }
        if let registered = try? PoseLayouts.named(h.layout.name) {
            let l = registered.withDims(2)
            if ShardPackWriter.samePoints(l, PoseLayout(name: h.layout.name, components: comps)) { return l }
        }
        return PoseLayout(name: h.layout.name, components: comps)
    }

    /// Folds the checksum of one chunk of records (1024 records, the last one shorter) into `h`.
    public static func foldChecksum(_ h: UInt64, _ chunk: UInt64) -> UInt64 {
        var x = (h ^ chunk) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 32
        return x
    }

    static func hex16(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    static func show(_ bytes: [UInt8]) -> String {
        "'" + bytes.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined() + "'"
    }

    static func isPackFileName(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard u.count >= 14 else { return false }
        let hex = u[0..<8].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        guard hex else { return false }
        let rest = String(decoding: u[8...], as: UTF8.self)
        if rest == ".index" { return true }
        guard rest.hasSuffix(".shard"), rest.hasPrefix("-") else { return false }
        let digits = rest.dropFirst().dropLast(6)
        return digits.count == 5 && digits.allSatisfy(\.isNumber)
    }

    static func describe(_ error: Error) -> String {
        if let d = error as? DecodingError {
            switch d {
            case .keyNotFound(let k, let c): return "missing key '\((c.codingPath + [k]).map(\.stringValue).joined(separator: "."))'"
            case .typeMismatch(_, let c), .valueNotFound(_, let c):
                return "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
            case .dataCorrupted(let c): return "invalid JSON (\(c.debugDescription))"
            @unknown default: return "\(d)"
            }
        }
        return "\(error)"
    }
}
