/// Fused, numerically stable softmax and log-softmax along one axis.
///
/// With m = max_j x_j (subtracted so no exponent overflows):
///   softmax:     y_j = e^(x_j − m) / Σ_k e^(x_k − m)
///                dx_j = y_j · (g_j − Σ_k g_k·y_k)
///   logSoftmax:  y_j = x_j − m − ln Σ_k e^(x_k − m)
///                dx_j = g_j − e^(y_j) · Σ_k g_k
/// The last axis runs a row kernel (SIMD16, rows spread over threads); another axis is moved last
/// with `permuted`, handled there, and moved back.
extension Tensor {
    public func softmax(axis: Int = -1) throws -> Tensor {
        try alongLastAxis(axis, op: "softmax") { $0.softmaxLastAxis() }
    }

    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try alongLastAxis(axis, op: "logSoftmax") { $0.logSoftmaxLastAxis() }
    }

    /// Applies a last-axis kernel to `axis` by permuting it last and back (autograd flows through).
    func alongLastAxis(_ axis: Int, op: String, _ kernel: (Tensor) -> Tensor) throws -> Tensor {
        guard rank >= 1 else { throw TensorError(op, "needs rank ≥ 1, got a scalar") }
        let a = try resolveAxes([axis], op: op)[0]
        if a == rank - 1 { return kernel(self) }
        var perm = Array(0..<rank)
        perm.remove(at: a)
        perm.append(a)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return try kernel(try permuted(perm)).permuted(inverse)
    }

    func softmaxLastAxis() -> Tensor {
        let x = self, n = shape.last!, rows = n == 0 ? 0 : count / n
        let y = Tensor(uninitializedShape: shape)
        let X = UnsafeSendable(UnsafePointer(x.pointer)), Y = UnsafeSendable(y.pointer)
        Parallel.chunks(rows, minPerThread: Swift.max(1, 16_384 / Swift.max(n, 1))) { s, e in
            for r in s..<e {
                let xr = X.value + r * n, yr = Y.value + r * n
                let m = rowMax(xr, n)
                let total = expShiftedSum(xr, yr, n, shift: m)
                scaleRow(yr, yr, n, 1 / total)
            }
        }
        let yv = y.detached()
        return y.recording("softmax", [x]) { g in
            let dx = Tensor(uninitializedShape: yv.shape)
            let G = UnsafeSendable(UnsafePointer(g.pointer)), Yv = UnsafeSendable(UnsafePointer(yv.pointer)), D = UnsafeSendable(dx.pointer)
            Parallel.chunks(rows, minPerThread: Swift.max(1, 16_384 / Swift.max(n, 1))) { s, e in
                for r in s..<e {
                    softmaxRowBackward(G.value + r * n, Yv.value + r * n, D.value + r * n, n)
                }
            }
            return [dx]
        }
    }

    func logSoftmaxLastAxis() -> Tensor {
        let x = self, n = shape.last!, rows = n == 0 ? 0 : count / n
        let y = Tensor(uninitializedShape: shape)
        let X = UnsafeSendable(UnsafePointer(x.pointer)), Y = UnsafeSendable(y.pointer)
        Parallel.chunks(rows, minPerThread: Swift.max(1, 16_384 / Swift.max(n, 1))) { s, e in
            for r in s..<e {
                let xr = X.value + r * n, yr = Y.value + r * n
                let m = rowMax(xr, n)
                let total = expShiftedSum(xr, yr, n, shift: m)   // e^(x−m) as scratch in y
                // (x − m) − ln Σ: subtracting m first keeps full precision when |m| is large.
                let lse = _log(total)
                var j = 0
                while j + 16 <= n { store16((load16(xr + j) - m) - lse, yr + j); j += 16 }
                while j < n { yr[j] = (xr[j] - m) - lse; j += 1 }
            }
        }
        let yv = y.detached()
        return y.recording("logSoftmax", [x]) { g in
            let dx = Tensor(uninitializedShape: yv.shape)
            let G = UnsafeSendable(UnsafePointer(g.pointer)), Yv = UnsafeSendable(UnsafePointer(yv.pointer)), D = UnsafeSendable(dx.pointer)
            Parallel.chunks(rows, minPerThread: Swift.max(1, 16_384 / Swift.max(n, 1))) { s, e in
                for r in s..<e {
                    let gr = G.value + r * n, yr = Yv.value + r * n, dr = D.value + r * n
                    let gs = simdSum(gr, n)
                    var j = 0
                    while j + 16 <= n { store16(load16(gr + j) - exp16(load16(yr + j)) * gs, dr + j); j += 16 }
                    while j < n { dr[j] = gr[j] - FastMath.exp(yr[j]) * gs; j += 1 }
                }
            }
            return [dx]
        }
    }
}

/// d[j] = y[j] · (g[j] − Σ_k g[k]·y[k]) — the softmax backward of one row (d may alias g).
@inline(__always)
func softmaxRowBackward(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ n: Int) {
    let dot = simdDot(g, y, n)
    var j = 0
    while j + 16 <= n { store16(load16(y + j) * (load16(g + j) - dot), d + j); j += 16 }
    while j < n { d[j] = y[j] * (g[j] - dot); j += 1 }
}

/// Natural log (Float), kept out of the hot loops.
@inline(__always) func _log(_ x: Float) -> Float { Float(Foundation.log(Double(x))) }

import Foundation
