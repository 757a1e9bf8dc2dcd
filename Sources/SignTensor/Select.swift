/// Element-wise selection by a Float condition (nonzero = true), with broadcasting.
extension Tensor {
    /// torch.masked_fill: y = value where mask ≠ 0, else x. `mask` must broadcast to x's shape
    /// (x's shape is kept). Note the polarity: nonzero means *fill* here, unlike padding masks
    /// (1 = keep), so pass `1 − keepMask` to blank out padding.
    /// Backward: dx = g where mask = 0, and 0 at filled positions; the mask gets no gradient.
    public func maskedFill(_ mask: Tensor, value: Float) throws -> Tensor {
        let s = try broadcastShape(shape, mask.shape, op: "maskedFill")
        guard s == shape else {
            throw TensorError("maskedFill", "mask \(fmt(mask.shape)) does not broadcast to the input's shape \(fmt(shape))")
        }
        let out = broadcastZip(self, mask, s) { x, m in m != 0 ? value : x }
        let maskValue = mask.detached()
        return out.recording("maskedFill", [self]) { g in
            [broadcastZip(g, maskValue, s) { g, m in m != 0 ? 0 : g }]
        }
    }

    /// torch.where: y = a where condition ≠ 0, else b; all three broadcast together.
    /// Backward: da = sumTo(shape(a), g·[c ≠ 0]), db = sumTo(shape(b), g·[c = 0]); none for the condition.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let s = try broadcastShape(try broadcastShape(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let out = Tensor(uninitializedShape: s)
        broadcastWalk3(condition, a, b, into: out) { c, x, y in c != 0 ? x : y }
        let cond = condition.detached()
        return out.recording("where", [a, b]) { g in
            [a.requiresGrad ? try broadcastZip(g, cond, s) { g, c in c != 0 ? g : 0 }.sumTo(a.shape) : nil,
             b.requiresGrad ? try broadcastZip(g, cond, s) { g, c in c != 0 ? 0 : g }.sumTo(b.shape) : nil]
        }
    }
}

/// out[i] = f(p[i], q[i], r[i]) over the broadcast of three tensors into `out`'s shape: a direct loop
/// when all match, otherwise a stride walk with the last axis innermost.
func broadcastWalk3(_ p: Tensor, _ q: Tensor, _ r: Tensor, into out: Tensor, _ f: (Float, Float, Float) -> Float) {
    let n = out.count, O = out.pointer, P = p.pointer, Q = q.pointer, R = r.pointer
    guard n > 0 else { return }
    if p.count == n && q.count == n && r.count == n {
        for i in 0..<n { O[i] = f(P[i], Q[i], R[i]) }
        return
    }
    let shape = out.shape, rank = shape.count
    if rank == 0 { O[0] = f(P[0], Q[0], R[0]); return }
    let sp = broadcastStrides(p.shape, to: shape), sq = broadcastStrides(q.shape, to: shape), sr = broadcastStrides(r.shape, to: shape)
    let inner = shape[rank - 1], ip = sp[rank - 1], iq = sq[rank - 1], ir = sr[rank - 1]
    var idx = [Int](repeating: 0, count: rank)
    var op = 0, oq = 0, or = 0, o = 0
    while o < n {
        for j in 0..<inner { O[o + j] = f(P[op + j * ip], Q[oq + j * iq], R[or + j * ir]) }
        o += inner
        var d = rank - 2
        while d >= 0 {
            idx[d] += 1; op += sp[d]; oq += sq[d]; or += sr[d]
            if idx[d] < shape[d] { break }
            op -= sp[d] * idx[d]; oq -= sq[d] * idx[d]; or -= sr[d] * idx[d]; idx[d] = 0
            d -= 1
        }
    }
}
