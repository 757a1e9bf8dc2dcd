import Foundation

/// The floating-point element types this reader understands, all little-endian in the file and
/// widened to Float32 on load. Writing always uses F32.
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case f64 = "F64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .f64: return 8
        }
    }

    /// Converts `count` little-endian elements at `src` (any alignment) into Float32 at `dst`.
    ///
    /// - F32: a byte copy (bit-for-bit, NaN payloads kept).
    /// - BF16: the 16 bits are the high half of a Float32: `bits << 16` (exact).
    /// - F16: sign, 5-bit exponent (bias 15), 10-bit mantissa → Float32 exactly, including
    ///   subnormals (renormalized), ±Inf and NaN (payload shifted left by 13, like numpy).
    /// - F64: rounded to nearest Float32 (values beyond Float32's range become ±Inf).
    func decode(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
            #else
            for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
            #endif
        case .bf16:
            for i in 0..<count {
                let h = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                dst[i] = Float(bitPattern: UInt32(h) << 16)
            }
        case .f16:
            for i in 0..<count {
                let h = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                dst[i] = Float(bitPattern: halfToFloatBits(h))
            }
        case .f64:
            for i in 0..<count {
                dst[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
            }
        }
    }
}

/// IEEE 754 binary16 bits → binary32 bits, exact for every input.
@inline(__always) func halfToFloatBits(_ h: UInt16) -> UInt32 {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h) & 0x3FF
    if exponent == 0x1F { return sign | 0x7F80_0000 | (mantissa << 13) }        // Inf / NaN
    if exponent != 0 { return sign | ((exponent + 112) << 23) | (mantissa << 13) } // normal: rebias 15 → 127
    if mantissa == 0 { return sign }                                              // ±0
    // Subnormal: value = mantissa · 2⁻²⁴; shift the leading 1 into the implicit bit.
    var m = mantissa, e: UInt32 = 113
    while m & 0x400 == 0 { m <<= 1; e -= 1 }
    return sign | (e << 23) | ((m & 0x3FF) << 13)
}
