import Foundation
import Testing
import SignTensor
import SignNN
import SignTestSupport

private struct TinyConfig: Codable, Equatable {
    var schemaVersion: Int
    var encoder: String
    var labels: [String]
    var hidden: Hidden
    struct Hidden: Codable, Equatable { var width: Int; var dropout: Double }
}

private func folderContents(_ url: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
}

@Suite("Checkpoint directory and atomic files")
struct CheckpointDirectoryTests {
    @Test func writesAndReadsConfigWeightsAndCard() throws {
        let root = try makeTemporaryDirectory("ckpt")
        defer { try? FileManager.default.removeItem(at: root) }
        let ckpt = CheckpointDirectory(root.appendingPathComponent("islr/tiny"))
        let config = TinyConfig(schemaVersion: 1, encoder: "encoder/mslu", labels: ["hello", "a/b"], hidden: .init(width: 3, dropout: 0.5))
        let source = TinyClassifier(seed: 21)
        #expect(!ckpt.exists)
        try ckpt.write(config: config, module: source, metadata: ["zoo_id": "tiny.v1"], card: "# Tiny\n")

        #expect(ckpt.exists)
        #expect(try folderContents(ckpt.url) == ["README.md", "config.json", "model.safetensors"])
        let text = try String(contentsOf: ckpt.configURL, encoding: .utf8)
        #expect(text == """
            {
              "encoder" : "encoder/mslu",
              "hidden" : {
                "dropout" : 0.5,
                "width" : 3
              },
              "labels" : [
                "hello",
                "a/b"
              ],
              "schemaVersion" : 1
            }

            """)
        #expect(try ckpt.readConfig(TinyConfig.self) == config)
        #expect(try ckpt.readCard() == "# Tiny\n")
        #expect(try ckpt.readWeights().metadata == ["zoo_id": "tiny.v1"])

        let target = TinyClassifier(seed: 22)
        let (readConfig, report) = try ckpt.load(TinyConfig.self, into: target)
        #expect(readConfig == config && report.loaded.count == 5)
        #expect(target.snapshot() == source.snapshot())
    }

    @Test func cardIsOptional() throws {
        let root = try makeTemporaryDirectory("ckpt")
        defer { try? FileManager.default.removeItem(at: root) }
        let ckpt = CheckpointDirectory(root)
        try ckpt.write(config: ["k": 1], tensors: [("w", Tensor.ones([2]))])
        #expect(try ckpt.readCard() == nil)
        #expect(try ckpt.readWeights().tensors["w"]?.toArray() == [1, 1])
    }

    @Test func badConfigNamesTheFileAndField() throws {
        let root = try makeTemporaryDirectory("ckpt")
        defer { try? FileManager.default.removeItem(at: root) }
        let ckpt = CheckpointDirectory(root)
        try ckpt.write(config: ["schemaVersion": 1], tensors: [])
        let error = #expect(throws: CheckpointError.self) { try ckpt.readConfig(TinyConfig.self) }
        #expect(error?.file == ckpt.configURL.path)
        #expect(error?.description.contains("encoder: missing") == true, "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test func atomicWriteReplacesWholeFileAndLeavesNoTempFiles() throws {
        let root = try makeTemporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("state.json")
        try AtomicFile.write("first version, longer", to: url)
        try AtomicFile.write(Data("second".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        #expect(try folderContents(root) == ["state.json"])
    }

    @Test func failedAtomicWriteKeepsTheOldFile() throws {
        struct Interrupted: Error {}
        let root = try makeTemporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("model.safetensors")
        try AtomicFile.write("old", to: url)
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: url) { out in
                try out.write("partial new contents")
                throw Interrupted()
            }
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old")
        #expect(try folderContents(root) == ["model.safetensors"])
    }

    @Test func atomicWriteIntoAMissingFolderNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-signzoo/sub/file.json")
        let error = #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: url) }
        #expect(error?.description.contains("/nonexistent-signzoo/sub/file.json") == true)
    }

    @Test func globPatterns() {
        #expect(Glob.matches("head.weight", pattern: "head.*"))
        #expect(Glob.matches("head.proj.bias", pattern: "head.*"))
        #expect(!Glob.matches("heads.weight", pattern: "head.*"))
        #expect(!Glob.matches("encoder.head.weight", pattern: "head.*"))
        #expect(Glob.matches("encoder.layers.3.norm.bias", pattern: "*.bias"))
        #expect(Glob.matches("a.x.b.y.c", pattern: "a*b*c"))
        #expect(!Glob.matches("a.x.b.y.cd", pattern: "a*b*c"))
        #expect(Glob.matches("anything", pattern: "*"))
        #expect(Glob.matches("exact", pattern: "exact") && !Glob.matches("exact", pattern: "exac"))
    }
}
