#if _endian(big)
#error("SignPose reads and writes little-endian float32 blocks with memcpy; big-endian hosts are not supported")
#endif

/// Bounds-checked little-endian reads over a byte array. Every read names what it reads, so a short
/// file fails with `truncated: <what> at byte <offset> needs <n> bytes, <m> remain`.
struct ByteReader {
    let bytes: [UInt8]
    let file: String
    private(set) var offset = 0

    init(_ bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    var remaining: Int { bytes.count - offset }

    mutating func need(_ n: Int, _ what: String) throws {
        guard n >= 0, n <= remaining else {
            throw PoseError(file, .truncated, "\(what) at byte \(offset) needs \(n) bytes, \(remaining) remain")
        }
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        try need(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16(_ what: String) throws -> Int {
        try need(2, what)
        defer { offset += 2 }
        return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
    }

    mutating func i16(_ what: String) throws -> Int { Int(Int16(truncatingIfNeeded: try u16(what))) }

    mutating func u32(_ what: String) throws -> Int {
        try need(4, what)
        defer { offset += 4 }
        return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
    }

    mutating func u64(_ what: String) throws -> Int {
        let lo = try u32(what), hi = try u32(what)
        guard hi < (1 << 30) else { throw PoseError(file, .corrupt, "\(what) is too large (\(hi) × 2^32)") }
        return lo | hi << 32
    }

    mutating func f32(_ what: String) throws -> Float { Float(bitPattern: UInt32(try u32(what))) }

    mutating func f64(_ what: String) throws -> Double {
        try need(8, what)
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return Double(bitPattern: bits)
    }

    /// A pose-format string: uint16 byte length, then UTF-8 bytes.
    mutating func string(_ what: String) throws -> String {
        let n = try u16("length of \(what)")
        return try utf8(n, what)
    }

    mutating func utf8(_ n: Int, _ what: String) throws -> String {
        try need(n, what)
        let slice = bytes[offset..<(offset + n)]
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw PoseError(file, .corrupt, "\(what) at byte \(offset) is not valid UTF-8")
        }
        offset += n
        return s
    }

    mutating func raw(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
        try need(n, what)
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    mutating func skip(_ n: Int, _ what: String) throws {
        try need(n, what)
        offset += n
    }

    /// `count` little-endian float32 values.
    mutating func floats(_ count: Int, _ what: String) throws -> [Float] {
        try need(count * 4, what)
        let start = offset
        let out = [Float](unsafeUninitializedCapacity: count) { buf, initialized in
            bytes.withUnsafeBytes { src in
                if count > 0 {
                    UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: src.baseAddress! + start, byteCount: count * 4)
                }
            }
            initialized = count
        }
        offset += count * 4
        return out
    }

    /// `count` little-endian float64 values, converted to Float.
    mutating func doublesAsFloats(_ count: Int, _ what: String) throws -> [Float] {
        try need(count * 8, what)
        let start = offset
        let out = [Float](unsafeUninitializedCapacity: count) { buf, initialized in
            bytes.withUnsafeBytes { src in
                let base = src.baseAddress! + start
                for i in 0..<count { buf[i] = Float(base.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
            }
            initialized = count
        }
        offset += count * 8
        return out
    }
}

/// Little-endian writes into a growing byte array.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []
    let file: String

    init(file: String, capacity: Int = 0) {
        self.file = file
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u16(_ v: Int, _ what: String) throws {
        guard v >= 0 && v <= 0xFFFF else { throw PoseError(file, .invalidArgument, "\(what) = \(v) does not fit in uint16") }
        bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8))
    }

    mutating func u32(_ v: Int, _ what: String) throws {
        guard v >= 0 && v <= 0xFFFF_FFFF else { throw PoseError(file, .invalidArgument, "\(what) = \(v) does not fit in uint32") }
        for i in 0..<4 { bytes.append(UInt8((v >> (8 * i)) & 0xFF)) }
    }

    mutating func u64(_ v: Int) { for i in 0..<8 { bytes.append(UInt8((UInt64(v) >> (8 * UInt64(i))) & 0xFF)) } }

    mutating func f32(_ v: Float) {
        let b = v.bitPattern
        for i in 0..<4 { bytes.append(UInt8((b >> (8 * UInt32(i))) & 0xFF)) }
    }

    mutating func string(_ s: String, _ what: String) throws {
        let utf8 = Array(s.utf8)
        try u16(utf8.count, "byte length of \(what) '\(s.prefix(40))'")
        bytes.append(contentsOf: utf8)
    }

    mutating func append<C: Collection>(_ raw: C) where C.Element == UInt8 { bytes.append(contentsOf: raw) }

    mutating func floats(_ values: [Float]) {
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    mutating func floatsAsDoubles(_ values: [Float]) {
        for v in values {
            let b = Double(v).bitPattern
            for i in 0..<8 { bytes.append(UInt8((b >> (8 * UInt64(i))) & 0xFF)) }
        }
    }
}
