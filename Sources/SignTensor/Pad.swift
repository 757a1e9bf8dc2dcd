/// Constant padding and explicit broadcasting.
extension Tensor {
    /// Pads with a constant: `pads[i]` gives (before, after) for axis `rank − pads.count + i`, so
    /// `pads` lists the trailing axes in natural order (first to last), and passing `rank` pairs pads
    /// every axis. (PyTorch's F.pad lists axes from the last backwards; this API does not.)
    ///   y[…, j + before, …] = x[…, j, …];  every other y is `value`.
    /// Backward: dx is the interior block of g.
    public func padded(_ pads: [(before: Int, after: Int)], value: Float = 0) throws -> Tensor {
        guard pads.count <= rank else {
            throw TensorError("pad", "\(pads.count) (before, after) pairs for shape \(fmt(shape)) of rank \(rank)")
        }
        guard pads.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
            throw TensorError("pad", "negative padding \(pads.map { "(\($0.before), \($0.after))" }.joined(separator: ", ")) for shape \(fmt(shape))")
        }
        let lead = rank - pads.count
        let before = [Int](repeating: 0, count: lead) + pads.map(\.before)
        let outShape = shape.enumerated().map { d, n in d < lead ? n : n + pads[d - lead].before + pads[d - lead].after }
        if outShape == shape { return self }
        let out = Tensor.full(outShape, value)
        copyBlock(small: shape, big: outShape, offset: before, smallPtr: pointer, bigPtr: out.pointer, intoBig: true)
        let inShape = shape
        return out.recording("pad", [self]) { g in
            let dx = Tensor(uninitializedShape: inShape)
            copyBlock(small: inShape, big: outShape, offset: before, smallPtr: dx.pointer, bigPtr: g.pointer, intoBig: false)
            return [dx]
        }
    }

    /// Broadcasts to `shape` (NumPy rules; a copy). Backward sums g back over the broadcast axes.
    public func expanded(to target: [Int]) throws -> Tensor {
        guard try broadcastShape(shape, target, op: "expand") == target else {
            throw TensorError("expand", "shape \(fmt(shape)) cannot expand to \(fmt(target))")
        }
        if target == shape { return self }
        let inShape = shape
        return try expand(self.detached(), to: target).recording("expand", [self]) { g in [try g.sumTo(inShape)] }
    }
}

/// Copies between a block `small` placed at `offset` inside `big` (same rank): into the big tensor when
/// `intoBig`, out of it otherwise. Walks the small tensor's rows (last axis contiguous).
func copyBlock(small: [Int], big: [Int], offset: [Int], smallPtr: UnsafeMutablePointer<Float>,
               bigPtr: UnsafeMutablePointer<Float>, intoBig: Bool) {
    let r = small.count
    let n = small.reduce(1, *)
    guard n > 0 else { return }
    if r == 0 { if intoBig { bigPtr[0] = smallPtr[0] } else { smallPtr[0] = bigPtr[0] }; return }
    var bigStrides = [Int](repeating: 1, count: r)
    for d in stride(from: r - 2, through: 0, by: -1) { bigStrides[d] = bigStrides[d + 1] * big[d + 1] }
    let inner = small[r - 1]
    var idx = [Int](repeating: 0, count: r)
    var b = zip(offset, bigStrides).reduce(0) { $0 + $1.0 * $1.1 }
    var s = 0
    while s < n {
        if intoBig { (bigPtr + b).update(from: smallPtr + s, count: inner) }
        else { (smallPtr + s).update(from: bigPtr + b, count: inner) }
        s += inner
        var d = r - 2
        while d >= 0 {
            idx[d] += 1; b += bigStrides[d]
            if idx[d] < small[d] { break }
            b -= bigStrides[d] * idx[d]; idx[d] = 0; d -= 1
        }
    }
}
