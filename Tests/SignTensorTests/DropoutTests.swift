import Testing
import SignTensor
import SignTestSupport

@Suite("Dropout")
struct DropoutTests {
    @Test func zeroProbabilityReturnsInput() throws {
        let x = rand([4, 5], seed: 1)
        var rng = RandomStream(seed: 3)
        #expect(try x.dropout(p: 0, rng: &rng) === x)
    }

    @Test func keepsAboutOneMinusPScaled() throws {
        let x = Tensor.ones([100_003])   // not a multiple of the 4096-element random block
        var rng = RandomStream(seed: 11)
        let y = try x.dropout(p: 0.3, rng: &rng)
        var kept = 0
        for i in 0..<y.count {
            let v = y.pointer[i]
            #expect(v == 0 || Swift.abs(v - 1 / 0.7) < 1e-6)
            if v != 0 { kept += 1 }
        }
        // Binomial(100003, 0.7): σ ≈ 145, so ±1000 is ~7σ.
        #expect(Swift.abs(kept - 70_002) < 1_000)
    }

    @Test func seededStreamsReproduceAndAdvance() throws {
        let x = rand([3, 1000], seed: 2)
        var a = RandomStream(seed: 5), b = RandomStream(seed: 5)
        let ya = try x.dropout(p: 0.5, rng: &a), yb = try x.dropout(p: 0.5, rng: &b)
        #expect(ya.toArray() == yb.toArray())
        let next = try x.dropout(p: 0.5, rng: &a)
        #expect(next.toArray() != ya.toArray())
    }

    @Test func dropAllAndBadProbability() throws {
        var rng = RandomStream(seed: 1)
        #expect(try Tensor.ones([50]).dropout(p: 1, rng: &rng).toArray() == [Float](repeating: 0, count: 50))
        #expect(throws: TensorError("dropout", "p must be in [0, 1], got 1.5")) { try Tensor.ones([2]).dropout(p: 1.5, rng: &rng) }
    }

    @Test func gradientIsTheMask() throws {
        let x = rand([7, 9], seed: 4)
        let r = try gradCheck([x]) { xs in
            var rng = RandomStream(seed: 8)   // same mask on every evaluation
            return try xs[0].dropout(p: 0.4, rng: &rng)
        }
        #expect(r.passed, "\(r)")
    }
}
