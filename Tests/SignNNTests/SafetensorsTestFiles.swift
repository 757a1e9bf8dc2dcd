import Foundation

/// Builds safetensors files byte by byte: an 8-byte little-endian length, the header bytes, the data.
enum SafetensorsBytes {
    static func file(header: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let n = declaredLength ?? UInt64(header.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + header + data
    }

    static func file(header: String, data: [UInt8] = []) -> [UInt8] {
        file(header: Array(header.utf8), data: data)
    }

    /// Little-endian bytes of Float32 values.
    static func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
    }

    /// Little-endian bytes of 16-bit patterns (F16 or BF16).
    static func u16(_ values: [UInt16]) -> [UInt8] {
        values.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    static func f64(_ values: [Double]) -> [UInt8] {
        values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt64($0))) } }
    }

    /// Writes `bytes` to a new file in `folder` and returns its URL.
    static func save(_ bytes: [UInt8], in folder: URL, name: String) throws -> URL {
        let url = folder.appendingPathComponent(name + ".safetensors")
        try Data(bytes).write(to: url)
        return url
    }
}
