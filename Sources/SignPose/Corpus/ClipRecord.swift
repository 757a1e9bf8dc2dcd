/// One fixed-size (64-byte) index record of a shard pack; see `ShardPack` for the byte layout.
public struct ClipRecord: Equatable, Sendable {
    public static let size = 64
    public static let none32 = UInt32.max
    public static let none16 = UInt16.max

    public var shard: Int
    public var frames: Int
    /// Byte offset of the clip's first value in its shard file.
    public var offset: Int
    public var points: Int
    public var valuesPerPoint: Int
    /// 1 = float16.
    public var dtype: Int
    public var fps: Float
    /// Codes into the header's `labels`, `languages`, `splits` (nil = absent).
    public var label: Int?
    public var language: Int?
    public var split: Int?
    public var checksum: UInt64
    public var metaOffset: Int
    public var metaBytes: Int
    public var width: Int
    public var height: Int
    /// The manifest's `start` (0 when none): frame 0 of the clip is this frame of the pose file.
    public var sourceStart: Int
    /// Low 32 bits of the checksum of the clip's meta entry.
    public var metaChecksum: UInt32

    /// Bytes of the clip's values.
    public var byteCount: Int { frames * points * valuesPerPoint * 2 }

    public init(shard: Int, frames: Int, offset: Int, points: Int, valuesPerPoint: Int = 3, dtype: Int = 1, fps: Float,
                label: Int?, language: Int?, split: Int?, checksum: UInt64, metaOffset: Int, metaBytes: Int,
                width: Int, height: Int, sourceStart: Int, metaChecksum: UInt32 = 0) {
        self.shard = shard; self.frames = frames; self.offset = offset; self.points = points
        self.valuesPerPoint = valuesPerPoint; self.dtype = dtype; self.fps = fps
        self.label = label; self.language = language; self.split = split; self.checksum = checksum
        self.metaOffset = metaOffset; self.metaBytes = metaBytes; self.width = width; self.height = height
        self.sourceStart = sourceStart; self.metaChecksum = metaChecksum
    }

    init(_ b: UnsafeRawBufferPointer) {
        shard = Int(b.le(0, as: UInt32.self))
        frames = Int(b.le(4, as: UInt32.self))
        offset = Int(truncatingIfNeeded: b.le(8, as: UInt64.self))
        points = Int(b.le(16, as: UInt16.self))
        valuesPerPoint = Int(b[18])
        dtype = Int(b[19])
        fps = b.leFloat(20)
        let l = b.le(24, as: UInt32.self), g = b.le(28, as: UInt16.self), s = b.le(30, as: UInt16.self)
        label = l == ClipRecord.none32 ? nil : Int(l)
        language = g == ClipRecord.none16 ? nil : Int(g)
        split = s == ClipRecord.none16 ? nil : Int(s)
        checksum = b.le(32, as: UInt64.self)
        metaOffset = Int(truncatingIfNeeded: b.le(40, as: UInt64.self))
        metaBytes = Int(b.le(48, as: UInt32.self))
        width = Int(b.le(52, as: UInt16.self))
        height = Int(b.le(54, as: UInt16.self))
        sourceStart = Int(b.le(56, as: UInt32.self))
        metaChecksum = b.le(60, as: UInt32.self)
    }

    func store(_ b: UnsafeMutableRawBufferPointer) {
        b.putLE(UInt32(shard), at: 0)
        b.putLE(UInt32(frames), at: 4)
        b.putLE(UInt64(offset), at: 8)
        b.putLE(UInt16(points), at: 16)
        b[18] = UInt8(valuesPerPoint)
        b[19] = UInt8(dtype)
        b.putFloat(fps, at: 20)
        b.putLE(label.map { UInt32($0) } ?? ClipRecord.none32, at: 24)
        b.putLE(language.map { UInt16($0) } ?? ClipRecord.none16, at: 28)
        b.putLE(split.map { UInt16($0) } ?? ClipRecord.none16, at: 30)
        b.putLE(checksum, at: 32)
        b.putLE(UInt64(metaOffset), at: 40)
        b.putLE(UInt32(metaBytes), at: 48)
        b.putLE(UInt16(width), at: 52)
        b.putLE(UInt16(height), at: 54)
        b.putLE(UInt32(sourceStart), at: 56)
        b.putLE(metaChecksum, at: 60)
    }
}

/// The variable-length part of a clip's metadata (id, text, glosses), stored in the index's meta blob:
/// `u32 id length, id UTF-8; u32 text length (0xFFFFFFFF = absent), text; u32 gloss count
/// (0xFFFFFFFF = absent), then per gloss u32 length + UTF-8`.
struct ClipMeta: Equatable {
    var id: String
    var text: String?
    var glosses: [String]?

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func str(_ s: String) { let u = Array(s.utf8); u32(UInt32(u.count)); out.append(contentsOf: u) }
        str(id)
        if let text { str(text) } else { u32(ClipRecord.none32) }
        if let glosses { u32(UInt32(glosses.count)); glosses.forEach(str) } else { u32(ClipRecord.none32) }
        return out
    }

    /// Decodes `b`; nil when the bytes do not form exactly one entry (the caller names the file).
    static func decode(_ b: UnsafeRawBufferPointer) -> ClipMeta? {
        var at = 0
        func u32() -> UInt32? {
            guard at + 4 <= b.count else { return nil }
            defer { at += 4 }
            return b.le(at, as: UInt32.self)
        }
        func str(_ n: UInt32) -> String? {
            let n = Int(n)
            guard at + n <= b.count else { return nil }
            defer { at += n }
            return String(validating: UnsafeRawBufferPointer(rebasing: b[at..<(at + n)]), as: UTF8.self)
        }
        guard let idLen = u32(), idLen != ClipRecord.none32, let id = str(idLen) else { return nil }
        guard let textLen = u32() else { return nil }
        var text: String?
        if textLen != ClipRecord.none32 { guard let t = str(textLen) else { return nil }; text = t }
        guard let glossCount = u32() else { return nil }
        var glosses: [String]?
        if glossCount != ClipRecord.none32 {
            guard Int(glossCount) <= b.count else { return nil }
            var g: [String] = []
            for _ in 0..<glossCount {
                guard let n = u32(), let s = str(n) else { return nil }
                g.append(s)
            }
            glosses = g
        }
        guard at == b.count else { return nil }
        return ClipMeta(id: id, text: text, glosses: glosses)
    }
}
