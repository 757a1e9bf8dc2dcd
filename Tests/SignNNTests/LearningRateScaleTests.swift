import Testing
import SignTensor
import SignNN

/// Per-parameter learning-rate scales of AdamW (layer-wise decay), checked as properties over random
/// parameters, gradients and hyper-parameters (20 draws each).
@Suite("AdamW learning-rate scales")
struct LearningRateScaleTests {
    struct Draw {
        let w: [Float], b: [Float], grads: [([Float], [Float])], lr: Float, wd: Float
        init(seed: UInt64) {
            var rng = RandomStream(seed: seed)
            w = Tensor.randn([4, 5], rng: &rng).toArray()
            b = Tensor.randn([5], rng: &rng).toArray()
            grads = (0..<4).map { _ in (Tensor.randn([4, 5], rng: &rng).toArray(), Tensor.randn([5], rng: &rng).toArray()) }
            lr = [1e-3, 3e-4, 0.01, 0.05][Int(seed % 4)]
            wd = [0, 0.05, 0.1][Int(seed % 3)]
        }
    }

    /// Runs 4 steps and returns the bits of (w, b) and the optimizer.
    func run(_ d: Draw, lr: Float? = nil, scales: [String: Double]? = nil) throws -> (w: [UInt32], b: [UInt32], opt: AdamW) {
        let w = try Tensor(shape: [4, 5], data: d.w, requiresGrad: true), b = try Tensor(shape: [5], data: d.b, requiresGrad: true)
        let opt = try AdamW(parameters: [("enc.weight", w), ("enc.bias", b)], learningRate: lr ?? d.lr, weightDecay: d.wd,
                            decayFilter: { _, _ in true })
        if let scales { try opt.setLearningRateScales(scales) }
        for (gw, gb) in d.grads {
            w.grad = try Tensor(shape: [4, 5], data: gw); b.grad = try Tensor(shape: [5], data: gb)
            try opt.step()
        }
        return (w.toArray().map(\.bitPattern), b.toArray().map(\.bitPattern), opt)
    }

    @Test(arguments: 0..<20) func scaleOneIsTheUnscaledUpdateBitForBit(seed: UInt64) throws {
        let d = Draw(seed: seed)
        let plain = try run(d), scaled = try run(d, scales: ["enc.weight": 1, "enc.bias": 1])
        #expect(plain.w == scaled.w && plain.b == scaled.b)
        #expect(plain.w != d.w.map(\.bitPattern))
    }

    @Test(arguments: 0..<20) func scaleZeroDoesNotMoveTheParameter(seed: UInt64) throws {
        let d = Draw(seed: seed)
        let plain = try run(d), frozen = try run(d, scales: ["enc.weight": 0])
        #expect(frozen.w == d.w.map(\.bitPattern))
        // The other parameter's update is unaffected; the frozen one's moments still advanced.
        #expect(frozen.b == plain.b)
        #expect(frozen.opt.stateTensors().contains { $0.0 == "step.enc.weight" && $0.1.item == 4 })
    }

    @Test(arguments: 0..<20) func scaleHalfIsHalfTheLearningRate(seed: UInt64) throws {
        // lr·0.5 is exact in Double, and halving a decimal's nearest double gives the half's nearest double.
        let d = Draw(seed: seed)
        let half = try run(d, lr: d.lr / 2), scaled = try run(d, scales: ["enc.weight": 0.5, "enc.bias": 0.5])
        #expect(half.w == scaled.w && half.b == scaled.b)
    }

    @Test func refusesUnknownNamesAndBadScalesChangingNothing() throws {
        let (_, _, opt) = try run(Draw(seed: 1), scales: ["enc.bias": 0.25])
        #expect(throws: TensorError("AdamW", "learning-rate scale for 'enc.nope', which is not an optimized parameter")) {
            try opt.setLearningRateScales(["enc.weight": 0.5, "enc.nope": 1])
        }
        #expect(throws: TensorError("AdamW", "learning-rate scale of 'enc.weight' must be finite and ≥ 0, got -1.0")) {
            try opt.setLearningRateScales(["enc.weight": -1])
        }
        #expect(throws: TensorError.self) { try opt.setLearningRateScales(["enc.weight": .nan]) }
        #expect(opt.learningRateScales == [1, 0.25])
    }
}
