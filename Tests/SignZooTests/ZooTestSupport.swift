import Foundation
import SignNN
import SignTensor
import SignTestSupport
import SignZoo
#if canImport(Glibc)
import Glibc
#endif

/// The repository root (tests find the server script through #filePath).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A temp folder with tiny generated checkpoints under `served/checkpoints/<id>/` and an empty
/// cache under `cache/`, removed on deinit.
final class ZooFixture {
    let root: URL
    var served: URL { root.appendingPathComponent("served") }
    let cache: ZooCache

    init() throws {
        root = try makeTemporaryDirectory("zoo")
        cache = ZooCache(root: root.appendingPathComponent("cache"))
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Writes checkpoints/<id>/{config.json, model.safetensors (~400 kB), README.md} and returns the
    /// entry whose files' URLs `urls(relativePath)` makes.
    func checkpoint(_ id: String, seed: UInt64 = 1, task: ZooTask = .pretrain, urls: (String) -> [String]) throws -> ZooEntry {
        let folder = served.appendingPathComponent("checkpoints/\(id)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Safetensors.write([("encoder.proj.weight", rand([100, 1000], seed: seed)), ("encoder.proj.bias", rand([100], seed: seed + 1))],
                              metadata: ["format": "signzoo"], to: folder.appendingPathComponent("model.safetensors"))
        try Data("{\"schema_version\": 1, \"kind\": \"pretrained\", \"pose_layout\": \"mslu-79\"}\n".utf8).write(to: folder.appendingPathComponent("config.json"))
        try Data("# \(id)\n\nA tiny test checkpoint.\n".utf8).write(to: folder.appendingPathComponent("README.md"))
        let files = try ["config.json", "model.safetensors", "README.md"].map { name -> ZooFile in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            return ZooFile(path: name, size: Int64(data.count), sha256: SHA256.hex(data), urls: urls("checkpoints/\(id)/\(name)"))
        }
        return ZooEntry(id: id, revision: "r1", task: task, description: "test checkpoint", files: files, poseLayout: "mslu-79",
                        metrics: [ZooMetric(dataset: "synthetic", split: "test", metric: "top1", value: 0.5)], license: "CC-BY-4.0")
    }

    func manifest(_ entries: [ZooEntry]) -> ZooManifest { ZooManifest(models: entries, folder: served, file: "test-index.json") }

    /// A client with fast retries and no progress output.
    func client(_ entries: [ZooEntry], network: ZooNetwork = .standard) -> ZooClient {
        let c = ZooClient(manifest: manifest(entries), cache: cache, network: network)
        c.retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)
        c.progress = nil
        c.warn = { _ in }
        return c
    }

    /// Every file left under the model's blobs folder (blobs, partials, locks).
    func blobFolderContents(_ id: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.blobsFolder(id).path)) ?? []).sorted()
    }
}

/// converters/python/zoo_http_server.py serving `root` on 127.0.0.1; stopped on deinit.
final class ZooTestServer {
    let port: Int
    let log: URL
    private let process = Process()
    private let input = Pipe()

    init(serving root: URL) throws {
        log = root.deletingLastPathComponent().appendingPathComponent("server-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("converters/python/zoo_http_server.py").path, root.path, log.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ZooError("the test HTTP server did not print its port (python3 missing?)")
        }
        self.port = port
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }

    /// `http://127.0.0.1:PORT/MODE/PATH` (no mode: `/PATH`).
    func url(_ path: String, mode: String? = nil) -> String {
        "http://127.0.0.1:\(port)/" + (mode.map { "\($0)/" } ?? "") + path
    }

    /// The request lines logged so far: `GET /path range=bytes=N-` or `range=-`.
    var requests: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// A TCP socket listening on 127.0.0.1 that never answers; `connectionAttempts()` counts the
/// connections the kernel accepted on it. An offline pull pointed at it must leave the count at 0.
final class RecordingListener {
    private let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ZooError("socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw ZooError("bind/listen failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// Connections made to the socket so far (accepted and closed here).
    func connectionAttempts() -> Int {
        var count = 0
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { break }
            close(c)
            count += 1
        }
        return count
    }
}

/// An `HTTPFetching` that must never be used.
struct ForbiddenFetcher: HTTPFetching {
    let onUse: @Sendable () -> Void
    func get(_ url: URL, from offset: Int64, head: (HTTPResponseHead) throws -> Void, body: (Data) throws -> Void) throws {
        onUse()
        throw ZooError("ForbiddenFetcher used for \(url)")
    }
}
