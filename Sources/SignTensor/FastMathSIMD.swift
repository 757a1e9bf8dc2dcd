/// A 16-lane form of `FastMath.exp` for kernels that work on `SIMD16<Float>` (softmax, cross-entropy).
extension FastMath {
    /// e^x on 16 lanes with the scalar `exp(_: Float)`'s clamp, polynomial and exponent assembly, so it returns
    /// the same bits for every non-NaN input (NaN stays NaN). The integer n comes from the bits of
    /// x·log₂e + 1.5·2²³ instead of an `Int32` conversion, which keeps the loop vectorized and cannot trap.
    @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        var xc = x.replacing(with: -87.3, where: x .< -87.3)
        xc = xc.replacing(with: 88.7, where: xc .> 88.7)
        let magic: Float = 12_582_912
        let shifted = xc * 1.442_695_04 + magic
        let n = shifted - magic
        var r = xc - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = SIMD16<Float>(repeating: 1.987_569_1e-4)
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5.0e-1
        let er = (p * r) * r + r + 1
        let nInt = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        return er * unsafeBitCast((nInt &+ 127) &<< 23, to: SIMD16<Float>.self)
    }
}
