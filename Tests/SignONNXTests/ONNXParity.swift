import Foundation
import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

/// The repository root (two folders above Tests/Fixtures).
let repositoryRoot = fixturesRoot.deletingLastPathComponent().deletingLastPathComponent()
let checkScript = repositoryRoot.appendingPathComponent("converters/python/check_onnx.py").path

/// One run of converters/python/check_onnx.py: its JSON summary and onnxruntime's outputs.
struct ParityReport {
    let summary: [String: Any]
    let outputs: [String: Tensor]
    var ok: Bool { summary["ok"] as? Bool ?? false }
}

/// Writes `model`, the inputs and the engine's expected outputs to a temp folder, runs check_onnx.py
/// (checker with full_check, strict shape inference, onnxruntime with optimizations off and on) and
/// reads back onnxruntime's outputs (optimizations off).
func runCheck(_ model: ONNXModel, inputs: [String: Tensor], expected: [String: Tensor],
              expectedIntermediates: [String: Tensor] = [:]) throws -> ParityReport {
    let folder = try makeTemporaryDirectory("onnx")
    defer { try? FileManager.default.removeItem(at: folder) }
    let modelURL = folder.appendingPathComponent("model.onnx")
    try model.write(to: modelURL)
    let inputsURL = folder.appendingPathComponent("inputs.safetensors")
    let expectedURL = folder.appendingPathComponent("expected.safetensors")
    let ortURL = folder.appendingPathComponent("ort.safetensors")
    try Safetensors.write(inputs, to: inputsURL)
    try Safetensors.write(expected, to: expectedURL)
    var extra: [String] = []
    if !expectedIntermediates.isEmpty {
        let url = folder.appendingPathComponent("intermediates.safetensors")
        try Safetensors.write(expectedIntermediates, to: url)
        extra = ["--intermediates", "--expected-intermediates", url.path]
    }
    let wrapper = """
        import runpy, sys
        main = runpy.run_path(sys.argv[1])["main"]
        main(sys.argv[2:])
        """
    let stdout = try Python.run(wrapper, arguments: [checkScript, modelURL.path, "--inputs", inputsURL.path, "--expected", expectedURL.path,
                                                     "--write-outputs", ortURL.path, "--json"] + extra,
                                requiring: ["numpy", "onnx", "onnxruntime", "safetensors"])
    let summary = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] ?? [:]
    let outputs = FileManager.default.fileExists(atPath: ortURL.path) ? try Safetensors.read(ortURL).tensors : [:]
    return ParityReport(summary: summary, outputs: outputs)
}

/// |a − b| ≤ 1e-4 + 1e-3·|b| for every element (b = the engine's value); shapes must match.
func withinTolerance(_ a: Tensor, _ b: Tensor) -> Bool {
    guard a.shape == b.shape else { return false }
    for i in 0..<a.count where !(Swift.abs(a.pointer[i] - b.pointer[i]) <= 1e-4 + 1e-3 * Swift.abs(b.pointer[i])) { return false }
    return true
}

/// Builds the model, checks it in Python and compares onnxruntime's outputs with the engine's in Swift too.
func expectParity(_ builder: ONNXGraphBuilder, inputs: [String: Tensor], expected: [String: Tensor],
                  sourceLocation: SourceLocation = #_sourceLocation) throws {
    let report = try runCheck(try builder.model(), inputs: inputs, expected: expected)
    #expect(report.ok, "check_onnx.py failed: \(String(describing: report.summary))", sourceLocation: sourceLocation)
    for (name, engine) in expected {
        guard let ort = report.outputs[name] else {
            Issue.record("onnxruntime produced no output '\(name)'", sourceLocation: sourceLocation)
            continue
        }
        #expect(withinTolerance(ort, engine), "\(name): onnxruntime \(ort) vs engine \(engine)", sourceLocation: sourceLocation)
    }
}

/// A seeded tensor with values in [low, high).
func uniform(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomStream(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, rng: &rng)
}

/// The opsets every lowering test runs at.
let testedOpsets: [ONNXOpset] = [.opset17, .opset20]

/// A graph input for a single-op test: name, engine value, element type (int64 ids and bool masks are
/// fed from the float tensor by check_onnx.py), and whether dim 0 is the symbolic `batch`.
struct TestInput {
    let name: String
    let value: Tensor
    var type: ONNXDataType = .float
    var dynamicBatch = true
}

/// Builds a model whose inputs are `inputs` and whose single output `y` is what `body` computes,
/// then checks it against the engine's `expected` in onnxruntime.
func expectSingleOp(opset: ONNXOpset = .opset17, decomposeLayerNorm: Bool = false, _ inputs: [TestInput], expected: Tensor,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: (ONNXGraphBuilder, [String]) throws -> String) throws {
    let b = ONNXGraphBuilder(opset: opset, decomposeLayerNorm: decomposeLayerNorm)
    let names = try inputs.map { i in
        let dims: [ONNXDim] = i.value.shape.enumerated().map { $0.offset == 0 && i.dynamicBatch ? "batch" : .fixed($0.element) }
        return try b.input(i.name, shape: dims, type: i.type)
    }
    // onnx.checker requires a shape on graph outputs; named dims leave every size to inference.
    try b.output(try body(b, names), name: "y", shape: expected.shape.indices.map { .symbolic("y\($0)") })
    var feeds: [String: Tensor] = [:]
    for i in inputs { feeds[i.name] = i.value }
    try expectParity(b, inputs: feeds, expected: ["y": expected], sourceLocation: sourceLocation)
}

/// The op types of a built graph, in node order.
func opTypes(_ b: ONNXGraphBuilder) -> [String] { b.graph().nodes.map(\.opType) }
