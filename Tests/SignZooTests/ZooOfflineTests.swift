import Foundation
import SignNN
import SignZoo
import Testing

/// Offline mode opens no socket: entries point at a listening socket that records connections.
@Suite struct ZooOfflineTests {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "(no error)" } catch { return "\(error)" }
    }

    @Test func environmentSelectsOffline() {
        #expect(ZooNetwork.from(offline: false, environment: ["SIGNZOO_OFFLINE": "1"]).isOffline)
        #expect(ZooNetwork.from(offline: true, environment: [:]).isOffline)
        #expect(!ZooNetwork.from(offline: false, environment: ["SIGNZOO_OFFLINE": "0"]).isOffline)
    }

    @Test func coldCacheOfflineFailsClearlyWithoutConnecting() throws {
        let zoo = try ZooFixture()
        let listener = try RecordingListener()
        let entry = try zoo.checkpoint("tiny.cold", urls: { [listener.url($0), "hf://signzoo/tiny@r1/\($0)"] })
        let m = message { _ = try zoo.client([entry], network: .offline).pull(ZooReference(id: "tiny.cold")) }
        #expect(m.contains("offline") && m.contains("cache") && m.contains("is empty for tiny.cold@r1"), "\(m)")
        #expect(m.contains(listener.url("checkpoints/tiny.cold/config.json")) && m.contains("https://huggingface.co/signzoo/tiny/resolve/r1/checkpoints/tiny.cold/config.json"))
        #expect(listener.connectionAttempts() == 0)
        // The listener does see connections: the same pull online reaches it (and times out).
        var listenerOnly = entry
        for i in listenerOnly.files.indices { listenerOnly.files[i].urls = [listener.url(listenerOnly.files[i].path)] }
        let online = zoo.client([listenerOnly], network: .online(makeFetcher: { URLSessionFetcher(timeout: 0.5) }))
        online.retry = RetryPolicy(maxAttempts: 1)
        #expect(message { _ = try online.pull(ZooReference(id: "tiny.cold")) }.contains("connection failed"))
        #expect(listener.connectionAttempts() >= 1)
    }

    @Test func warmCacheOfflineSucceedsWithoutConnectingAndReverifies() throws {
        let zoo = try ZooFixture()
        let server = try ZooTestServer(serving: zoo.served)
        let online = try zoo.checkpoint("tiny.warm", urls: { [server.url($0)] })
        _ = try zoo.client([online]).pull(ZooReference(id: "tiny.warm"))

        let listener = try RecordingListener()
        var offline = online
        for i in offline.files.indices { offline.files[i].urls = [listener.url(offline.files[i].path)] }
        let snapshot = try zoo.client([offline], network: .offline).pull(ZooReference(id: "tiny.warm"))
        #expect(try Safetensors.read(snapshot.appendingPathComponent("model.safetensors")).tensors.count == 2)
        #expect(listener.connectionAttempts() == 0)

        // A corrupted blob is noticed (re-hashed before use), removed, and offline cannot replace it.
        let blob = zoo.cache.blob("tiny.warm", online.files[1].sha256)
        var bytes = try Data(contentsOf: blob)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: blob)
        var warnings: [String] = []
        let client = zoo.client([offline], network: .offline)
        client.warn = { warnings.append($0) }
        let m = message { _ = try client.pull(ZooReference(id: "tiny.warm")) }
        #expect(warnings.contains { $0.contains("is corrupt") && $0.contains(online.files[1].sha256) }, "\(warnings)")
        #expect(m.contains("is empty for tiny.warm@r1 (no blob for model.safetensors)"), "\(m)")
        #expect(!FileManager.default.fileExists(atPath: blob.path))
        #expect(listener.connectionAttempts() == 0)
    }

    @Test func cacheHitsNeverMakeAnHTTPClient() throws {
        let zoo = try ZooFixture()
        let entry = try zoo.checkpoint("tiny.hit", urls: { [$0] })
        _ = try zoo.client([entry], network: .offline).pull(ZooReference(id: "tiny.hit"))
        var remote = entry
        for i in remote.files.indices { remote.files[i].urls = ["https://example.invalid/\(remote.files[i].path)"] }
        let made = Results()
        _ = try zoo.client([remote], network: .online(makeFetcher: { made.add("made"); return ForbiddenFetcher(onUse: { made.add("used") }) }))
            .pull(ZooReference(id: "tiny.hit"))
        #expect(made.all.isEmpty)
    }
}
