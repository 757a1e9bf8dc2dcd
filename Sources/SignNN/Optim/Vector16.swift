/// 16-lane loads and stores for the optimizer kernels. Written as explicit SIMD16 code because the
/// plain element loops did not vectorize (`Float.squareRoot()` and the loop-invariant select kept
/// them scalar); lane-wise IEEE ops give the same bits as the scalar tail loop.
typealias Vector16 = SIMD16<Float>

@inline(__always) func load16(_ p: UnsafePointer<Float>, _ i: Int) -> Vector16 {
    UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i * 4, as: Vector16.self)
}

@inline(__always) func store16(_ v: Vector16, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, toByteOffset: i * 4, as: Vector16.self)
}
