import Testing
import Foundation
import SignTensor
import SignNN

@Suite("Initializers")
struct InitTests {
    func stats(_ t: Tensor) -> (mean: Double, std: Double, min: Float, max: Float) {
        let v = t.toArray()
        let mean = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
        let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(v.count)
        return (mean, variance.squareRoot(), v.min()!, v.max()!)
    }

    @Test func fansFollowTorch() throws {
        #expect(try Init.fans([64, 32]) == (32, 64))
        #expect(try Init.fans([16, 8, 3, 5]) == (8 * 15, 16 * 15))
        #expect(throws: TensorError("Init.fans", "fan in and fan out need a shape of rank ≥ 2, got [7]")) { try Init.fans([7]) }
    }

    @Test func uniformInitsStayInBoundsWithUniformVariance() throws {
        var rng = RandomStream(seed: 1)
        // [out 256, in 128, k 3]: fan_in 384, fan_out 768.
        let shape = [256, 128, 3]
        let cases: [(String, Tensor, Float)] = [
            ("xavierUniform", try Init.xavierUniform(shape, gain: 2, rng: &rng), 2 * Float(6.0 / 1152).squareRoot()),
            ("kaimingUniform fanIn", try Init.kaimingUniform(shape, rng: &rng), Float(2.0 / 384).squareRoot() * Float(3).squareRoot()),
            ("kaimingUniform fanOut", try Init.kaimingUniform(shape, mode: .fanOut, rng: &rng), Float(2.0 / 768).squareRoot() * Float(3).squareRoot()),
            ("kaimingUniform a=√5 (nn.Linear)", try Init.kaimingUniform(shape, a: Float(5).squareRoot(), rng: &rng), 1 / Float(384).squareRoot()),
        ]
        for (name, t, bound) in cases {
            let s = stats(t)
            #expect(t.requiresGrad && t.shape == shape)
            #expect(s.min >= -bound && s.max <= bound, "\(name): [\(s.min), \(s.max)] vs ±\(bound)")
            #expect(s.max > 0.99 * bound && s.min < -0.99 * bound, "\(name) covers its range")
            #expect(Swift.abs(s.mean) < 0.01 * Double(bound), "\(name) mean \(s.mean)")
            let wantStd = Double(bound) / 3.0.squareRoot()
            #expect(Swift.abs(s.std / wantStd - 1) < 0.01, "\(name) std \(s.std) vs \(wantStd)")
        }
    }

    @Test func normalInitsHaveTheirStd() throws {
        var rng = RandomStream(seed: 2)
        let shape = [512, 256]   // fan_in 256, fan_out 512
        let cases: [(String, Tensor, Double, Double)] = [
            ("xavierNormal", try Init.xavierNormal(shape, rng: &rng), 0, (2.0 / 768).squareRoot()),
            ("kaimingNormal", try Init.kaimingNormal(shape, rng: &rng), 0, (2.0 / 256).squareRoot()),
            ("kaimingNormal fanOut a=1", try Init.kaimingNormal(shape, a: 1, mode: .fanOut, rng: &rng), 0, (1.0 / 512).squareRoot()),
            ("normal", Init.normal(shape, mean: 0.5, std: 0.02, rng: &rng), 0.5, 0.02),
        ]
        for (name, t, mean, std) in cases {
            let s = stats(t)
            #expect(Swift.abs(s.mean - mean) < 0.01 * std, "\(name) mean \(s.mean)")
            #expect(Swift.abs(s.std / std - 1) < 0.01, "\(name) std \(s.std) vs \(std)")
        }
    }

    @Test func truncatedNormalIsBoundedWithTruncatedStd() throws {
        var rng = RandomStream(seed: 3)
        let t = try Init.truncatedNormal([200_000], std: 0.02, rng: &rng)
        let s = stats(t)
        #expect(s.min >= -0.04 && s.max <= 0.04)
        // Std of N(0, σ²) truncated to ±2σ: σ·√(1 − 2·2φ(2)/(2Φ(2) − 1)) = 0.879626·σ.
        #expect(Swift.abs(s.std / (0.879626 * 0.02) - 1) < 0.01, "std \(s.std)")
        #expect(throws: TensorError.self) { try Init.truncatedNormal([4], std: 1, low: 10, high: 11, rng: &rng) }
        #expect(Init.zeros([2, 2]).toArray() == [0, 0, 0, 0] && Init.ones([3]).toArray() == [1, 1, 1])
    }

    @Test func sameSeedSameValues() throws {
        var a = RandomStream(seed: 4), b = RandomStream(seed: 4)
        #expect(try Init.xavierUniform([8, 8], rng: &a).toArray() == Init.xavierUniform([8, 8], rng: &b).toArray())
    }
}
