import Foundation
import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

@Suite("ONNX model writer")
struct ONNXModelWriterTests {
    @Test func opsetChoosesIRVersion() throws {
        #expect(ONNXOpset.opset17.irVersion == 8)
        #expect(ONNXOpset.opset20.irVersion == 9)
        #expect(try ONNXOpset(18).irVersion == 8)
        #expect(try ONNXOpset(21).irVersion == 10)
        #expect(throws: ONNXExportError.self) { try ONNXOpset(11) }
    }

    @Test func tinyModelRunsInOnnxruntime() throws {
        let b = ONNXGraphBuilder()
        let x = try b.input("x", shape: ["batch", 3])
        let y = try b.relu(try b.add(x, try b.constant(floats: [0.5, -0.25, 1], shape: [3])))
        try b.output(y, name: "y", shape: ["batch", 3])
        let input = try Tensor(shape: [2, 3], data: [-1, 0, 2, 3, 0.1, -5])
        let expected = (try input + Tensor(shape: [3], data: [0.5, -0.25, 1])).relu()
        try expectParity(b, inputs: ["x": input], expected: ["y": expected])
    }
}
