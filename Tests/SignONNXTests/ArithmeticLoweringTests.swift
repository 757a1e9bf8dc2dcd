import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

@Suite("ONNX lowering: arithmetic and matrix products")
struct ArithmeticLoweringTests {
    let a = uniform([2, 3, 4], seed: 1)
    let row = uniform([4], seed: 2, low: 0.5, high: 2)

    @Test(arguments: ["Add", "Sub", "Mul", "Div"])
    func broadcastingBinaryOp(_ op: String) throws {
        let expected: Tensor
        switch op {
        case "Add": expected = try a + row
        case "Sub": expected = try a - row
        case "Mul": expected = try a * row
        default: expected = try a / row
        }
        try expectSingleOp([TestInput(name: "a", value: a), TestInput(name: "b", value: row, dynamicBatch: false)], expected: expected) { b, x in
            switch op {
            case "Add": return try b.add(x[0], x[1])
            case "Sub": return try b.sub(x[0], x[1])
            case "Mul": return try b.mul(x[0], x[1])
            default: return try b.div(x[0], x[1])
            }
        }
    }

    @Test func scalarForms() throws {
        // (1 − a)·2.5 + 0.75, the engine's Float overloads.
        let expected = (1 - a) * 2.5 + 0.75
        try expectSingleOp([TestInput(name: "a", value: a)], expected: expected) { b, x in
            try b.add(try b.mul(try b.sub(1, x[0]), 2.5), 0.75)
        }
    }

    @Test func pow() throws {
        let base = uniform([3, 5], seed: 3, low: 0.1, high: 2)
        try expectSingleOp([TestInput(name: "x", value: base)], expected: base.pow(2.5)) { b, x in try b.pow(x[0], 2.5) }
    }

    @Test func batchedMatmulBroadcastsTheRightOperand() throws {
        let lhs = uniform([2, 3, 5], seed: 4), rhs = uniform([5, 4], seed: 5)
        try expectSingleOp([TestInput(name: "a", value: lhs), TestInput(name: "b", value: rhs, dynamicBatch: false)],
                           expected: try lhs.matmul(rhs)) { b, x in try b.matmul(x[0], x[1]) }
    }

    @Test func gemmWithTransposedWeight() throws {
        let x = uniform([3, 5], seed: 6), w = uniform([4, 5], seed: 7), c = uniform([4], seed: 8)
        let expected = try x.matmul(w, transposeOther: true) * 0.5 + c * 2
        try expectSingleOp([TestInput(name: "x", value: x), TestInput(name: "w", value: w, dynamicBatch: false),
                            TestInput(name: "c", value: c, dynamicBatch: false)], expected: expected) { b, i in
            try b.gemm(i[0], i[1], i[2], alpha: 0.5, beta: 2, transB: true)
        }
    }

    @Test func linearStoresTheTransposedWeightUnderTheModulePath() throws {
        let x = uniform([2, 3, 5], seed: 9), w = uniform([4, 5], seed: 10), bias = uniform([4], seed: 11)
        var builder: ONNXGraphBuilder?
        try expectSingleOp([TestInput(name: "x", value: x)], expected: try x.linear(weight: w, bias: bias)) { b, i in
            builder = b
            return try b.scope("encoder.proj") { try b.linear(i[0], weight: w, bias: bias) }
        }
        let graph = try #require(builder).graph()
        let weight = try #require(graph.initializers.first { $0.name == "encoder.proj.weight" })
        #expect(weight.dims == [5, 4])
        #expect(weight.floatValues == (try w.transposed(0, 1).copy()).toArray())
        #expect(graph.initializers.contains { $0.name == "encoder.proj.bias" })
        #expect(graph.nodes.map(\.opType) == ["MatMul", "Add", "Identity"])
        #expect(graph.nodes[0].name == "encoder.proj/MatMul")
    }

    @Test func linearOverARowBlockOfAPackedWeight() throws {
        let x = uniform([2, 6], seed: 12), w = uniform([9, 6], seed: 13), bias = uniform([9], seed: 14)
        let expected = try x.linear(weight: w, bias: bias, outputRows: 3..<9)
        try expectSingleOp([TestInput(name: "x", value: x)], expected: expected) { b, i in
            try b.linear(i[0], weight: w, bias: bias, weightName: "in_proj_weight", biasName: "in_proj_bias", outputRows: 3..<9)
        }
    }
}
