import Foundation
import SignNN
import SignTestSupport
import SignZoo
import Testing

/// The repository's own zoo/index.json: it validates, lists the shipped checkpoints, and every entry
/// pulls offline (no socket) from the in-repo files with every hash matching; their ONNX exports
/// match the recorded sha256.
@Suite struct ShippedZooTests {
    static let zooFolder = fixturesRoot.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo")

    @Test func shippedEntriesPullOfflineAndLoad() throws {
        let manifest = try ZooManifest.load(Self.zooFolder.appendingPathComponent("index.json"))
        let ids = Set(manifest.models.map(\.id))
        #expect(ids.isSuperset(of: ["mslu-tiny.pretrain-shared", "mslu-tiny.langid-fingerspelling"]))
        let zoo = try ZooFixture()
        let client = ZooClient(manifest: manifest, cache: zoo.cache, network: .offline)
        client.progress = nil
        for entry in manifest.models {
            #expect(entry.files.reduce(0) { $0 + $1.size } <= 20_000_000, "\(entry.id) is over 20 MB")
            let snapshot = try client.pull(ZooReference(id: entry.id))
            let weights = try Safetensors.read(snapshot.appendingPathComponent("model.safetensors")).tensors
            #expect(weights.keys.contains { $0.hasPrefix("encoder.") }, "\(entry.id) has no encoder tensors")
            #expect(try zoo.cache.verify(entry.id).problems.isEmpty)
            for onnx in entry.onnx {
                let path = try #require(onnx.path)
                let data = try Data(contentsOf: Self.zooFolder.appendingPathComponent(path))
                #expect(SHA256.hex(data) == onnx.sha256, "\(path) does not match the manifest's sha256")
            }
        }
    }
}
