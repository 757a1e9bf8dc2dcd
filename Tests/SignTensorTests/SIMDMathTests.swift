import Testing
import Foundation
import SignTensor
import SignTestSupport

@Suite("SIMD16 math through the fused kernels")
struct SIMDMathTests {
    /// Softmax rows of 32 values spanning [−86, 0] (max 0) run the SIMD16 exp over its whole
    /// negative range; each probability must match exp in Double to 1e-6 relative.
    @Test func softmaxExpAccuracyOverTheRange() throws {
        let rows = 200, n = 32
        var data = [Float](repeating: 0, count: rows * n)
        for r in 0..<rows { for j in 1..<n { data[r * n + j] = -Float((r * 31 + j * 977) % 86_000) / 1000 } }
        let x = try Tensor(shape: [rows, n], data: data)
        let y = try x.softmax()
        var worst = 0.0
        for r in 0..<rows {
            var z = 0.0
            for j in 0..<n { z += Foundation.exp(Double(x[r, j])) }
            for j in 0..<n {
                let ref = Foundation.exp(Double(x[r, j])) / z
                worst = Swift.max(worst, Swift.abs(Double(y[r, j]) - ref) / ref)
            }
        }
        #expect(worst < 1e-6)
    }

    /// GELU over [−6, 6] in 4096-value blocks runs the SIMD16 erf; checked against libm erf.
    @Test func geluErfAccuracy() throws {
        let n = 120_000
        let x = try Tensor(shape: [n], data: (0..<n).map { -6 + 12 * Float($0) / Float(n) })
        let y = x.gelu()
        var worst = 0.0
        for i in 0..<n {
            let v = Double(x.pointer[i])
            worst = Swift.max(worst, Swift.abs(Double(y.pointer[i]) - 0.5 * v * (1 + erf(v / 2.0.squareRoot()))))
        }
        #expect(worst < 3e-6)
    }
}
