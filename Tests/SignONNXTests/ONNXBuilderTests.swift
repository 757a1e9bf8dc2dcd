import Foundation
import Testing
import SignTensor
import SignNN
import SignONNX
import SignTestSupport

/// A module with no lowering (stands for any engine op or layer the exporter does not know).
final class Wobble: Module {}

@Suite("ONNX graph builder")
struct ONNXBuilderTests {
    @Test func nodeNamesCarryTheModulePathAndStayUnique() throws {
        let b = ONNXGraphBuilder()
        let x = try b.input("x", shape: ["batch", 4])
        let (first, second, inner) = try b.scope("encoder") {
            try b.scope("layers.0") { (try b.relu(x), try b.relu(x), b.path) }
        }
        _ = try b.relu(x)
        #expect(inner == "encoder.layers.0")
        let names = b.graph().nodes.map(\.name)
        #expect(names == ["encoder.layers.0/Relu", "encoder.layers.0/Relu_1", "Relu"])
        #expect(first == "encoder.layers.0/Relu_output_0" && second == "encoder.layers.0/Relu_1_output_0")
        #expect(b.path == "")
        #expect(b.scope("a.b") { b.qualified("weight") } == "a.b.weight")
    }

    @Test func constantsAreSharedAndParametersDeduplicated() throws {
        let b = ONNXGraphBuilder()
        let c1 = try b.constant(ints: [0, 0, -1]), c2 = try b.constant(ints: [0, 0, -1]), c3 = try b.constant(int: 3)
        #expect(c1 == c2 && c1 != c3)
        let w = uniform([2, 2], seed: 1)
        let p1 = try b.scope("m") { try b.parameter(w, "weight") }
        let p2 = try b.scope("m") { try b.parameter(w, "weight") }
        #expect(p1 == "m.weight" && p2 == p1)
        #expect(b.graph().initializers.count == 3)
        #expect(throws: ONNXExportError.self) { try b.scope("m") { try b.parameter(uniform([2, 2], seed: 2), "weight") } }
    }

    /// The unsupported-op error names the op and the module path, in the words users see.
    @Test func unsupportedOpNamesOpAndModulePath() throws {
        let b = ONNXGraphBuilder()
        let x = try b.input("x", shape: [2])
        let error = b.scope("encoder") { b.scope("foo") { b.fail(op: "maxUnpool1d") } }
        #expect(error == .noLowering(op: "maxUnpool1d", path: "encoder.foo"))
        #expect(error.description == "no ONNX lowering for op 'maxUnpool1d' at module path 'encoder.foo'")
        do {
            _ = try b.scope("encoder.manual.wobble") { try b.lower(module: Wobble(), x) }
            Issue.record("an unknown module must not lower")
        } catch let e as ONNXExportError {
            #expect(e.description == "no ONNX lowering for op 'Wobble' at module path 'encoder.manual.wobble'")
        }
    }

    @Test func malformedGraphsAreRefused() throws {
        let b = ONNXGraphBuilder()
        let x = try b.input("x", shape: [2])
        #expect(throws: ONNXExportError.self) { try b.input("x", shape: [2]) }
        #expect(throws: ONNXExportError.self) { try b.relu("nowhere") }
        #expect(throws: ONNXExportError.self) { try b.model() }            // no output yet
        try b.output(try b.relu(x), name: "y", shape: [2])
        #expect(throws: ONNXExportError.self) { try b.output(x, name: "y", shape: [2]) }
    }
}

@Suite("ONNX files")
struct ONNXFileTests {
    func tinyModel(metadata: [String: String] = [:]) throws -> ONNXModel {
        let b = ONNXGraphBuilder(opset: .opset20)
        var rng = RandomStream(seed: 5)
        let linear = Linear(3, 2, rng: &rng)
        let x = try b.input("poses", shape: ["batch", "frames", 3])
        try b.output(try b.scope("head.proj") { try b.lower(linear, x) }, name: "logits", shape: ["batch", "frames", 2])
        return try b.model(metadata: metadata, producerVersion: "0.1.0")
    }

    /// metadata_props, producer, opset, IR version, dim_params and initializers as Python onnx reads them.
    @Test func metadataRoundTripThroughPythonOnnx() throws {
        let metadata = ["zoo_id": "mslu.tiny@1", "checkpoint_sha256": String(repeating: "ab", count: 32),
                        "pose_layout": "mslu-79", "preprocessing": #"{"normalize": "uni-sign", "ünïcode": "\"quoted\"\n"}"#]
        let folder = try makeTemporaryDirectory("onnx-meta")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.onnx")
        try tinyModel(metadata: metadata).write(to: url)
        let out = try Python.run("""
            import sys, json, onnx
            from onnx import numpy_helper
            m = onnx.load(sys.argv[1])
            onnx.checker.check_model(m, full_check=True)
            print(json.dumps({
              "metadata": {p.key: p.value for p in m.metadata_props},
              "producer": [m.producer_name, m.producer_version], "ir": m.ir_version,
              "opset": [[o.domain, o.version] for o in m.opset_import],
              "inputs": [[d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in m.graph.input],
              "initializers": {t.name: numpy_helper.to_array(t).shape for t in m.graph.initializer}}))
            """, arguments: [url.path], requiring: ["onnx"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(json["metadata"] as? [String: String] == metadata)
        #expect(json["producer"] as? [String] == ["signzoo", "0.1.0"])
        #expect(json["ir"] as? Int == 9)
        #expect((json["opset"] as? [[Any]])?.first?.last as? Int == 20)
        let dims = (json["inputs"] as? [[Any]])?.first.map { $0.map { "\($0)" } }
        #expect(dims == ["batch", "frames", "3"])
        let inits = json["initializers"] as? [String: [Int]]
        #expect(inits?["head.proj.weight"] == [3, 2] && inits?["head.proj.bias"] == [2])
    }

    @Test func unwritableOutputPathNamesThePath() throws {
        let model = try tinyModel()
        let missing = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/model.onnx")
        do {
            try model.write(to: missing)
            Issue.record("writing into a missing folder must fail")
        } catch let e as ONNXExportError {
            guard case .cannotWrite(let path, _) = e else { Issue.record("unexpected \(e)"); return }
            #expect(path == missing.path)
            #expect(e.description.contains(missing.path))
        }
        // A path whose "folder" is a regular file.
        let folder = try makeTemporaryDirectory("onnx-unwritable")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain-file")
        try Data([1]).write(to: file)
        let inside = file.appendingPathComponent("model.onnx")
        #expect { try model.write(to: inside) } throws: { error in
            (error as? ONNXExportError)?.description.contains(inside.path) == true
        }
    }

    /// Writes are atomic and deterministic: the same model packs to the same bytes, a rewrite replaces
    /// the file whole, and no temp file is left behind.
    @Test func atomicDeterministicWrite() throws {
        let folder = try makeTemporaryDirectory("onnx-atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.onnx")
        let model = try tinyModel(metadata: ["k": "v"])
        try Data("old contents".utf8).write(to: url)
        try model.write(to: url)
        let bytes = try Data(contentsOf: url)
        #expect(Array(bytes) == (try model.serialized()))
        #expect(Array(bytes) == (try tinyModel(metadata: ["k": "v"]).serialized()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["m.onnx"])
    }
}
