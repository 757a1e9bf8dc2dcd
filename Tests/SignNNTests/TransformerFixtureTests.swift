import Testing
import SignNN
import SignTensor
import SignTestSupport

/// Whole Transformer layers against PyTorch (converters/python/gen_fixtures.py): weights loaded
/// by state_dict name, forward ≤ 1e-4 abs, every parameter gradient and the input gradient ≤ 1e-3 rel.
@Suite("Transformer layers against PyTorch fixtures")
struct TransformerFixtureTests {
    func check(_ fx: [String: Tensor], module: Module, inputs: [Tensor], out: Tensor) throws {
        #expect(maxAbsDiff(out, fx["out"]!) <= 1e-4, "forward max |Δ| = \(maxAbsDiff(out, fx["out"]!))")
        try out.backward(seed: fx["gout"]!)
        for (i, x) in inputs.enumerated() {
            let rel = maxRelDiff(try #require(x.grad), fx["grad.x\(i)"]!)
            #expect(rel <= 1e-3, "grad.x\(i) rel \(rel)")
        }
        for (name, p) in module.namedParameters() {
            let rel = maxRelDiff(try #require(p.grad, "\(name) has no gradient"), fx["grad.p.\(name)"]!)
            #expect(rel <= 1e-3, "grad.p.\(name) rel \(rel)")
        }
    }

    func parameters(_ fx: [String: Tensor]) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: fx.filter { $0.key.hasPrefix("p.") }.map { (String($0.key.dropFirst(2)), $0.value) })
    }

    @Test(arguments: [("pre_ln_gelu", true, Activation.gelu), ("post_ln_relu", false, Activation.relu)])
    func encoderLayer(tag: String, normFirst: Bool, activation: Activation) throws {
        let fx = try referenceFixture("layers/transformer_encoder_\(tag).safetensors")
        var rng = RandomStream(seed: 0)
        let layer = try TransformerEncoderLayer(dModel: 16, heads: 4, ffDim: 32, dropout: 0, activation: activation, normFirst: normFirst, rng: &rng)
        try layer.load(parameters(fx))
        let x = fx["x0"]!
        x.requiresGrad = true
        try check(fx, module: layer, inputs: [x], out: try layer(x, keyMask: fx["mask"]!))
    }

    @Test func decoderLayer() throws {
        let fx = try referenceFixture("layers/transformer_decoder_pre_ln_gelu.safetensors")
        var rng = RandomStream(seed: 0)
        let layer = try TransformerDecoderLayer(dModel: 16, heads: 4, ffDim: 32, dropout: 0, activation: .gelu, normFirst: true, rng: &rng)
        try layer.load(parameters(fx))
        let x = fx["x0"]!, memory = fx["x1"]!
        x.requiresGrad = true; memory.requiresGrad = true
        let y = try layer(x, memory: memory, selfKeyMask: nil, memoryKeyMask: fx["mask"]!, causal: true)
        try check(fx, module: layer, inputs: [x, memory], out: y)
    }

    @Test func adamWThreeStepsMatchPyTorch() throws {
        let fx = try referenceFixture("optim/adamw_3_steps.safetensors")
        let w = fx["w0"]!.copy(), b = fx["b0"]!.copy()
        w.requiresGrad = true; b.requiresGrad = true
        let opt = try AdamW(parameters: [("w", w), ("b", b)], learningRate: 0.1, betas: (0.9, 0.999), eps: 1e-8, weightDecay: 0.1)
        for i in 0..<3 {
            w.grad = fx["gw\(i)"]!.copy(); b.grad = fx["gb\(i)"]!.copy()
            try opt.step()
            #expect(maxAbsDiff(w, fx["w\(i + 1)"]!) <= 1e-6, "step \(i + 1) weight")
            #expect(maxAbsDiff(b, fx["b\(i + 1)"]!) <= 1e-6, "step \(i + 1) bias (no decay)")
        }
    }
}
