/// Shared pieces of the loss kernels: shape checks and a deterministic blocked reduction.

/// Elements per reduction block. Blocks are fixed-size (not one per thread), and their partial sums
/// are added serially in Double, so a loss has the same bits for any thread count.
let lossBlockSize = 16_384

/// Σ over blocks of `blockSum(start, end)`, blocks computed in parallel, combined in order.
@inline(__always)
func blockedSum(_ count: Int, blockSize: Int = lossBlockSize, _ blockSum: (Int, Int) -> Float) -> Double {
    guard count > 0 else { return 0 }
    let blocks = (count + blockSize - 1) / blockSize
    if blocks == 1 { return Double(blockSum(0, count)) }
    let partials = UnsafeMutablePointer<Float>.allocate(capacity: blocks)
    defer { partials.deallocate() }
    let out = UnsafeSendable(partials)
    withoutActuallyEscaping(blockSum) { blockSum in
        let f = UnsafeSendable(blockSum)
        Parallel.chunks(blocks, minPerThread: 2) { s, e in
            for b in s..<e { out.value[b] = f.value(b * blockSize, Swift.min(count, (b + 1) * blockSize)) }
        }
    }
    var total = 0.0
    for b in 0..<blocks { total += Double(partials[b]) }
    return total
}

/// Σ_i f(a[i] − b[i]) over [start, end) with SIMD16 lanes and two accumulators. `f` must map 0 to 0:
/// the tail is zero-padded to a full vector.
@inline(__always)
func simdDiffSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ start: Int, _ end: Int,
                 _ f: (SIMD16<Float>) -> SIMD16<Float>) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var i = start
    while i + 32 <= end {
        let d0 = ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let d1 = ra.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self) - rb.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
        acc0 += f(d0)
        acc1 += f(d1)
        i += 32
    }
    while i < end {
        var d = SIMD16<Float>()
        let m = Swift.min(16, end - i)
        for j in 0..<m { d[j] = a[i + j] - b[i + j] }
        acc0 += f(d)
        i += m
    }
    return (acc0 + acc1).sum()
}

/// |x| lane-wise (a compare and blend; the stdlib's `pointwiseMax` is a scalar lane loop).
@inline(__always) func simdAbs(_ x: SIMD16<Float>) -> SIMD16<Float> { x.replacing(with: -x, where: x .< 0) }

/// Loads 16 floats at p[i...].
@inline(__always) func load16(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
}

/// Stores 16 floats at p[i...].
@inline(__always) func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, toByteOffset: i * 4, as: SIMD16<Float>.self)
}

/// Throws unless prediction and target have the same shape.
func checkSameShape(_ op: String, _ prediction: Tensor, _ target: Tensor) throws {
    guard prediction.shape == target.shape else {
        throw TensorError(op, "prediction \(fmt(prediction.shape)) and target \(fmt(target.shape)) differ in shape")
    }
}

/// The gradient pair of a loss of (p − t): dp = d, dt = −d (each only when it requires grad).
func differenceGrads(_ d: Tensor, _ prediction: Tensor, _ target: Tensor) -> [Tensor?] {
    [prediction.requiresGrad ? d : nil, target.requiresGrad ? -d : nil]
}
