import Foundation
import SignNN
import SignTestSupport
import SignZoo
import Testing

/// `zoo add`: an entry built from a fine-tuned run folder, written to a manifest with an in-repo
/// (relative) URL base, then pulled offline through the cache.
@Suite struct ZooRunImportTests {
    @Test func runFolderBecomesAPullableEntry() throws {
        let zoo = try ZooFixture()
        let run = zoo.served.appendingPathComponent("checkpoints/mslu-tiny.islr-test")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try Safetensors.write([("encoder.w", rand([8, 4], seed: 3))], to: run.appendingPathComponent("model.safetensors"))
        let config = #"{"schema_version": 1, "kind": "finetuned", "name": "islr-tiny", "head": {"type": "head/islr"}, "pose_layout": "mslu-79", "pipeline": {"layout": "mslu-79", "maxFrames": 64}, "parent": "mslu-tiny.pretrain-shared", "metrics": {"top1": 0.5}}"#
        try Data(config.utf8).write(to: run.appendingPathComponent("config.json"))
        try Data(#"{"split": "test", "data": "synth/manifest.jsonl", "metrics": {"top1": 0.625, "top5": 0.875}}"#.utf8).write(to: run.appendingPathComponent("eval-test.json"))

        let entry = try ZooRunImport.entry(runDirectory: run, id: "mslu-tiny.islr-test", urlBase: "checkpoints/mslu-tiny.islr-test/", license: "CC-BY-4.0", dataset: "synth")
        #expect(entry.task == .islr && entry.poseLayout == "mslu-79" && entry.parent == "mslu-tiny.pretrain-shared")
        #expect(entry.files.map(\.path) == ["config.json", "model.safetensors"])   // no README in this run
        #expect(entry.files[1].urls == ["checkpoints/mslu-tiny.islr-test/model.safetensors"])
        #expect(entry.files[1].sha256 == SHA256.hex(try Data(contentsOf: run.appendingPathComponent("model.safetensors"))))
        #expect(entry.revision == String(entry.files[1].sha256.prefix(12)))
        #expect(entry.metrics == [ZooMetric(dataset: "synth", split: "test", metric: "top1", value: 0.625),
                                  ZooMetric(dataset: "synth", split: "test", metric: "top5", value: 0.875)])

        let indexURL = zoo.served.appendingPathComponent("index.json")
        try ZooManifest(models: [entry], folder: zoo.served, file: indexURL.path).write(to: indexURL)
        let manifest = try ZooManifest.load(indexURL)
        #expect(manifest.models == [entry])
        let client = ZooClient(manifest: manifest, cache: zoo.cache, network: .offline)
        client.progress = nil
        let snapshot = try client.pull(ZooReference(id: "mslu-tiny.islr-test"))
        #expect(try Safetensors.read(snapshot.appendingPathComponent("model.safetensors")).tensors["encoder.w"]?.shape == [8, 4])

        #expect(throws: ZooError.self) { try ZooRunImport.entry(runDirectory: run, id: "no-dot", urlBase: "x", license: "MIT") }
    }
}
