import Testing
import SignTensor
import SignTestSupport

@Suite("Arithmetic, reductions and matmul")
struct ArithmeticTests {
    @Test func broadcastAddValues() throws {
        let a = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3], data: [10, 20, 30])
        #expect(try (a + b).toArray() == [11, 22, 33, 14, 25, 36])
        let c = try Tensor(shape: [2, 1], data: [100, 200])
        #expect(try (a + c).toArray() == [101, 102, 103, 204, 205, 206])
        #expect(try (c - a).toArray() == [99, 98, 97, 196, 195, 194])
    }

    @Test func broadcastMismatchNamesShapes() {
        let a = Tensor.zeros([2, 3]), b = Tensor.zeros([4])
        #expect(throws: TensorError("add", "shapes [2, 3] and [4] do not broadcast (dimension 1: 3 vs 4)")) { try a + b }
    }

    @Test(arguments: [
        ([2, 3], [2, 3]), ([2, 3], [3]), ([4, 1, 3], [2, 1]), ([1], [3, 2]), ([2, 3, 4], [3, 1]),
    ])
    func binaryGradients(sa: [Int], sb: [Int]) throws {
        let a = rand(sa, seed: 1), b = rand(sb, seed: 2)
        for (name, f) in [("add", { (x: [Tensor]) in try x[0] + x[1] }), ("sub", { try $0[0] - $0[1] }),
                          ("mul", { try $0[0] * $0[1] })] as [(String, ([Tensor]) throws -> Tensor)] {
            let r = try gradCheck([a, b], f)
            #expect(r.passed, "\(name) \(sa) \(sb): \(r)")
        }
        let bPos = (b.abs() + 0.5).detached()
        let r = try gradCheck([a, bPos]) { try $0[0] / $0[1] }
        #expect(r.passed, "div: \(r)")
    }

    @Test func unaryGradients() throws {
        let x = rand([3, 5], seed: 3)
        let pos = (x.abs() + 0.3).detached()
        let cases: [(String, Tensor, (Tensor) -> Tensor)] = [
            ("neg", x, { -$0 }), ("exp", x, { $0.exp() }), ("log", pos, { $0.log() }), ("sqrt", pos, { $0.sqrt() }),
            ("rsqrt", pos, { $0.rsqrt() }), ("tanh", x, { $0.tanh() }), ("erf", x, { $0.erf() }),
            ("sigmoid", x, { $0.sigmoid() }), ("relu", x, { $0.relu() }), ("gelu", x, { $0.gelu() }),
            ("pow3", x, { $0.pow(3) }), ("powHalf", pos, { $0.pow(0.5) }), ("scalar", x, { 2 - ($0 * 3 + 1) / 4 }),
        ]
        for (name, input, f) in cases {
            let r = try gradCheck([input]) { f($0[0]) }
            #expect(r.passed, "\(name): \(r)")
        }
        let r = try gradCheck([pos, rand([5], seed: 4, std: 0.5)]) { try $0[0].pow($0[1]) }
        #expect(r.passed, "pow tensor: \(r)")
    }

    @Test func fastMathAccuracy() {
        var worstErf: Double = 0, worstExp: Double = 0
        var x: Float = -6
        while x < 6 {
            worstErf = Swift.max(worstErf, Swift.abs(Double(FastMath.erf(x)) - erf(Double(x))))
            x += 1e-3
        }
        x = -87
        while x < 88 {
            let e = Foundation.exp(Double(x))
            worstExp = Swift.max(worstExp, Swift.abs(Double(FastMath.exp(x)) - e) / e)
            x += 7e-3
        }
        #expect(worstErf < 5e-7)
        #expect(FastMath.exp(.nan).isNaN && FastMath.erf(.nan).isNaN)
        #expect(FastMath.exp(-.infinity) < 1e-37 && FastMath.exp(1000) > 1e38)
        #expect(worstExp < 2e-7)
    }

    @Test func reductions() throws {
        let x = try Tensor(shape: [2, 3], data: [1, 5, 3, 4, 2, 6])
        #expect(try x.sum().item == 21)
        #expect(try x.sum(axes: [0]).toArray() == [5, 7, 9])
        #expect(try x.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(try x.mean(axes: [-1]).toArray() == [3, 4])
        #expect(try x.max(axis: 1).toArray() == [5, 6])
        let y = rand([3, 4, 5], seed: 5)
        for axes in [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]] {
            let r = try gradCheck([y]) { try $0[0].sum(axes: axes) }
            #expect(r.passed, "sum \(axes): \(r)")
            let m = try gradCheck([y]) { try $0[0].mean(axes: axes, keepDims: true) }
            #expect(m.passed, "mean \(axes): \(m)")
        }
        for axis in 0..<3 {
            let r = try gradCheck([y], eps: 1e-3) { try $0[0].max(axis: axis) }
            #expect(r.passed, "max \(axis): \(r)")
        }
    }

    @Test func matmulValuesAndGradients() throws {
        let a = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], data: [7, 8, 9, 10, 11, 12])
        #expect(try a.matmul(b).toArray() == [58, 64, 139, 154])
        #expect(try a.matmul(a, transposeOther: true).toArray() == [14, 32, 32, 77])
        #expect(try a.matmul(a, transposeSelf: true).shape == [3, 3])
        #expect(throws: TensorError.self) { try a.matmul(a) }
        for ta in [false, true] { for tb in [false, true] {
            let A = rand(ta ? [4, 3] : [3, 4], seed: 11), B = rand(tb ? [5, 4] : [4, 5], seed: 12)
            let r = try gradCheck([A, B]) { try $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
            #expect(r.passed, "2d ta=\(ta) tb=\(tb): \(r)")
            let A3 = rand(ta ? [2, 4, 3] : [2, 3, 4], seed: 13), B3 = rand(tb ? [2, 5, 4] : [2, 4, 5], seed: 14)
            let r3 = try gradCheck([A3, B3]) { try $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
            #expect(r3.passed, "batched ta=\(ta) tb=\(tb): \(r3)")
            let r4 = try gradCheck([A3, B]) { try $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
            #expect(r4.passed, "batched×2d ta=\(ta) tb=\(tb): \(r4)")
            let r5 = try gradCheck([A, B3]) { try $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
            #expect(r5.passed, "2d×batched ta=\(ta) tb=\(tb): \(r5)")
        } }
    }

    @Test func linearMatchesMatmulAndGradients() throws {
        let x = rand([2, 3, 4], seed: 21), w = rand([5, 4], seed: 22), b = rand([5], seed: 23)
        let y = try x.linear(weight: w, bias: b)
        let ref = try x.matmul(w, transposeOther: true) + b
        #expect(maxAbsDiff(y, ref) < 1e-5)
        let r = try gradCheck([x, w, b]) { try $0[0].linear(weight: $0[1], bias: $0[2]) }
        #expect(r.passed, "\(r)")
        #expect(throws: TensorError.self) { try x.linear(weight: rand([5, 3], seed: 1)) }
    }

    @Test func reshapeAndPermute() throws {
        let x = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(try x.transposed().toArray() == [1, 4, 2, 5, 3, 6])
        #expect(try x.reshaped([3, -1]).shape == [3, 2])
        #expect(throws: TensorError.self) { try x.reshaped([4, -1]) }
        let y = rand([2, 3, 4, 5], seed: 31)
        for perm in [[0, 2, 1, 3], [3, 2, 1, 0], [1, 0, 3, 2], [0, 1, 3, 2]] {
            let p = try y.permuted(perm)
            #expect(p.shape == perm.map { y.shape[$0] })
            #expect(p[1, 1, 0, 1] == { var i = [0, 0, 0, 0]; for (k, d) in perm.enumerated() { i[d] = [1, 1, 0, 1][k] }; return y[i[0], i[1], i[2], i[3]] }())
            let r = try gradCheck([y]) { try $0[0].permuted(perm) }
            #expect(r.passed)
        }
    }

    @Test func backwardAccumulatesAndReleases() throws {
        let w = try Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        for _ in 0..<2 { try (w * w).sum().backward() }
        #expect(w.grad?.toArray() == [4, 8])   // 2 · 2w accumulated over two calls
        let y = try withNoGrad { try w * w }
        #expect(y.requiresGrad == false && y.gradFn == nil)
    }
}

import Foundation
