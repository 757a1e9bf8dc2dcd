import Foundation
import Testing
import SignPose

/// Damaged packs are refused with the damaged file's path and the reason.
@Suite("Corpus: corrupt shard packs")
struct CorpusCorruptPackTests {
    /// A fresh 8-clip pack in two or more shards.
    static func pack() throws -> (dir: String, header: ShardPackHeader) {
        let (_, dir) = try CorpusFixtures.packed(count: 8, shardBytes: 48 << 10)
        let h = try ShardPack(directory: dir).header
        #expect(h.shards.count >= 2)
        return (dir, h)
    }

    static func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) throws {
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try h.seek(toOffset: UInt64(offset))
        try h.write(contentsOf: Data(bytes))
        try h.close()
    }

    static func truncate(_ path: String, by n: Int) throws {
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(Foundation.truncate(path, off_t(size - n)) == 0)
    }

    static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// Recomputes the records checksum so that only the record check can catch an edited record.
    static func resealRecords(_ indexPath: String, count: Int) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: indexPath)))
        var h: UInt64 = 0
        var start = 0
        while start < count {
            let n = min(ShardPackWriter.recordsPerChunk, count - start)
            let lo = 64 + start * ClipRecord.size
            h = ShardPack.foldChecksum(h, bytes[lo..<(lo + n * ClipRecord.size)].withUnsafeBytes { ClipChecksum.of($0) })
            start += n
        }
        try patch(indexPath, at: 48, withUnsafeBytes(of: h.littleEndian) { Array($0) })
    }

    /// The error opening `dir`; records a failure when it opens.
    static func openError(_ dir: String) -> CorpusError? {
        do { _ = try ShardPack(directory: dir); Issue.record("the damaged pack opened"); return nil } catch let e as CorpusError { return e } catch {
            Issue.record("unexpected error \(error)"); return nil
        }
    }

    @Test func truncatedShard() throws {
        let (dir, h) = try Self.pack()
        try Self.truncate(dir + "/" + h.shards[1].file, by: 10)
        let e = try #require(Self.openError(dir))
        #expect(e.file == dir + "/" + h.shards[1].file && e.kind == .truncated, "\(e)")
        #expect(e.reason == "the shard header declares \(h.shards[1].bytes) bytes, the file has \(h.shards[1].bytes - 10)")
    }

    @Test func badShardMagic() throws {
        let (dir, h) = try Self.pack()
        try Self.patch(dir + "/" + h.shards[0].file, at: 0, Array("GARBAGE!".utf8))
        let e = try #require(Self.openError(dir))
        #expect(e.file == dir + "/" + h.shards[0].file && e.kind == .corrupt && e.reason.hasPrefix("bad magic 'GARBAGE!'"), "\(e)")
    }

    @Test func wrongShardVersion() throws {
        let (dir, h) = try Self.pack()
        try Self.patch(dir + "/" + h.shards[0].file, at: 8, Self.le32(7))
        let e = try #require(Self.openError(dir))
        #expect(e.file.hasSuffix(h.shards[0].file) && e.kind == .unsupportedVersion && e.reason.hasPrefix("shard version 7;"), "\(e)")
    }

    @Test func shardOfAnotherPack() throws {
        let (dir, h) = try Self.pack()
        try Self.patch(dir + "/" + h.shards[1].file, at: 16, [1, 2, 3, 4, 5, 6, 7, 8])
        let e = try #require(Self.openError(dir))
        #expect(e.file.hasSuffix(h.shards[1].file) && e.kind == .corrupt && e.reason.contains("differs from \(h.shards[1].id!) in header.json"), "\(e)")
    }

    @Test func missingShard() throws {
        let (dir, h) = try Self.pack()
        try FileManager.default.removeItem(atPath: dir + "/" + h.shards[0].file)
        let e = try #require(Self.openError(dir))
        #expect(e.file.hasSuffix(h.shards[0].file) && e.kind == .io && e.reason == "no such file", "\(e)")
    }

    @Test func badIndexMagicVersionAndTruncation() throws {
        for damage in 0..<3 {
            let (dir, h) = try Self.pack()
            let path = dir + "/" + h.index.file
            switch damage {
            case 0: try Self.patch(path, at: 0, Array("SZPSHARD".utf8))
            case 1: try Self.patch(path, at: 8, Self.le32(2))
            default: try Self.truncate(path, by: 3)
            }
            let e = try #require(Self.openError(dir))
            #expect(e.file == path, "\(e)")
            let expected: [CorpusError.Kind] = [.corrupt, .unsupportedVersion, .truncated]
            #expect(e.kind == expected[damage], "\(e)")
        }
    }

    @Test func headerVersionAndGarbage() throws {
        let (dir, h) = try Self.pack()
        var newer = h
        newer.version = 2
        try newer.encoded().withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dir + "/header.json")) }
        let e = try #require(Self.openError(dir))
        #expect(e.file == dir + "/header.json" && e.kind == .unsupportedVersion && e.reason.hasPrefix("pack version 2;"), "\(e)")
        try Data("{\"format\": 1".utf8).write(to: URL(fileURLWithPath: dir + "/header.json"))
        let g = try #require(Self.openError(dir))
        #expect(g.file == dir + "/header.json" && g.kind == .corrupt && g.reason.hasPrefix("not a pack header"), "\(g)")
    }

    @Test func recordShardIndexOutOfRange() throws {
        let (dir, h) = try Self.pack()
        let path = dir + "/" + h.index.file
        try Self.patch(path, at: 64 + 3 * ClipRecord.size, Self.le32(99))
        try Self.resealRecords(path, count: h.clips)
        let e = try #require(Self.openError(dir))
        #expect(e.file == path && e.kind == .corrupt && e.reason == "clip 3: shard 99 out of range (\(h.shards.count) shards)", "\(e)")
    }

    @Test func recordOffsetAndLabelOutOfRange() throws {
        let (dir, h) = try Self.pack()
        let path = dir + "/" + h.index.file
        try Self.patch(path, at: 64 + 2 * ClipRecord.size + 4, Self.le32(100_000))   // frames
        try Self.resealRecords(path, count: h.clips)
        let e = try #require(Self.openError(dir))
        #expect(e.file == path && e.reason.hasPrefix("clip 2: bytes") && e.reason.contains("out of range of shard"), "\(e)")

        let (dir2, h2) = try Self.pack()
        let path2 = dir2 + "/" + h2.index.file
        try Self.patch(path2, at: 64 + 5 * ClipRecord.size + 24, Self.le32(40))   // label code
        try Self.resealRecords(path2, count: h2.clips)
        let l = try #require(Self.openError(dir2))
        #expect(l.reason == "clip 5: label code 40 out of range (5 labels)", "\(l)")
    }

    @Test func recordsChecksumMismatch() throws {
        let (dir, h) = try Self.pack()
        let path = dir + "/" + h.index.file
        try Self.patch(path, at: 64 + ClipRecord.size + 20, [0, 0, 0xF0, 0x41])   // fps 25 → 30 (0x41F00000)
        let e = try #require(Self.openError(dir))
        #expect(e.file == path && e.kind == .corrupt && e.reason.hasPrefix("records checksum mismatch"), "\(e)")
    }

    @Test func damagedPayloadIsRefusedWhenRead() throws {
        let (dir, h) = try Self.pack()
        let pack0 = try ShardPack(directory: dir)
        let r = try pack0.record(1)
        let shardPath = dir + "/" + h.shards[r.shard].file
        try Self.patch(shardPath, at: r.offset + 100, [0x7B, 0x7B])
        let pack = try ShardPack(directory: dir)   // header-level checks pass
        #expect(throws: CorpusError(shardPath, .corrupt, "clip 1 (bytes \(r.offset)..<\(r.offset + r.byteCount)): checksum mismatch, the shard is damaged")) {
            try pack.clip(1)
        }
        // Through the stream: the error arrives from next(), then the stream ends.
        let stream = try CorpusStream(pack: pack, options: StreamOptions(shuffle: false, batching: .clips(1), bucketByLength: false), epoch: 0)
        #expect(try stream.next()?.indices == [0])
        #expect(throws: CorpusError.self) { try stream.next() }
        #expect(try stream.next() == nil)
    }
}
