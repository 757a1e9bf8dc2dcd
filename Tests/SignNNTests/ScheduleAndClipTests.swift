import Testing
import SignTensor
import SignNN

@Suite("Schedules and gradient clipping")
struct ScheduleAndClipTests {
    /// Reference: `converters/python/optim_reference.py` (the closed form, cross-checked there against
    /// torch's CosineAnnealingLR(T_max = total − warmup, eta_min) for the steps after warmup).
    @Test func warmupCosineValues() {
        let s = WarmupCosine(baseLR: 1e-3, warmupSteps: 10, totalSteps: 100, minLR: 1e-5)
        let ref: [(Int, Float)] = [(0, 0), (1, 0.0001), (5, 0.0005), (10, 0.001), (11, 0.000999698459), (37, 0.0007959537),
                                   (55, 0.000505), (99, 1.03015406e-05), (100, 1e-05), (150, 1e-05)]
        for (step, lr) in ref {
            #expect(Swift.abs(s.learningRate(at: step) - lr) <= 1e-6 * Swift.max(lr, 1e-5), "step \(step): \(s.learningRate(at: step)) vs \(lr)")
        }
        let noWarmup = WarmupCosine(baseLR: 2, warmupSteps: 0, totalSteps: 4)
        #expect(noWarmup.learningRate(at: 0) == 2 && noWarmup.learningRate(at: 2) == 1 && noWarmup.learningRate(at: 4) == 0)
    }

    @Test func stepDecayAndConstant() throws {
        let s = StepDecay(baseLR: 0.1, stepSize: 3, gamma: 0.5)
        #expect([0, 2, 3, 5, 6, 9].map { s.learningRate(at: $0) } == [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125])
        #expect(Constant(3e-4).learningRate(at: 12345) == 3e-4)
        let opt = try SGD(parameters: [("w", Tensor.zeros([1], requiresGrad: true))], learningRate: 1)
        opt.apply(WarmupCosine(baseLR: 1, warmupSteps: 4, totalSteps: 10))
        #expect(opt.learningRate == 0)
        try opt.step()
        opt.apply(WarmupCosine(baseLR: 1, warmupSteps: 4, totalSteps: 10))
        #expect(opt.learningRate == 0.25)
    }

    /// Reference: torch.nn.utils.clip_grad_norm_([A, B, C], 0.5) with C's grad None
    /// (`converters/python/optim_reference.py`).
    @Test func clipGradNormMatchesTorch() throws {
        let a = Tensor.zeros([2, 3]), b = Tensor.zeros([3]), c = Tensor.zeros([2])
        a.grad = try Tensor(shape: [2, 3], data: [-0.05, 0.15, 0.0, 1.0, -1.0, 0.25])
        b.grad = try Tensor(shape: [3], data: [0.3, 0.0, -0.1])
        let norm = clipGradNorm([a, b, c], maxNorm: 0.5)
        #expect(Swift.abs(norm - 1.47902) <= 1e-6 * 1.47902)
        let refA: [Float] = [-0.0169030745, 0.0507092252, 0, 0.338061482, -0.338061482, 0.0845153704]
        let refB: [Float] = [0.10141845, 0, -0.0338061489]
        for (x, r) in zip(a.grad!.toArray() + b.grad!.toArray(), refA + refB) { #expect(Swift.abs(x - r) <= 1e-6 * Swift.max(Swift.abs(r), 0.01)) }
        #expect(c.grad == nil)
        // Below the limit nothing changes, and the norm is still returned.
        let before = a.grad!.toArray()
        let n2 = clipGradNorm([a], maxNorm: 10)
        #expect(a.grad!.toArray() == before && n2 > 0.4 && n2 < 0.5)
    }

    @Test func clipGradNormLargeTensor() {
        var rng = RandomStream(seed: 9)
        let p = Tensor.zeros([200_000])
        p.grad = Tensor.randn([200_000], rng: &rng)
        var ref = 0.0
        for i in 0..<p.count { ref += Double(p.grad!.pointer[i]) * Double(p.grad!.pointer[i]) }
        let norm = clipGradNorm([p], maxNorm: 1)
        #expect(Swift.abs(Double(norm) - ref.squareRoot()) <= 1e-6 * ref.squareRoot())
        var after = 0.0
        for i in 0..<p.count { after += Double(p.grad!.pointer[i]) * Double(p.grad!.pointer[i]) }
        #expect(Swift.abs(after.squareRoot() - 1) < 1e-5)
    }

    @Test func accumulatedGradientsAverageWithScaleGrads() throws {
        // Two backward() calls accumulate; scaling by 1/2 gives the mean of the micro-batch gradients.
        let w = try Tensor(shape: [3], data: [1, 2, 3], requiresGrad: true)
        let x1 = try Tensor(shape: [3], data: [1, 1, 1]), x2 = try Tensor(shape: [3], data: [3, -1, 0])
        try (w * x1).sum().backward()
        try (w * x2).sum().backward()
        scaleGrads([w, Tensor.zeros([1])], by: 0.5)
        #expect(w.grad!.toArray() == [2, 0, 0.5])
    }
}
