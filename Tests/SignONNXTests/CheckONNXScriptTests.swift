import Foundation
import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

/// converters/python/check_onnx.py itself: it must fail (exit 1, ✗) on a numeric mismatch, and with
/// --intermediates name the first node whose output diverges from the reference.
@Suite("check_onnx.py")
struct CheckONNXScriptTests {
    /// y = Relu(x)·2 − 1 with node names under `head`.
    func model() throws -> (ONNXModel, relu: String, scaled: String) {
        let b = ONNXGraphBuilder()
        let x = try b.input("x", shape: ["batch", 3])
        let (relu, scaled, y) = try b.scope("head") { () -> (String, String, String) in
            let r = try b.relu(x)
            let s = try b.mul(r, 2)
            return (r, s, try b.add(s, -1))
        }
        try b.output(y, name: "y", shape: ["batch", 3])
        return (try b.model(), relu, scaled)
    }

    /// Runs the script with `arguments` and returns (exit status, stdout).
    func check(_ arguments: [String]) throws -> (Int, String) {
        let wrapper = """
            import runpy, sys
            status = runpy.run_path(sys.argv[1])["main"](sys.argv[2:])
            print("STATUS", status)
            """
        let out = try Python.run(wrapper, arguments: [checkScript] + arguments, requiring: ["onnx", "onnxruntime", "safetensors"])
        let status = out.split(separator: "\n").last { $0.hasPrefix("STATUS ") }.flatMap { Int($0.dropFirst(7)) } ?? -1
        return (status, out)
    }

    @Test func mismatchFailsAndNamesTheFirstDivergentNode() throws {
        let (m, relu, scaled) = try model()
        let folder = try makeTemporaryDirectory("check-onnx")
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try m.write(to: URL(fileURLWithPath: path("m.onnx")))
        let x = try Tensor(shape: [2, 3], data: [-1, 0.5, 2, 3, -4, 0.25])
        let r = x.relu(), s = r * 2, y = s - 1
        try Safetensors.write(["x": x], to: URL(fileURLWithPath: path("in.safetensors")))
        try Safetensors.write(["y": y], to: URL(fileURLWithPath: path("good.safetensors")))
        try Safetensors.write(["y": y + 0.01], to: URL(fileURLWithPath: path("bad.safetensors")))
        // The reference intermediates agree at Relu and diverge at Mul.
        try Safetensors.write([relu: r, scaled: s + 0.5], to: URL(fileURLWithPath: path("inter.safetensors")))

        let (okStatus, okText) = try check([path("m.onnx"), "--inputs", path("in.safetensors"), "--expected", path("good.safetensors")])
        #expect(okStatus == 0)
        #expect(okText.contains("✓ y (optimizations disabled)") && okText.contains("✓ y (optimizations enabled)"))

        let (badStatus, badText) = try check([path("m.onnx"), "--inputs", path("in.safetensors"), "--expected", path("bad.safetensors")])
        #expect(badStatus == 1)
        #expect(badText.contains("✗ y (optimizations disabled): max abs 0.01"))

        let (interStatus, interJSON) = try check([path("m.onnx"), "--inputs", path("in.safetensors"), "--intermediates",
                                                  "--expected-intermediates", path("inter.safetensors"), "--json"])
        #expect(interStatus == 1)
        let json = interJSON.split(separator: "\n").filter { !$0.hasPrefix("STATUS") }.joined(separator: "\n")
        let summary = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let first = summary?["first_divergence"] as? [String: Any]
        #expect(first?["node"] as? String == "head/Mul")
        #expect(first?["op_type"] as? String == "Mul")
        #expect(first?["output"] as? String == scaled)
        #expect(summary?["intermediates_compared"] as? Int == 2)
        #expect((summary?["onnxruntime_version"] as? String)?.isEmpty == false)
    }
}
