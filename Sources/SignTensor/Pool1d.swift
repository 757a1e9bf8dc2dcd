/// Max and average pooling over the last (time) axis of [B, C, T] (or [C, T]), no padding.
///
/// Tout = ⌊(T − kernel)/stride⌋ + 1, windows start at j·stride.
/// max: y[r, j] = max_{i<kernel} x[r, j·s + i]; backward routes g[r, j] to the first arg-max of each window
///      (overlapping windows accumulate).
/// avg: y[r, j] = (1/kernel) Σ_{i<kernel} x[r, j·s + i]; backward dx[r, j·s + i] += g[r, j] / kernel.
extension Tensor {
    /// Max pooling; `stride` defaults to `kernel` (as in PyTorch).
    public func maxPool1d(kernel: Int, stride: Int? = nil) throws -> Tensor {
        let p = try PoolGeometry(op: "maxPool1d", shape: shape, kernel: kernel, stride: stride ?? kernel)
        let out = Tensor(uninitializedShape: p.outShape)
        var argmax = [Int32](repeating: 0, count: p.rows * p.tout)
        let X = UnsafeSendable(pointer), Y = UnsafeSendable(out.pointer)
        argmax.withUnsafeMutableBufferPointer { ab in
            let A = UnsafeSendable(ab)
            Parallel.chunks(p.rows, minPerThread: Swift.max(1, 32_768 / Swift.max(p.t, 1))) { r0, r1 in
                for r in r0..<r1 {
                    let src = X.value + r * p.t
                    for j in 0..<p.tout {
                        let base = j * p.stride
                        var best = src[base], bi = 0
                        for i in 1..<kernel where src[base + i] > best || (src[base + i].isNaN && !best.isNaN) {
                            best = src[base + i]; bi = i
                        }
                        Y.value[r * p.tout + j] = best
                        A.value[r * p.tout + j] = Int32(base + bi)
                    }
                }
            }
        }
        let inShape = shape
        return out.recording("maxPool1d", [self]) { g in
            let dx = Tensor.zeros(inShape)
            let D = dx.pointer, G = g.pointer
            for r in 0..<p.rows {
                for j in 0..<p.tout { D[r * p.t + Int(argmax[r * p.tout + j])] += G[r * p.tout + j] }
            }
            return [dx]
        }
    }

    /// Average pooling; `stride` defaults to `kernel` (as in PyTorch).
    public func avgPool1d(kernel: Int, stride: Int? = nil) throws -> Tensor {
        let p = try PoolGeometry(op: "avgPool1d", shape: shape, kernel: kernel, stride: stride ?? kernel)
        let out = Tensor(uninitializedShape: p.outShape)
        let scale = 1 / Float(kernel)
        let X = pointer, Y = out.pointer
        for r in 0..<p.rows {
            for j in 0..<p.tout { Y[r * p.tout + j] = simdSum(X + r * p.t + j * p.stride, kernel) * scale }
        }
        let inShape = shape
        return out.recording("avgPool1d", [self]) { g in
            let dx = Tensor.zeros(inShape)
            let D = dx.pointer, G = g.pointer
            for r in 0..<p.rows {
                for j in 0..<p.tout {
                    let v = G[r * p.tout + j] * scale, d = D + r * p.t + j * p.stride
                    for i in 0..<kernel { d[i] += v }
                }
            }
            return [dx]
        }
    }
}

/// Validated shapes of a 1-D pooling call.
struct PoolGeometry {
    let rows, t, tout, stride: Int
    let outShape: [Int]

    init(op: String, shape: [Int], kernel: Int, stride: Int) throws {
        guard shape.count == 2 || shape.count == 3 else { throw TensorError(op, "input must be [B, C, T] or [C, T], got \(fmt(shape))") }
        guard kernel >= 1, stride >= 1 else { throw TensorError(op, "kernel and stride must be ≥ 1, got kernel \(kernel), stride \(stride)") }
        t = shape[shape.count - 1]
        guard kernel <= t else { throw TensorError(op, "kernel \(kernel) is longer than the time axis of \(fmt(shape))") }
        self.stride = stride
        tout = (t - kernel) / stride + 1
        rows = shape.dropLast().reduce(1, *)
        outShape = Array(shape.dropLast()) + [tout]
    }
}
