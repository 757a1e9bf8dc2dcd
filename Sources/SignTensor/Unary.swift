import Foundation

/// Element-wise functions. Each: y = f(x) forward, dx = g · f'(x) backward, expressed with the
/// saved input or output (whichever makes f' cheaper).
extension Tensor {
    /// y = eˣ;  dx = g · y.
    public func exp() -> Tensor {
        let y = mapUnary(self) { FastMath.exp($0) }
        let yv = y.detached()
        return y.recording("exp", [self]) { g in [broadcastZip(g, yv, yv.shape, { $0 * $1 })] }
    }

    /// y = ln x;  dx = g / x.
    public func log() -> Tensor {
        let x = self
        return mapUnary(x) { Foundation.log($0) }.recording("log", [x]) { g in [broadcastZip(g, x, x.shape, { $0 / $1 })] }
    }

    /// y = √x;  dx = g / (2y).
    public func sqrt() -> Tensor {
        let y = mapUnary(self) { $0.squareRoot() }
        let yv = y.detached()
        return y.recording("sqrt", [self]) { g in [broadcastZip(g, yv, yv.shape, { $0 / (2 * $1) })] }
    }

    /// y = 1/√x;  dx = −g · y³ / 2.
    public func rsqrt() -> Tensor {
        let y = mapUnary(self) { 1 / $0.squareRoot() }
        let yv = y.detached()
        return y.recording("rsqrt", [self]) { g in [broadcastZip(g, yv, yv.shape, { -0.5 * $0 * $1 * $1 * $1 })] }
    }

    /// y = tanh x = 1 − 2/(e^{2x}+1);  dx = g · (1 − y²).
    public func tanh() -> Tensor {
        let y = mapUnary(self) { 1 - 2 / (FastMath.exp(2 * $0) + 1) }
        let yv = y.detached()
        return y.recording("tanh", [self]) { g in [broadcastZip(g, yv, yv.shape, { $0 * (1 - $1 * $1) })] }
    }

    /// y = erf x;  dx = g · (2/√π) e^{−x²}.
    public func erf() -> Tensor {
        let x = self
        return mapUnary(x) { FastMath.erf($0) }.recording("erf", [x]) { g in
            [broadcastZip(g, x, x.shape, { $0 * 1.128_379_2 * FastMath.exp(-$1 * $1) })]
        }
    }

    /// y = σ(x) = 1/(1+e^{−x});  dx = g · y(1−y).
    public func sigmoid() -> Tensor {
        let y = mapUnary(self) { 1 / (1 + FastMath.exp(-$0)) }
        let yv = y.detached()
        return y.recording("sigmoid", [self]) { g in [broadcastZip(g, yv, yv.shape, { $0 * $1 * (1 - $1) })] }
    }

    /// y = max(x, 0);  dx = g · [x > 0].
    public func relu() -> Tensor {
        let x = self
        let y = Tensor(uninitializedShape: x.shape)
        reluForward(x.pointer, y.pointer, x.count)
        return y.recording("relu", [x]) { g in
            let dx = Tensor(uninitializedShape: x.shape)
            reluBackward(g.pointer, x.pointer, dx.pointer, x.count)
            return [dx]
        }
    }

    /// y = |x|;  dx = g · sign(x).
    public func abs() -> Tensor {
        let x = self
        return mapUnary(x) { Swift.abs($0) }.recording("abs", [x]) { g in
            [broadcastZip(g, x, x.shape, { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) })]
        }
    }

    /// Exact GELU: y = x·Φ(x), Φ(x) = ½(1 + erf(x/√2));  dx = g · (Φ(x) + x·φ(x)),
    /// φ(x) = e^{−x²/2}/√(2π).
    public func gelu() -> Tensor {
        let x = self
        let y = Tensor(uninitializedShape: x.shape)
        geluForward(x.pointer, y.pointer, x.count)
        return y.recording("gelu", [x]) { g in
            let dx = Tensor(uninitializedShape: x.shape)
            geluBackward(g.pointer, x.pointer, dx.pointer, x.count)
            return [dx]
        }
    }
}
