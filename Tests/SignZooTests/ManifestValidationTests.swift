import Foundation
import SignZoo
import Testing

@Suite struct ManifestValidationTests {
    static let hash = String(repeating: "ab", count: 32)
    static func entryJSON(_ overrides: String = "", files: String? = nil, task: String = "islr") -> String {
        let f = files ?? #"[{"path": "model.safetensors", "size": 10, "sha256": "\#(hash)", "urls": ["checkpoints/x/model.safetensors"]}]"#
        return #"{"id": "mslu-tiny.islr-synth", "revision": "r1", "task": "\#(task)", "description": "d", "license": "MIT", "pose_layout": "mslu-79", "files": \#(f)\#(overrides)}"#
    }

    func parse(_ models: [String], schema: Int = 1) throws -> ZooManifest {
        let text = #"{"schema_version": \#(schema), "models": [\#(models.joined(separator: ", "))]}"#
        return try ZooManifest.parse(Data(text.utf8), file: "index.json", folder: URL(fileURLWithPath: "/zoo"))
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "(no error)" } catch { return "\(error)" }
    }

    @Test func fullEntryRoundTripsThroughJSON() throws {
        let extra = #", "preprocessing": {"normalization": "shoulders", "fps": 25}, "languages": ["ase", "eng"], "datasets": [{"name": "synth", "split": "train", "license": "CC0"}], "metrics": [{"dataset": "synth", "split": "test", "metric": "top1", "value": 0.75}], "onnx": [{"opset": 17, "path": "model.onnx", "sha256": "\#(Self.hash)", "validated_with": "onnxruntime 1.20.1", "max_abs_diff": 1e-5}], "parent": "mslu-tiny.pretrain-shared@r1", "engine_version": {"min": "0.1.0", "max": "0.9"}, "deprecated": "superseded", "renamed_to": "mslu-tiny.islr-synth2""#
        let manifest = try parse([Self.entryJSON(extra)])
        let e = try #require(manifest.models.first)
        #expect(e.task == .islr && e.metrics.first?.value == 0.75 && e.onnx.first?.opset == 17 && e.languages == ["ase", "eng"])
        #expect(e.engineVersion == ZooEngineRange(min: "0.1.0", max: "0.9") && e.deprecated == "superseded" && e.datasets.first?.license == "CC0")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-manifest-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: dir) }
        try manifest.write(to: dir)
        let again = try ZooManifest.load(dir)
        #expect(again.models == manifest.models)
    }

    @Test func badHashNamesTheFieldPath() throws {
        let files = #"[{"path": "a", "size": 1, "sha256": "\#(Self.hash)", "urls": ["a"]}, {"path": "b", "size": 1, "sha256": "xyz", "urls": ["b"]}]"#
        let m = message { _ = try parse([Self.entryJSON(), Self.entryJSON(files: files).replacingOccurrences(of: "r1", with: "r2")]) }
        #expect(m.contains("index.json: models[1].files[1].sha256: expected 64 hex characters"), "\(m)")
    }

    @Test func missingFieldNamesIt() throws {
        let m = message { _ = try parse([Self.entryJSON().replacingOccurrences(of: #""license": "MIT", "#, with: "")]) }
        #expect(m.contains("models[0].license: missing required field"), "\(m)")
        let f = message { _ = try parse([Self.entryJSON(files: #"[{"path": "a", "sha256": "\#(Self.hash)", "urls": ["a"]}]"#)]) }
        #expect(f.contains("models[0].files[0].size: missing required field"), "\(f)")
    }

    @Test func unknownTaskListsTheKnownOnes() throws {
        let m = message { _ = try parse([Self.entryJSON(task: "segmentation")]) }
        #expect(m.contains("models[0].task: unknown task \"segmentation\" (known: pretrain, islr, ctc, retrieval, translation)"), "\(m)")
    }

    @Test func otherRefusals() throws {
        #expect(message { _ = try parse([Self.entryJSON(#", "licence": "MIT""#)]) }.contains("models[0].licence: unknown field"))
        #expect(message { _ = try parse([], schema: 2) }.contains("schema_version: schema_version 2 is newer"))
        #expect(message { _ = try parse([Self.entryJSON().replacingOccurrences(of: "mslu-tiny.islr-synth", with: "no-tag")]) }.contains("models[0].id: expected arch.tag"))
        #expect(message { _ = try parse([Self.entryJSON(), Self.entryJSON()]) }.contains("models[1].revision: mslu-tiny.islr-synth@r1 is listed twice"))
        let badURL = #"[{"path": "a", "size": 1, "sha256": "\#(Self.hash)", "urls": ["ftp://host/a"]}]"#
        #expect(message { _ = try parse([Self.entryJSON(files: badURL)]) }.contains("models[0].files[0].urls[0]: unsupported URL scheme \"ftp\""))
        let escape = #"[{"path": "../a", "size": 1, "sha256": "\#(Self.hash)", "urls": ["a"]}]"#
        #expect(message { _ = try parse([Self.entryJSON(files: escape)]) }.contains("models[0].files[0].path: expected a relative path"))
        #expect(message { _ = try parse([Self.entryJSON(#", "metrics": [{"dataset": "d", "split": "s", "metric": "m", "value": "high"}]"#)]) }
            .contains("models[0].metrics[0].value: expected a number, found a string"))
        #expect(message { _ = try ZooManifest.parse(Data("{".utf8), file: "index.json", folder: URL(fileURLWithPath: "/")) }.contains("index.json: (top level): not valid JSON"))
    }

    @Test func sourcesResolve() throws {
        #expect(try ZooSource.parse("hf://signzoo/mslu-tiny@v1/ckpt/model.safetensors")
                == .http(URL(string: "https://huggingface.co/signzoo/mslu-tiny/resolve/v1/ckpt/model.safetensors")!))
        #expect(try ZooSource.parse("hf://signzoo/mslu-tiny/config.json") == .http(URL(string: "https://huggingface.co/signzoo/mslu-tiny/resolve/main/config.json")!))
        #expect(try ZooSource.parse("checkpoints/a/model.safetensors").resolved(against: URL(fileURLWithPath: "/repo/zoo")) == .local(path: "/repo/zoo/checkpoints/a/model.safetensors"))
        #expect(try ZooSource.parse("file:///data/x%20y.bin") == .local(path: "/data/x y.bin"))
        #expect(try ZooSource.parse("https://example.org/a.bin").needsNetwork)
        #expect(throws: ZooError.self) { try ZooSource.parse("hf://only-owner") }
    }

    @Test func referencesAndEngineRanges() {
        #expect(ZooReference("mslu-tiny.pretrain-shared@r2") == ZooReference(id: "mslu-tiny.pretrain-shared", revision: "r2"))
        #expect(ZooReference("some/folder") == nil)
        #expect(ZooEngineRange(min: "0.1", max: "0.2.5").contains("0.2.5") && !ZooEngineRange(min: "0.1", max: "0.2.5").contains("0.10.0"))
        #expect(!ZooEngineRange(min: "1.0.0").contains(ZooEngineVersion.current))
    }

    @Test func entryLookupExplains() throws {
        let m = try parse([Self.entryJSON(), Self.entryJSON().replacingOccurrences(of: "\"r1\"", with: "\"r2\"")])
        #expect(try m.entry("mslu-tiny.islr-synth").revision == "r2")
        #expect(try m.entry("mslu-tiny.islr-synth", revision: "r1").revision == "r1")
        #expect(message { _ = try m.entry("mslu-tiny.islr-synth", revision: "r9") }.contains("revisions: r1, r2"))
        #expect(message { _ = try m.entry("mslu-tiny.islr") }.contains("did you mean: mslu-tiny.islr-synth"))
    }
}
