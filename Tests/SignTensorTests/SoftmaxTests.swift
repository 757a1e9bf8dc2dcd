import Testing
import Foundation
import SignTensor
import SignTestSupport

@Suite("Softmax and log-softmax")
struct SoftmaxTests {
    // Expected values: torch.softmax / torch.log_softmax (torch 2.13 CPU) of
    // formulaTensor([2, 5], 0.7, 1.3) · 3, from a one-off Python session.
    let x = formulaTensor([2, 5], 0.7, 1.3) * 3

    @Test func forwardMatchesTorch() throws {
        #expect(allClose(try x.softmax(), [0.1488003, 0.3425805, 0.176553, 0.1489089, 0.1831572,
                                          0.3397877, 0.01784985, 0.002848661, 0.01459258, 0.6249211], tol: 1e-6))
        #expect(allClose(try x.logSoftmax(), [-1.90515, -1.071249, -1.734134, -1.90442, -1.697411,
                                             -1.079434, -4.02576, -5.860907, -4.227242, -0.4701298], tol: 1e-5))
        #expect(allClose(try x.softmax(axis: 0), [0.7479047, 0.9923677, 0.997624, 0.985741, 0.6650549,
                                                 0.2520953, 0.007632366, 0.002376005, 0.01425899, 0.3349451], tol: 1e-6))
    }

    /// Rows of 5, 16, 37 and 70 cover the SIMD body and the scalar tail.
    @Test(arguments: [5, 16, 37, 70])
    func rowsSumToOneAndMatchDefinition(n: Int) throws {
        let t = rand([3, n], seed: UInt64(n), std: 4)
        let y = try t.softmax(), ly = try t.logSoftmax()
        for r in 0..<3 {
            var m = -Float.infinity
            for j in 0..<n { m = Swift.max(m, t[r, j]) }
            var z = 0.0
            for j in 0..<n { z += Foundation.exp(Double(t[r, j] - m)) }
            for j in 0..<n {
                let ref = Foundation.exp(Double(t[r, j] - m)) / z
                #expect(Swift.abs(Double(y[r, j]) - ref) < 1e-6)
                #expect(Swift.abs(Double(ly[r, j]) - Foundation.log(ref)) < 1e-5)
            }
        }
    }

    @Test func stableForLargeInputs() throws {
        let t = try Tensor(shape: [1, 3], data: [1000, 1001, -1000])
        let y = try t.softmax(), ly = try t.logSoftmax()
        #expect(y.allFinite && ly.allFinite)
        #expect(Swift.abs(y[0, 1] - 0.7310586) < 1e-6)
        #expect(Swift.abs(ly[0, 0] - -1.3132616) < 1e-5)
    }

    @Test(arguments: [0, 1, 2, -1])
    func gradients(axis: Int) throws {
        let t = rand([3, 4, 37], seed: 9, std: 2)
        let r = try gradCheck([t], eps: 1e-2) { try $0[0].softmax(axis: axis) }
        #expect(r.passed, "softmax axis \(axis): \(r)")
        let l = try gradCheck([t], eps: 1e-2) { try $0[0].logSoftmax(axis: axis) }
        #expect(l.passed, "logSoftmax axis \(axis): \(l)")
    }

    @Test func badAxisThrows() {
        #expect(throws: TensorError("softmax", "axis 3 out of range for shape [2, 5]")) { try x.softmax(axis: 3) }
        #expect(throws: TensorError.self) { try Tensor(1).logSoftmax() }
    }
}
