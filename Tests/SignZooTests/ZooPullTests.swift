import Foundation
import SignNN
import SignZoo
import Testing

/// Pulls from a real HTTP server on 127.0.0.1 (converters/python/zoo_http_server.py) with its fault modes.
@Suite struct ZooPullTests {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "(no error)" } catch { return "\(error)" }
    }

    @Test func pullLinksASnapshotThatLoads() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let entry = try zoo.checkpoint("tiny.pull", urls: { [server.url($0)] })
        var reports: [ZooProgress] = []
        let client = zoo.client([entry])
        client.progress = { reports.append($0) }
        let snapshot = try client.pull(ZooReference(id: "tiny.pull"))
        #expect(snapshot.path == zoo.cache.snapshot("tiny.pull", revision: "r1").path)
        let weights = try Safetensors.read(snapshot.appendingPathComponent("model.safetensors"))
        #expect(weights.tensors["encoder.proj.weight"]?.shape == [100, 1000])
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: snapshot.appendingPathComponent("config.json").path)
        #expect(link == "../../blobs/\(entry.files[0].sha256)")
        #expect(zoo.cache.readRef("tiny.pull") == "r1")
        #expect(zoo.blobFolderContents("tiny.pull").filter { $0.count == 64 }.count == 3)
        #expect(!zoo.blobFolderContents("tiny.pull").contains { $0.hasSuffix(".incomplete") })
        #expect(reports.contains { $0.done && $0.path == "model.safetensors" && $0.bytes == entry.files[1].size })
        // A second pull is a cache hit: no new request.
        let before = server.requests.count
        _ = try client.pull(ZooReference(id: "tiny.pull"))
        #expect(server.requests.count == before)
    }

    @Test func mirrorsAreTriedInOrder() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let entry = try zoo.checkpoint("tiny.mirror", urls: { [server.url($0, mode: "status-404"), server.url($0)] })
        _ = try zoo.client([entry]).pull(ZooReference(id: "tiny.mirror"))
        #expect(server.requests.filter { $0.contains("/status-404/") }.count == 3)   // one per file, never retried
        let all = try ZooFixture()
        let allBad = try all.checkpoint("tiny.mirror", urls: { [server.url($0, mode: "status-404"), server.url($0, mode: "html")] })
        let m = message { _ = try all.client([allBad]).pull(ZooReference(id: "tiny.mirror")) }
        #expect(m.contains("status-404/checkpoints/tiny.mirror/config.json: HTTP 404") && m.contains("html/checkpoints/tiny.mirror/config.json: the server answered with an HTML page"), "\(m)")
    }

    @Test func tamperedBlobIsRefusedWithBothHashesAndTheURL() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let entry = try zoo.checkpoint("tiny.tamper", urls: { [server.url($0, mode: $0.hasSuffix(".safetensors") ? "tamper" : "ok")] })
        let weights = entry.files[1]
        let m = message { _ = try zoo.client([entry]).pull(ZooReference(id: "tiny.tamper")) }
        let url = server.url("checkpoints/tiny.tamper/model.safetensors", mode: "tamper")
        #expect(m.contains("SHA-256 mismatch") && m.contains("expected \(weights.sha256), got ") && m.contains(url), "\(m)")
        #expect(!FileManager.default.fileExists(atPath: zoo.cache.blob("tiny.tamper", weights.sha256).path))
        #expect(zoo.blobFolderContents("tiny.tamper").allSatisfy { !$0.hasPrefix(weights.sha256) || $0.hasSuffix(".lock") })
        #expect(!FileManager.default.fileExists(atPath: zoo.cache.snapshot("tiny.tamper", revision: "r1").appendingPathComponent("model.safetensors").path))
    }

    @Test func truncatedBodiesAndHTMLPagesAreRefused() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        for mode in ["truncate", "cut", "html"] {
            let entry = try zoo.checkpoint("tiny.\(mode)", urls: { [server.url($0, mode: mode)] })
            let m = message { _ = try zoo.client([entry]).pull(ZooReference(id: "tiny.\(mode)")) }
            let expected = ["truncate": "the server announces", "cut": "connection failed after 35 of 70 bytes", "html": "HTML page"][mode]!
            #expect(m.contains(expected), "\(mode): \(m)")
            #expect(!FileManager.default.fileExists(atPath: zoo.cache.blob("tiny.\(mode)", entry.files[0].sha256).path))
        }
        // The cut download stops at half the file every time: retried (with Range) and then given up.
        #expect(server.requests.filter { $0.hasPrefix("GET /cut/checkpoints/tiny.cut/config.json") }.count == 3)
        #expect(server.requests.contains { $0.hasPrefix("GET /cut/checkpoints/tiny.cut/config.json range=bytes=") })
    }

    @Test func interruptedDownloadResumesWithRange() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let entry = try zoo.checkpoint("tiny.resume", urls: { [server.url($0, mode: "drop-100000")] })
        let snapshot = try zoo.client([entry]).pull(ZooReference(id: "tiny.resume"))
        let weights = server.requests.filter { $0.contains("tiny.resume/model.safetensors") }
        #expect(weights == ["GET /drop-100000/checkpoints/tiny.resume/model.safetensors range=-",
                            "GET /drop-100000/checkpoints/tiny.resume/model.safetensors range=bytes=100000-"], "\(weights)")
        #expect(try Safetensors.read(snapshot.appendingPathComponent("model.safetensors")).tensors.count == 2)
    }

    @Test func partialLeftByAnEarlierRunIsResumed() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let entry = try zoo.checkpoint("tiny.partial", urls: { [server.url($0)] })
        let weights = entry.files[1]
        try FileManager.default.createDirectory(at: zoo.cache.blobsFolder("tiny.partial"), withIntermediateDirectories: true)
        let prefix = try Data(contentsOf: zoo.served.appendingPathComponent("checkpoints/tiny.partial/model.safetensors")).prefix(12345)
        try prefix.write(to: zoo.cache.incomplete("tiny.partial", weights.sha256))
        _ = try zoo.client([entry]).pull(ZooReference(id: "tiny.partial"))
        #expect(server.requests.contains("GET /checkpoints/tiny.partial/model.safetensors range=bytes=12345-"))
        #expect(FileManager.default.fileExists(atPath: zoo.cache.blob("tiny.partial", weights.sha256).path))
    }

    @Test func transientServerErrorsAreRetried() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let entry = try zoo.checkpoint("tiny.retry", urls: { [server.url($0, mode: "fail-once-503")] })
        _ = try zoo.client([entry]).pull(ZooReference(id: "tiny.retry"))
        #expect(server.requests.filter { $0.contains("tiny.retry/config.json") }.count == 2)
    }

    @Test func concurrentPullsProduceOneCorrectBlob() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let entry = try zoo.checkpoint("tiny.race", urls: { [server.url($0, mode: "slow-20")] })
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do { results.add(try zoo.client([entry]).pull(ZooReference(id: "tiny.race")).path) } catch { results.add("error: \(error)") }
        }
        let snapshot = zoo.cache.snapshot("tiny.race", revision: "r1").path
        #expect(results.all == [snapshot, snapshot])
        #expect(server.requests.filter { $0.contains("tiny.race/model.safetensors") }.count == 1, "\(server.requests)")
        let blobs = zoo.blobFolderContents("tiny.race").filter { !$0.hasSuffix(".lock") }
        #expect(blobs == entry.files.map(\.sha256).sorted())
        #expect(try SHA256.hex(Data(contentsOf: zoo.cache.blob("tiny.race", entry.files[1].sha256))) == entry.files[1].sha256)
    }

    @Test func relativeSourcesGoThroughTheCacheWithoutNetwork() throws {
        let zoo = try ZooFixture()
        let listener = try RecordingListener()
        let entry = try zoo.checkpoint("tiny.local", urls: { [$0] })
        let snapshot = try zoo.client([entry], network: .offline).pull(ZooReference(id: "tiny.local"))
        #expect(try Safetensors.read(snapshot.appendingPathComponent("model.safetensors")).tensors.count == 2)
        #expect(FileManager.default.fileExists(atPath: zoo.cache.blob("tiny.local", entry.files[1].sha256).path))
        // A local file that no longer matches its hash is refused like a tampered download.
        var bad = entry
        bad.files[1].sha256 = String(repeating: "0", count: 64)
        bad.id = "tiny.local2"
        let m = message { _ = try zoo.client([bad], network: .offline).pull(ZooReference(id: "tiny.local2")) }
        #expect(m.contains("SHA-256 mismatch") && m.contains("checkpoints/tiny.local/model.safetensors"), "\(m)")
        #expect(listener.connectionAttempts() == 0)
    }
}

/// Results collected from concurrent pulls.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []
    func add(_ v: String) { lock.lock(); values.append(v); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return values }
}
