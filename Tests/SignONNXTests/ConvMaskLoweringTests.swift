import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

@Suite("ONNX lowering: convolution, pooling, masks, cast")
struct ConvMaskLoweringTests {
    /// Temporal conv with stride, padding, dilation and groups.
    @Test(arguments: [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 2), (2, 3, 1, 4)])
    func conv1d(_ stride: Int, _ padding: Int, _ dilation: Int, _ groups: Int) throws {
        var rng = RandomStream(seed: 71)
        let m = try Conv1d(inChannels: 4, outChannels: 8, kernelSize: 3, stride: stride, padding: padding, dilation: dilation,
                           groups: groups, rng: &rng)
        let x = uniform([2, 4, 11], seed: 72)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try m(x)) { b, i in try b.scope("head.conv") { try b.lower(m, i[0]) } }
    }

    @Test func maxAndAveragePool() throws {
        let x = uniform([2, 3, 10], seed: 73)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.maxPool1d(kernel: 3, stride: 2)) { b, i in
            try b.maxPool1d(i[0], kernel: 3, stride: 2)
        }
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.avgPool1d(kernel: 2)) { b, i in try b.avgPool1d(i[0], kernel: 2) }
    }

    /// Where with a bool condition input (fed from 0/1 floats) equals the engine's where.
    @Test func whereOp() throws {
        let c = try Tensor(shape: [2, 3], data: [1, 0, 0, 1, 1, 0])
        let a = uniform([2, 3], seed: 74), other = uniform([3], seed: 75)
        try expectSingleOp([TestInput(name: "c", value: c, type: .bool), TestInput(name: "a", value: a),
                            TestInput(name: "b", value: other, dynamicBatch: false)],
                           expected: try Tensor.where(c, a, other)) { b, i in try b.where(i[0], i[1], i[2]) }
        try expectSingleOp([TestInput(name: "c", value: c), TestInput(name: "a", value: a),
                            TestInput(name: "b", value: other, dynamicBatch: false)],
                           expected: try Tensor.where(c, a, other)) { b, i in try b.whereNonzero(i[0], i[1], i[2]) }
    }

    @Test func maskedFill() throws {
        let x = uniform([2, 4], seed: 76)
        let padding = try Tensor(shape: [2, 4], data: [0, 0, 1, 1, 0, 1, 0, 0])
        try expectSingleOp([TestInput(name: "x", value: x), TestInput(name: "m", value: padding)],
                           expected: try x.maskedFill(padding, value: -7)) { b, i in try b.maskedFill(i[0], mask: i[1], value: -7) }
    }

    /// Softmax over scores plus the additive mask: padded keys get weight 0 (−1e9, never −inf), and a
    /// fully masked row stays finite (uniform) instead of NaN.
    @Test func additiveMaskBeforeSoftmax() throws {
        let scores = uniform([2, 4], seed: 77, low: -3, high: 3)
        let keep = try Tensor(shape: [2, 4], data: [1, 1, 0, 1, 0, 0, 0, 0])
        let expected = try scores.maskedFill(1 - keep, value: -1e9).softmax(axis: -1)
        try expectSingleOp([TestInput(name: "s", value: scores), TestInput(name: "keep", value: keep)], expected: expected) { b, i in
            try b.softmax(try b.add(i[0], try b.additiveMask(i[1])), axis: -1)
        }
        // A padded key's weight vanishes (the engine's clamped exp leaves ≈ 1e-38); the all-masked row
        // is four equal scores of −1e9: uniform and finite.
        #expect(expected.allFinite && expected[0, 2] < 1e-30 && expected[1, 0] == 0.25)
    }

    /// Cast float → bool → float maps nonzero to 1; float → int64 truncates toward zero.
    @Test func cast() throws {
        let x = try Tensor(shape: [1, 6], data: [0, -0.0, 2.5, -1.75, 1e-30, 3])
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try Tensor(shape: [1, 6], data: [0, 0, 1, 1, 1, 1])) { b, i in
            try b.cast(try b.cast(i[0], to: .bool), to: .float)
        }
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try Tensor(shape: [1, 6], data: [0, 0, 2, -1, 0, 3])) { b, i in
            try b.cast(try b.cast(i[0], to: .int64), to: .float)
        }
    }
}
