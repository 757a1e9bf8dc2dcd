/// Element-wise arithmetic with broadcasting. Each op: forward kernel, then its backward rule.
///
/// For z = a ∘ b broadcast to shape S, dL/da = sumTo(shape(a), ∂z/∂a · g) (and likewise for b).
extension Tensor {
    /// z = a + b;  da = g, db = g (summed over broadcast dimensions).
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let s = try broadcastShape(a.shape, b.shape, op: "add")
        let z: Tensor
        if a.shape == b.shape {   // residual connections, gradient sums: a direct SIMD loop
            z = Tensor(uninitializedShape: s)
            addForward(a.pointer, b.pointer, z.pointer, z.count)
        } else {
            z = broadcastZip(a, b, s, { $0 + $1 })
        }
        return z.recording("add", [a, b]) { g in
            [try g.sumTo(a.shape), try g.sumTo(b.shape)]
        }
    }

    /// z = a − b;  da = g, db = −g.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let s = try broadcastShape(a.shape, b.shape, op: "sub")
        return broadcastZip(a, b, s, { $0 - $1 }).recording("sub", [a, b]) { g in
            [try g.sumTo(a.shape), b.requiresGrad ? try (-g).sumTo(b.shape) : nil]
        }
    }

    /// z = a · b;  da = g · b, db = g · a.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let s = try broadcastShape(a.shape, b.shape, op: "mul")
        return broadcastZip(a, b, s, { $0 * $1 }).recording("mul", [a, b]) { g in
            [a.requiresGrad ? try (g * b).sumTo(a.shape) : nil,
             b.requiresGrad ? try (g * a).sumTo(b.shape) : nil]
        }
    }

    /// z = a / b;  da = g / b, db = −g · a / b².
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let s = try broadcastShape(a.shape, b.shape, op: "div")
        return broadcastZip(a, b, s, { $0 / $1 }).recording("div", [a, b]) { g in
            [a.requiresGrad ? try (g / b).sumTo(a.shape) : nil,
             b.requiresGrad ? try (broadcastZip(g, try a / (b * b), s, { -$0 * $1 })).sumTo(b.shape) : nil]
        }
    }

    /// z = −x;  dx = −g.
    public static prefix func - (x: Tensor) -> Tensor {
        mapUnary(x) { -$0 }.recording("neg", [x]) { g in [-g] }
    }

    /// z = x + c;  dx = g.
    public static func + (x: Tensor, c: Float) -> Tensor {
        mapUnary(x) { $0 + c }.recording("add_scalar", [x]) { g in [g] }
    }
    public static func + (c: Float, x: Tensor) -> Tensor { x + c }
    /// z = x − c.
    public static func - (x: Tensor, c: Float) -> Tensor { x + (-c) }
    /// z = c − x;  dx = −g.
    public static func - (c: Float, x: Tensor) -> Tensor {
        mapUnary(x) { c - $0 }.recording("rsub_scalar", [x]) { g in [-g] }
    }
    /// z = c · x;  dx = c · g.
    public static func * (x: Tensor, c: Float) -> Tensor {
        mapUnary(x) { $0 * c }.recording("mul_scalar", [x]) { g in [g * c] }
    }
    public static func * (c: Float, x: Tensor) -> Tensor { x * c }
    /// z = x / c.
    public static func / (x: Tensor, c: Float) -> Tensor { x * (1 / c) }

    /// z = x^p (element-wise, real exponent);  dx = g · p · x^(p−1).
    public func pow(_ p: Float) -> Tensor {
        let x = self
        return mapUnary(x) { Foundation.pow($0, p) }.recording("pow", [x]) { g in
            [broadcastZip(g, x, x.shape, { $0 * p * Foundation.pow($1, p - 1) })]
        }
    }

    /// z = a^b element-wise with broadcasting;  da = g · b · a^(b−1), db = g · a^b · ln a.
    public func pow(_ b: Tensor) throws -> Tensor {
        let a = self
        let s = try broadcastShape(a.shape, b.shape, op: "pow")
        let z = broadcastZip(a, b, s, { Foundation.pow($0, $1) })
        let zValue = z.detached()   // the rule must not capture z itself (a retain cycle)
        return z.recording("pow", [a, b]) { g in
            [a.requiresGrad ? try (g * b * (try a.pow(b - 1))).sumTo(a.shape) : nil,
             b.requiresGrad ? try (g * zValue * a.log()).sumTo(b.shape) : nil]
        }
    }
}

import Foundation
