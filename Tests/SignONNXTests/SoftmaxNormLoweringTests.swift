import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

@Suite("ONNX lowering: softmax and normalization")
struct SoftmaxNormLoweringTests {
    let x = uniform([2, 5, 6], seed: 31, low: -4, high: 4)

    @Test(arguments: [-1, 1])
    func softmax(_ axis: Int) throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.softmax(axis: axis)) { b, i in try b.softmax(i[0], axis: axis) }
    }

    @Test func logSoftmax() throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.logSoftmax(axis: -1)) { b, i in try b.logSoftmax(i[0], axis: -1) }
    }

    /// LayerNormalization and the decomposed form, at opset 17 (ReduceMean axes attribute) and 20 (input).
    @Test(arguments: [(17, false), (17, true), (20, false), (20, true)])
    func layerNorm(_ version: Int, _ decomposed: Bool) throws {
        let w = uniform([6], seed: 32, low: 0.5, high: 1.5), bias = uniform([6], seed: 33)
        let shifted = x + 10   // a large mean tests the two-pass variance
        var ops: [String] = []
        try expectSingleOp(opset: try ONNXOpset(version), decomposeLayerNorm: decomposed, [TestInput(name: "x", value: shifted)],
                           expected: try shifted.layerNorm(weight: w, bias: bias, eps: 1e-5)) { b, i in
            let y = try b.layerNorm(i[0], weight: w, bias: bias, eps: 1e-5)
            ops = opTypes(b)
            return y
        }
        if decomposed {
            #expect(!ops.contains("LayerNormalization") && ops.filter { $0 == "ReduceMean" }.count == 2)
        } else {
            #expect(ops == ["LayerNormalization"])
        }
    }

    @Test func layerNormWithoutAffineNeedsFeatures() throws {
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.layerNorm(weight: nil, bias: nil, eps: 1e-6)) { b, i in
            try b.layerNorm(i[0], weight: nil, bias: nil, eps: 1e-6, features: 6)
        }
        let b = ONNXGraphBuilder()
        let input = try b.input("x", shape: [2, 6])
        #expect(throws: ONNXExportError.self) { try b.layerNorm(input, weight: nil, bias: nil, eps: 1e-5) }
    }

    @Test(arguments: [[2, 3, 7], [4, 3]])
    func batchNormEval(_ shape: [Int]) throws {
        let input = uniform(shape, seed: 34, low: -2, high: 2)
        let gamma = uniform([3], seed: 35, low: 0.5, high: 1.5), beta = uniform([3], seed: 36)
        let mean = uniform([3], seed: 37), variance = uniform([3], seed: 38, low: 0.2, high: 3)
        let expected = try input.batchNorm(weight: gamma, bias: beta, runningMean: mean, runningVar: variance, training: false, eps: 1e-5)
        try expectSingleOp([TestInput(name: "x", value: input)], expected: expected) { b, i in
            try b.batchNorm(i[0], weight: gamma, bias: beta, runningMean: mean, runningVar: variance, eps: 1e-5)
        }
    }

    /// x / √(Σx² + ε) (SignZoo's l2Normalized) and x / max(‖x‖, ε) (torch F.normalize), at both opsets.
    @Test(arguments: [(17, true), (20, true), (17, false), (20, false)])
    func l2Normalize(_ version: Int, _ insideSqrt: Bool) throws {
        let input = try Tensor.concat([uniform([2, 1, 6], seed: 39), Tensor.zeros([2, 1, 6])], axis: 1)   // a zero row stays finite
        let eps: Float = 1e-12
        let squares = try (input * input).sum(axes: [-1], keepDims: true)
        let expected = insideSqrt
            ? try input * (squares + eps).rsqrt()
            : try input / Tensor(shape: squares.shape, data: squares.toArray().map { Swift.max($0.squareRoot(), eps) })
        try expectSingleOp(opset: try ONNXOpset(version), [TestInput(name: "x", value: input)], expected: expected) { b, i in
            try b.l2Normalize(i[0], axis: -1, eps: eps, epsilonInsideSqrt: insideSqrt)
        }
    }
}
