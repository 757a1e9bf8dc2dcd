import Testing
import SignTensor
import SignONNX
import SignTestSupport

@Suite("ONNX lowering: reductions")
struct ReduceLoweringTests {
    let x = uniform([2, 5, 4], seed: 41, low: -2, high: 2)

    /// Each reduce op at opset 17 and 20; the axes travel as an attribute or an input as the opset requires.
    @Test(arguments: ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceL2"], [17, 20])
    func reduce(_ op: String, _ version: Int) throws {
        for keepDims in [false, true] {
            let expected: Tensor
            switch op {
            case "ReduceMean": expected = try x.mean(axes: [1], keepDims: keepDims)
            case "ReduceSum": expected = try x.sum(axes: [1], keepDims: keepDims)
            case "ReduceMax": expected = try x.max(axis: 1, keepDims: keepDims)
            default: expected = try (x * x).sum(axes: [1], keepDims: keepDims).sqrt()
            }
            var node: ONNXNode?
            try expectSingleOp(opset: try ONNXOpset(version), [TestInput(name: "x", value: x)], expected: expected) { b, i in
                let y: String
                switch op {
                case "ReduceMean": y = try b.reduceMean(i[0], axes: [1], keepDims: keepDims)
                case "ReduceSum": y = try b.reduceSum(i[0], axes: [1], keepDims: keepDims)
                case "ReduceMax": y = try b.reduceMax(i[0], axes: [1], keepDims: keepDims)
                default: y = try b.reduceL2(i[0], axes: [1], keepDims: keepDims)
                }
                node = b.graph().nodes.last
                return y
            }
            let n = try #require(node)
            let inputForm = version >= (op == "ReduceSum" ? 13 : 18)
            #expect(n.opType == op)
            #expect(n.inputs.count == (inputForm ? 2 : 1))
            #expect((n.attributes["axes"] != nil) == !inputForm)
        }
    }

    @Test func reduceOverSeveralAxes() throws {
        try expectSingleOp(opset: .opset20, [TestInput(name: "x", value: x)], expected: try x.mean(axes: [1, 2])) { b, i in
            try b.reduceMean(i[0], axes: [1, 2])
        }
    }

    /// ArgMax along the last axis (greedy CTC): the first maximum, like `argmaxLastAxis`.
    @Test func argMax() throws {
        let ties = try Tensor(shape: [2, 2, 4], data: [0, 3, 3, 1, 5, 2, 5, 0, -1, -2, -1, -3, 0.5, 0.25, 0.75, 0.75])
        let expected = try Tensor(shape: [2, 2], data: ties.argmaxLastAxis().map(Float.init))
        try expectSingleOp([TestInput(name: "x", value: ties)], expected: expected) { b, i in
            try b.cast(try b.argMax(i[0], axis: -1), to: .float)
        }
    }
}
