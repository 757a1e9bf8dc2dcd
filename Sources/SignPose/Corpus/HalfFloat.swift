/// IEEE 754 binary16 (float16) conversion for pack payloads.
///
/// Decoding goes through a 65,536-entry table (256 KiB, built once) so that a clip converts at memory
/// speed whatever the CPU's F16C support. Encoding rounds to nearest, ties to even (`Float16(x)`).
/// Precision: 11 significant bits, so |x − half(x)| ≤ 2⁻¹¹·|x| (pixel coordinates up to 2048 are off
/// by at most 0.5 px, scores in [0, 1] by at most 2.4e-4); the largest finite value is 65,504.
public enum HalfFloat {
    static let table: [Float] = (0..<65_536).map { Float(Float16(bitPattern: UInt16($0))) }

    /// Decodes `count` little-endian float16 values from `src` into `dst`.
    static func decode(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        table.withUnsafeBufferPointer { t in
            let s = src.assumingMemoryBound(to: UInt16.self)
            for i in 0..<count { dst[i] = t[Int(UInt16(littleEndian: s[i]))] }
        }
    }

    /// Encodes `count` floats into little-endian float16 bits; returns the index of the first value
    /// that is not finite after rounding (|x| > 65,504 or NaN), or nil.
    static func encode(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<UInt16>) -> Int? {
        var bad: Int?
        for i in 0..<count {
            let h = Float16(src[i])
            if bad == nil, !h.isFinite { bad = i }
            dst[i] = h.bitPattern.littleEndian
        }
        return bad
    }

    /// The largest error float16 rounding may introduce at `x` (half a unit in the last place).
    public static func tolerance(_ x: Float) -> Float { max(abs(x) * (1.0 / 2048.0), 3e-8) }
}
