import Testing
import SignTensor
import SignONNX
import SignTestSupport

@Suite("ONNX lowering: element-wise functions")
struct UnaryLoweringTests {
    let x = uniform([2, 3, 8], seed: 21, low: -3, high: 3)
    let positive = uniform([2, 3, 8], seed: 22, low: 0.05, high: 4)

    @Test(arguments: ["Sqrt", "Rsqrt", "Exp", "Log", "Abs", "Neg", "Erf", "Tanh", "Sigmoid", "Relu"])
    func unary(_ op: String) throws {
        let input = ["Sqrt", "Rsqrt", "Log"].contains(op) ? positive : x
        let expected: Tensor
        switch op {
        case "Sqrt": expected = input.sqrt()
        case "Rsqrt": expected = input.rsqrt()
        case "Exp": expected = input.exp()
        case "Log": expected = input.log()
        case "Abs": expected = input.abs()
        case "Neg": expected = input * -1
        case "Erf": expected = input.erf()
        case "Tanh": expected = input.tanh()
        case "Sigmoid": expected = input.sigmoid()
        default: expected = input.relu()
        }
        try expectSingleOp([TestInput(name: "x", value: input)], expected: expected) { b, i in
            switch op {
            case "Sqrt": return try b.sqrt(i[0])
            case "Rsqrt": return try b.rsqrt(i[0])
            case "Exp": return try b.exp(i[0])
            case "Log": return try b.log(i[0])
            case "Abs": return try b.abs(i[0])
            case "Neg": return try b.neg(i[0])
            case "Erf": return try b.erf(i[0])
            case "Tanh": return try b.tanh(i[0])
            case "Sigmoid": return try b.sigmoid(i[0])
            default: return try b.relu(i[0])
            }
        }
    }

    /// GELU is the Erf formula at opset 17 and the Gelu op at opset 20; both match the engine's exact GELU.
    @Test(arguments: [17, 20])
    func gelu(_ version: Int) throws {
        let opset = try ONNXOpset(version)
        var ops: [String] = []
        try expectSingleOp(opset: opset, [TestInput(name: "x", value: x)], expected: x.gelu()) { b, i in
            let y = try b.gelu(i[0])
            ops = opTypes(b)
            return y
        }
        if version >= 20 { #expect(ops == ["Gelu"]) } else { #expect(ops.contains("Erf") && !ops.contains("Gelu")) }
    }
}
