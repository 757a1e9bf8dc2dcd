/// Reshape (a view) and axis permutation (a copy). Backward of a reshape is a reshape; backward of
/// a permutation is the inverse permutation.
extension Tensor {
    /// The same values viewed with a new shape; one dimension may be −1 (inferred).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else { throw TensorError("reshape", "cannot infer -1 in \(fmt(newShape)) for \(count) values of \(fmt(shape))") }
            s[i] = count / known
        }
        guard s.allSatisfy({ $0 >= 0 }), s.reduce(1, *) == count else {
            throw TensorError("reshape", "cannot view \(fmt(shape)) (\(count) values) as \(fmt(newShape))")
        }
        if s == shape { return self }
        let x = self
        return Tensor(shape: s, storage: storage).recording("reshape", [x]) { g in [try g.reshaped(x.shape)] }
    }

    /// Reorders axes: result dimension i is input dimension `perm[i]`.
    public func permuted(_ perm: [Int]) throws -> Tensor {
        guard perm.count == rank, Set(perm) == Set(0..<rank) else {
            throw TensorError("permute", "\(perm) is not a permutation of the axes of \(fmt(shape))")
        }
        if perm == Array(0..<rank) { return self }
        let outShape = perm.map { shape[$0] }
        let out = Tensor(uninitializedShape: outShape)
        permuteCopy(from: pointer, shape: shape, perm: perm, to: out.pointer)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return out.recording("permute", [self]) { g in [try g.permuted(inverse)] }
    }

    /// Swaps two axes (negative axes count from the end).
    public func transposed(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        let ax = try resolveAxesAllowingEqual([a, b], op: "transpose")
        var perm = Array(0..<rank)
        perm.swapAt(ax[0], ax[1])
        return try permuted(perm)
    }

    func resolveAxesAllowingEqual(_ axes: [Int], op: String) throws -> [Int] {
        try axes.map { a in
            let r = a < 0 ? a + rank : a
            guard r >= 0 && r < rank else { throw TensorError(op, "axis \(a) out of range for shape \(fmt(shape))") }
            return r
        }
    }
}

/// Copies `src` (row-major `shape`) into `dst` with axes permuted by `perm`. Merges the walk so the
/// innermost loop runs over the output's last axis; 2-D transposes go through 32×32 tiles.
func permuteCopy(from src: UnsafePointer<Float>, shape: [Int], perm: [Int], to dst: UnsafeMutablePointer<Float>) {
    let r = shape.count
    var inStrides = [Int](repeating: 1, count: r)
    for i in stride(from: r - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
    let outShape = perm.map { shape[$0] }
    let srcStrides = perm.map { inStrides[$0] }   // stride in src for each output axis
    let n = shape.reduce(1, *)
    guard n > 0 else { return }
    let inner = outShape[r - 1], innerStride = srcStrides[r - 1]
    if innerStride == 1 {
        // Contiguous runs: copy row by row.
        var idx = [Int](repeating: 0, count: r)
        var off = 0, o = 0
        while o < n {
            (dst + o).update(from: src + off, count: inner)
            o += inner
            var d = r - 2
            while d >= 0 {
                idx[d] += 1; off += srcStrides[d]
                if idx[d] < outShape[d] { break }
                off -= srcStrides[d] * idx[d]; idx[d] = 0; d -= 1
            }
        }
        return
    }
    // Tile over the last two output axes to keep both reads and writes cache friendly.
    let rows = r >= 2 ? outShape[r - 2] : 1, rowStride = r >= 2 ? srcStrides[r - 2] : 0
    let batch = n / (rows * inner)
    var idx = [Int](repeating: 0, count: Swift.max(r - 2, 0))
    var off = 0
    let T = 32
    for b in 0..<batch {
        let dbase = dst + b * rows * inner
        var i0 = 0
        while i0 < rows {
            let i1 = Swift.min(rows, i0 + T)
            var j0 = 0
            while j0 < inner {
                let j1 = Swift.min(inner, j0 + T)
                for i in i0..<i1 {
                    let s = src + off + i * rowStride
                    let d = dbase + i * inner
                    for j in j0..<j1 { d[j] = s[j * innerStride] }
                }
                j0 = j1
            }
            i0 = i1
        }
        var d = r - 3
        while d >= 0 {
            idx[d] += 1; off += srcStrides[d]
            if idx[d] < outShape[d] { break }
            off -= srcStrides[d] * idx[d]; idx[d] = 0; d -= 1
        }
    }
}
