import Testing
import Foundation
import SignTensor
import SignTestSupport

@Suite("Layer norm")
struct LayerNormTests {
    // Expected values: torch.nn.functional.layer_norm (torch 2.13 CPU) of x = formulaTensor([3, 6],
    // 0.41, 0.9)·2 + 1 with w = formulaTensor([6], 0.5, 0.2), b = formulaTensor([6], 0.3, 0.8),
    // eps 1e-5; and without affine parameters, eps 1e-3 (one-off Python session).
    @Test func forwardMatchesTorch() throws {
        let x = formulaTensor([3, 6], 0.41, 0.9) * 2 + 1
        let w = formulaTensor([6], 0.5, 0.2), b = formulaTensor([6], 0.3, 0.8)
        #expect(allClose(try x.layerNorm(weight: w, bias: b), [
            -0.001879632, 1.555883, 0.66422, -1.125845, -0.25462, 2.072979, 1.13793, 1.694619, 1.121301,
            -0.1896413, -0.9560839, -0.4285952, -0.4676109, -0.00369156, 1.01992, 1.479685, 1.324696, 1.346396], tol: 1e-5))
        #expect(allClose(try x.layerNorm(weight: nil, bias: nil, eps: 1e-3), [
            -0.993218, 0.9308612, 0.0867728, -1.080937, -0.5409225, 1.597447, 1.275679, 1.083694, 0.4386914,
            -0.4284509, -1.104264, -1.26535, -1.934096, -0.667577, 0.3606786, 0.7548317, 0.7086907, 0.7774717], tol: 1e-5))
    }

    /// Widths 37 and 256 cover the SIMD body and tails; 200 rows span several gradient blocks.
    @Test(arguments: [37, 256])
    func normalizesRows(n: Int) throws {
        let x = rand([200, n], seed: 3, std: 3) + 5
        let y = try x.layerNorm(weight: nil, bias: nil, eps: 0)
        for r in [0, 77, 199] {
            var s = 0.0, s2 = 0.0
            for j in 0..<n { s += Double(y[r, j]); s2 += Double(y[r, j]) * Double(y[r, j]) }
            #expect(Swift.abs(s / Double(n)) < 1e-5)
            #expect(Swift.abs(s2 / Double(n) - 1) < 1e-4)
        }
    }

    @Test(arguments: [6, 37])
    func gradients(n: Int) throws {
        let x = rand([5, n], seed: 4, std: 2), w = rand([n], seed: 5), b = rand([n], seed: 6)
        let full = try gradCheck([x, w, b], eps: 5e-3) { try $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        #expect(full.passed, "\(full)")
        let plain = try gradCheck([x], eps: 5e-3) { try $0[0].layerNorm(weight: nil, bias: nil) }
        #expect(plain.passed, "\(plain)")
        let weightOnly = try gradCheck([x, w], eps: 5e-3) { try $0[0].layerNorm(weight: $0[1], bias: nil) }
        #expect(weightOnly.passed, "\(weightOnly)")
    }

    /// dw and db sum over 150 rows (three blocks of the block-wise reduction), 3-D input.
    @Test func parameterGradientsOverManyRows() throws {
        let x = rand([3, 50, 20], seed: 7), w = rand([20], seed: 8), b = rand([20], seed: 9)
        let r = try gradCheck([x, w, b], eps: 5e-3, maxPerInput: 20) { try $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        #expect(r.passed, "\(r)")
    }

    @Test func badShapesThrow() {
        let x = Tensor.zeros([2, 4])
        #expect(throws: TensorError("layerNorm", "weight [3] must be [4] for input [2, 4]")) {
            try x.layerNorm(weight: Tensor.ones([3]), bias: nil)
        }
        #expect(throws: TensorError.self) { try x.layerNorm(weight: nil, bias: Tensor.ones([2, 4])) }
    }
}
