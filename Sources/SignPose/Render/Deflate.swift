/// A small DEFLATE (RFC 1951) compressor in a zlib (RFC 1950) wrapper, for the PNG writer.
///
/// SwiftPM offers no maintained PNG or zlib package that builds on Linux without system headers,
/// and the project adds no dependencies for drawing; Foundation has no zlib API on Linux. Pose
/// drawings are mostly flat background with thin lines, which LZ77 alone compresses well, so this
/// encoder emits one block with the *fixed* Huffman codes (BTYPE = 01) and greedy LZ77 matches found
/// through a hash of the next 3 bytes with chains limited to `maxChain` candidates in a 32 KiB window.
///
/// Fixed codes (RFC 1951 §3.2.6): literal/length symbols 0–143 → 8 bits from 0x30, 144–255 → 9 bits
/// from 0x190, 256–279 → 7 bits from 0, 280–287 → 8 bits from 0xC0; distance codes are 5 bits.
/// Huffman codes are sent most-significant bit first, every other field least-significant bit first.
/// The zlib wrapper is `78 01`, the deflate data, and the Adler-32 of the input, big-endian.
enum Deflate {
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                                    131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                      2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// `lengthCode[len]` for len in 3…258: index into `lengthBase`.
    static let lengthCode: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 259)
        for (i, base) in lengthBase.enumerated() {
            let end = i + 1 < lengthBase.count ? lengthBase[i + 1] : 259
            for l in base..<min(end, 259) { t[l] = UInt8(i) }
        }
        t[258] = 28
        return t
    }()

    static let maxChain = 32
    static let window = 32768

    /// Adler-32 of `bytes`: a = 1 + Σ bytes, b = Σ a after each byte, both mod 65521; `b << 16 | a`.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            let end = min(i + 5552, bytes.count)  // 5552: the most bytes before b can overflow 32 bits
            while i < end { a &+= UInt32(bytes[i]); b &+= a; i += 1 }
            a %= 65521; b %= 65521
        }
        return b << 16 | a
    }

    /// The zlib stream of `bytes`.
    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        out += deflate(bytes)
        let adler = adler32(bytes)
        out += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return out
    }

    /// Raw DEFLATE data of `bytes`: one final block with fixed Huffman codes.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var w = BitWriter()
        w.write(1, 1)  // BFINAL
        w.write(1, 2)  // BTYPE = 01, fixed Huffman
        let n = bytes.count
        let hashSize = 1 << 15
        var head = [Int32](repeating: -1, count: hashSize)
        var prev = [Int32](repeating: -1, count: window)
        bytes.withUnsafeBufferPointer { src in
            func hash(_ i: Int) -> Int {
                (Int(src[i]) << 10 ^ Int(src[i + 1]) << 5 ^ Int(src[i + 2])) & (hashSize - 1)
            }
            func insert(_ i: Int) {
                guard i + 2 < n else { return }
                let h = hash(i)
                prev[i & (window - 1)] = head[h]
                head[h] = Int32(i)
            }
            var i = 0
            while i < n {
                var bestLength = 0, bestDistance = 0
                if i + 2 < n {
                    var candidate = Int(head[hash(i)])
                    var chain = 0
                    let limit = min(258, n - i)
                    while candidate >= 0 && i - candidate <= window && chain < maxChain {
                        if src[candidate + bestLength] == src[i + bestLength] || bestLength == 0 {
                            var l = 0
                            while l < limit && src[candidate + l] == src[i + l] { l += 1 }
                            if l > bestLength { bestLength = l; bestDistance = i - candidate }
                            if l == limit { break }
                        }
                        let next = Int(prev[candidate & (window - 1)])
                        if next >= candidate { break }  // stale slot from an older window position
                        candidate = next
                        chain += 1
                    }
                }
                if bestLength >= 3 {
                    writeLength(&w, bestLength)
                    writeDistance(&w, bestDistance)
                    for k in 0..<bestLength { insert(i + k) }
                    i += bestLength
                } else {
                    writeLiteral(&w, Int(src[i]))
                    insert(i)
                    i += 1
                }
            }
        }
        writeLiteral(&w, 256)  // end of block
        return w.finish()
    }

    /// Literal/length symbol `s` with its fixed Huffman code.
    static func writeLiteral(_ w: inout BitWriter, _ s: Int) {
        switch s {
        case 0...143: w.writeHuffman(0x30 + s, 8)
        case 144...255: w.writeHuffman(0x190 + s - 144, 9)
        case 256...279: w.writeHuffman(s - 256, 7)
        default: w.writeHuffman(0xC0 + s - 280, 8)
        }
    }

    static func writeLength(_ w: inout BitWriter, _ length: Int) {
        let code = Int(lengthCode[length])
        writeLiteral(&w, 257 + code)
        if lengthExtra[code] > 0 { w.write(length - lengthBase[code], lengthExtra[code]) }
    }

    static func writeDistance(_ w: inout BitWriter, _ distance: Int) {
        var code = 0
        while code + 1 < distanceBase.count && distanceBase[code + 1] <= distance { code += 1 }
        w.writeHuffman(code, 5)
        if distanceExtra[code] > 0 { w.write(distance - distanceBase[code], distanceExtra[code]) }
    }
}

/// Packs bit fields least-significant bit first into bytes (DEFLATE's and GIF-LZW's bit order).
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    /// The low `bits` bits of `value`, least-significant first.
    mutating func write(_ value: Int, _ bits: Int) {
        buffer |= UInt64(value & ((1 << bits) - 1)) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            count -= 8
        }
    }

    /// A Huffman code of `bits` bits, most-significant bit first.
    mutating func writeHuffman(_ code: Int, _ bits: Int) {
        var reversed = 0
        for k in 0..<bits where code & (1 << k) != 0 { reversed |= 1 << (bits - 1 - k) }
        write(reversed, bits)
    }

    /// The bytes with the last partial byte zero-padded.
    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(buffer & 0xFF)); buffer = 0; count = 0 }
        return bytes
    }
}
