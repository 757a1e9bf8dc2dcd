/// A minimal PNG writer: 8-bit truecolour (colour type 2), no interlace, filter type 0 (None) on
/// every row, one IDAT chunk compressed by `Deflate` (fixed-Huffman LZ77 in a zlib stream).
///
/// Written here because no maintained PNG encoder is available as a SwiftPM package for Linux without
/// system libraries, and drawing poses must not add dependencies. File layout (PNG spec §5): the
/// 8-byte signature, then chunks `length (u32 BE) · type · data · CRC-32(type · data) (u32 BE)`:
/// IHDR (width, height, bit depth 8, colour type 2, compression 0, filter 0, interlace 0), IDAT, IEND.
enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// PNG bytes of `rgb` (width × height × 3 bytes, row-major).
    static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(rgb.count == width * height * 3 && width > 0 && height > 0)
        var raw = [UInt8]()
        raw.reserveCapacity(height * (width * 3 + 1))
        for y in 0..<height {
            raw.append(0)  // filter: None
            raw.append(contentsOf: rgb[(y * width * 3)..<((y + 1) * width * 3)])
        }
        var out = signature
        var ihdr = [UInt8]()
        be32(&ihdr, UInt32(width)); be32(&ihdr, UInt32(height))
        ihdr += [8, 2, 0, 0, 0]
        chunk(&out, "IHDR", ihdr)
        chunk(&out, "IDAT", Deflate.zlib(raw))
        chunk(&out, "IEND", [])
        return out
    }

    static func be32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        be32(&out, UInt32(data.count))
        let typed = Array(type.utf8) + data
        out += typed
        be32(&out, CRC32.checksum(typed))
    }
}
