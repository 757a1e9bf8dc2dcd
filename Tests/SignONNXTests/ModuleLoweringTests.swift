import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

/// SignNN layers lowered whole, in eval mode, against their Swift forward.
@Suite("ONNX lowering: SignNN modules")
struct ModuleLoweringTests {
    @Test func linearAndLayerNormModules() throws {
        var rng = RandomStream(seed: 81)
        let linear = Linear(5, 3, rng: &rng)
        let norm = LayerNorm(3, eps: 1e-6)
        norm.weight.pointer.update(from: [1.5, 0.5, -1], count: 3)
        let x = uniform([2, 4, 5], seed: 82)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try norm(try linear(x))) { b, i in
            let h = try b.scope("proj") { try b.lower(module: linear, i[0]) }
            return try b.scope("norm") { try b.lower(module: norm, h) }
        }
    }

    /// BatchNorm1d in eval mode uses the running statistics (made non-trivial by a few training steps).
    @Test func batchNormModuleInEvalMode() throws {
        let m = BatchNorm1d(3)
        for s in 0..<3 { _ = try m(uniform([4, 3, 5], seed: 83 + UInt64(s), low: -1, high: 3)) }
        m.eval()
        let x = uniform([2, 3, 6], seed: 87)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try m(x)) { b, i in try b.scope("bn") { try b.lower(m, i[0]) } }
    }

    /// GraphConv with a spatial-partition adjacency and a learned edge importance.
    @Test func graphConv() throws {
        var rng = RandomStream(seed: 88)
        let adjacency = try Graph.adjacency(nodes: 5, edges: [(0, 1), (1, 2), (1, 3), (3, 4)], strategy: .spatial(center: 1))
        let m = try GraphConv(inChannels: 3, outChannels: 4, adjacency: adjacency, learnEdgeImportance: true, rng: &rng)
        let importance = uniform(adjacency.shape, seed: 89, low: 0.5, high: 1.5)
        m.edgeImportance!.pointer.update(from: importance.pointer, count: importance.count)
        let x = uniform([2, 3, 5, 3], seed: 90)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try m(x)) { b, i in try b.scope("gcn") { try b.lower(m, i[0]) } }
    }

    /// Self-attention with a key-padding mask, where the second clip has no valid key at all: the
    /// engine gives 0 attention there (output = out_proj bias), and so must the graph.
    @Test(arguments: [false, true])
    func selfAttention(_ causal: Bool) throws {
        var rng = RandomStream(seed: 91)
        let m = try MultiHeadAttention(dModel: 8, heads: 2, rng: &rng)
        randomizeBiases(m, seed: 92)
        m.eval()
        let x = uniform([3, 5, 8], seed: 93)
        let mask = lengthMask([5, 0, 3], frames: 5)
        try expectSingleOp([TestInput(name: "x", value: x), TestInput(name: "mask", value: mask)],
                           expected: try m(x, keyMask: mask, causal: causal)) { b, i in
            try b.scope("attn") { try b.lower(m, i[0], keyMask: i[1], causal: causal) }
        }
    }

    @Test func causalSelfAttentionWithoutMask() throws {
        var rng = RandomStream(seed: 94)
        let m = try MultiHeadAttention(dModel: 8, heads: 4, rng: &rng)
        m.eval()
        let x = uniform([2, 6, 8], seed: 95)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try m(x, causal: true)) { b, i in
            try b.scope("attn") { try b.lower(m, i[0], causal: true) }
        }
    }

    /// Cross-attention (key = value = memory) and fully separate query, key and value.
    @Test func crossAndSeparateAttention() throws {
        var rng = RandomStream(seed: 96)
        let m = try MultiHeadAttention(dModel: 6, heads: 3, rng: &rng)
        randomizeBiases(m, seed: 97)
        m.eval()
        let q = uniform([2, 3, 6], seed: 98), mem = uniform([2, 7, 6], seed: 99), v = uniform([2, 7, 6], seed: 100)
        let mask = lengthMask([7, 4], frames: 7)
        try expectSingleOp([TestInput(name: "q", value: q), TestInput(name: "mem", value: mem), TestInput(name: "mask", value: mask)],
                           expected: try m(query: q, key: mem, value: mem, keyMask: mask)) { b, i in
            try b.scope("cross") { try b.lower(m, query: i[0], key: i[1], value: i[1], keyMask: i[2]) }
        }
        try expectSingleOp([TestInput(name: "q", value: q), TestInput(name: "k", value: mem), TestInput(name: "v", value: v)],
                           expected: try m(query: q, key: mem, value: v)) { b, i in
            try b.scope("cross") { try b.lower(m, query: i[0], key: i[1], value: i[2]) }
        }
    }

    /// Post-norm ReLU and pre-norm GELU encoder layers at opsets 17 and 20, with a masked tail.
    @Test(arguments: [(false, Activation.relu, 17), (true, Activation.gelu, 17), (true, Activation.gelu, 20), (false, Activation.gelu, 20)])
    func encoderLayer(_ normFirst: Bool, _ activation: Activation, _ version: Int) throws {
        var rng = RandomStream(seed: 101)
        let layer = try TransformerEncoderLayer(dModel: 8, heads: 2, ffDim: 16, dropout: 0.1, activation: activation,
                                                normFirst: normFirst, rng: &rng)
        randomizeBiases(layer.selfAttn, seed: 102)
        layer.eval()
        let x = uniform([2, 5, 8], seed: 103)
        let mask = lengthMask([5, 2], frames: 5)
        try expectSingleOp(opset: try ONNXOpset(version), [TestInput(name: "x", value: x), TestInput(name: "mask", value: mask)],
                           expected: try layer(x, keyMask: mask)) { b, i in
            try b.scope("encoder.layers.0") { try b.lower(layer, i[0], keyMask: i[1]) }
        }
    }

    @Test(arguments: [false, true])
    func decoderLayer(_ normFirst: Bool) throws {
        var rng = RandomStream(seed: 104)
        let layer = try TransformerDecoderLayer(dModel: 8, heads: 2, ffDim: 12, activation: .gelu, normFirst: normFirst, rng: &rng)
        randomizeBiases(layer.selfAttn, seed: 105)
        randomizeBiases(layer.multiheadAttn, seed: 106)
        layer.eval()
        let x = uniform([2, 4, 8], seed: 107), memory = uniform([2, 6, 8], seed: 108)
        let selfMask = lengthMask([4, 3], frames: 4), memoryMask = lengthMask([6, 2], frames: 6)
        try expectSingleOp([TestInput(name: "x", value: x), TestInput(name: "memory", value: memory),
                            TestInput(name: "self_mask", value: selfMask), TestInput(name: "memory_mask", value: memoryMask)],
                           expected: try layer(x, memory: memory, selfKeyMask: selfMask, memoryKeyMask: memoryMask)) { b, i in
            try b.scope("decoder.layers.0") { try b.lower(layer, i[0], memory: i[1], selfKeyMask: i[2], memoryKeyMask: i[3]) }
        }
    }

    /// A two-layer encoder with a final norm, exported once with dynamic `batch` and `frames`, then run
    /// at 1×1, 2×7 (odd, masked tail) and 3×4 — one graph, several shapes.
    @Test func encoderStackWithDynamicBatchAndFrames() throws {
        var rng = RandomStream(seed: 109)
        let layers = try (0..<2).map { _ in try TransformerEncoderLayer(dModel: 8, heads: 2, ffDim: 16, activation: .gelu, normFirst: true, rng: &rng) }
        let encoder = TransformerEncoder(layers: layers, finalNorm: LayerNorm(8))
        encoder.eval()
        let b = ONNXGraphBuilder()
        let x = try b.input("x", shape: ["batch", "frames", 8])
        let mask = try b.input("mask", shape: ["batch", "frames"])
        let y = try b.scope("encoder") { try b.lower(encoder, x, keyMask: mask) }
        try b.output(y, name: "tokens", shape: ["batch", "frames", 8])
        #expect(b.graph().initializers.contains { $0.name == "encoder.layers.1.self_attn.in_proj_weight" })
        #expect(b.graph().nodes.contains { $0.name.hasPrefix("encoder.layers.1.linear2/") })
        let model = try b.model()
        // Module outputs by path: the engine's per-layer values go under these names for --intermediates.
        let values = Dictionary(b.moduleOutputs.map { ($0.path, $0.value) }, uniquingKeysWith: { _, last in last })
        let layer0 = try #require(values["encoder.layers.0"]), layer1 = try #require(values["encoder.layers.1"])
        #expect(values["encoder"] == values["encoder.norm"] && values["encoder"] != nil)
        #expect(values["encoder.layers.0.self_attn"] != nil && values["encoder.layers.1.linear2"] != nil)
        for (batch, frames, valid) in [(1, 1, [1]), (2, 7, [7, 3]), (3, 4, [4, 1, 2])] {
            let input = uniform([batch, frames, 8], seed: UInt64(110 + frames))
            let m = lengthMask(valid, frames: frames)
            let h0 = try layers[0](input, keyMask: m), h1 = try layers[1](h0, keyMask: m)
            let report = try runCheck(model, inputs: ["x": input, "mask": m], expected: ["tokens": try encoder(input, keyMask: m)],
                                      expectedIntermediates: [layer0: h0, layer1: h1])
            #expect(report.ok, "\(batch)×\(frames): \(String(describing: report.summary))")
            #expect(report.summary["intermediates_compared"] as? Int == 2)
        }
    }

    @Test func attentionPoolingAndMaskedMean() throws {
        var rng = RandomStream(seed: 120)
        let pool = AttentionPooling(6, rng: &rng)
        let tokens = uniform([3, 5, 6], seed: 121)
        let mask = lengthMask([5, 1, 3], frames: 5)
        try expectSingleOp([TestInput(name: "tokens", value: tokens), TestInput(name: "mask", value: mask)],
                           expected: try pool(tokens, mask: mask)) { b, i in
            try b.scope("head.pool") { try b.lower(pool, tokens: i[0], mask: i[1]) }
        }
        try expectSingleOp([TestInput(name: "tokens", value: tokens), TestInput(name: "mask", value: mask)],
                           expected: try maskedMeanPool(tokens, mask: mask)) { b, i in try b.maskedMeanPool(tokens: i[0], mask: i[1]) }
    }

    @Test func dropoutIsTheIdentityInEval() throws {
        let d = Dropout(p: 0.5, seed: 1)
        d.eval()
        let b = ONNXGraphBuilder()
        let x = try b.input("x", shape: [2])
        #expect(try b.lower(module: d, x) == x)
        #expect(b.nodeCount == 0)
    }
}

/// PyTorch initializes attention biases to 0; random ones make the tests see every bias.
func randomizeBiases(_ m: MultiHeadAttention, seed: UInt64) {
    let b = uniform(m.inProjBias.shape, seed: seed, low: -0.5, high: 0.5)
    m.inProjBias.pointer.update(from: b.pointer, count: b.count)
    let o = uniform(m.outProj.bias!.shape, seed: seed + 1, low: -0.5, high: 0.5)
    m.outProj.bias!.pointer.update(from: o.pointer, count: o.count)
}
