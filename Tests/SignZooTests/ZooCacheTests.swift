import Foundation
import SignZoo
import Testing

@Suite struct ZooCacheTests {
    @Test func rootFollowsTheEnvironment() {
        #expect(ZooCache.standard(environment: ["SIGNZOO_CACHE": "/c", "XDG_CACHE_HOME": "/x"]).root.path == "/c")
        #expect(ZooCache.standard(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]).root.path == "/x/signzoo")
        #expect(ZooCache.standard(environment: ["HOME": "/h"]).root.path == "/h/.cache/signzoo")
    }

    @Test func nestedSnapshotPathsLinkRelativelyAndRefsTrackDefaultPulls() throws {
        let zoo = try ZooFixture()
        var entry = try zoo.checkpoint("tiny.nested", urls: { [$0] })
        entry.files[2].path = "docs/card/README.md"
        let snapshot = try zoo.client([entry], network: .offline).pull(ZooReference(id: "tiny.nested", revision: "r1"))
        let link = snapshot.appendingPathComponent("docs/card/README.md")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "../../../../blobs/\(entry.files[2].sha256)")
        #expect(try String(contentsOf: link, encoding: .utf8).hasPrefix("# tiny.nested"))
        #expect(zoo.cache.readRef("tiny.nested") == nil)   // an explicit @revision does not move refs/main
        _ = try zoo.client([entry], network: .offline).pull(ZooReference(id: "tiny.nested"))
        #expect(zoo.cache.readRef("tiny.nested") == "r1")
        #expect(zoo.cache.cachedIDs() == ["tiny.nested"] && zoo.cache.revisions("tiny.nested") == ["r1"])
    }

    @Test func verifyFindsCorruptionAndPruneRemovesOrphans() throws {
        let zoo = try ZooFixture()
        let entry = try zoo.checkpoint("tiny.verify", urls: { [$0] })
        _ = try zoo.client([entry], network: .offline).pull(ZooReference(id: "tiny.verify"))
        var check = try zoo.cache.verify("tiny.verify")
        #expect(check.ok && check.blobsChecked == 3 && check.linksChecked == 3)

        let blob = zoo.cache.blob("tiny.verify", entry.files[0].sha256)
        try Data("{}".utf8).write(to: blob)
        check = try zoo.cache.verify("tiny.verify")
        #expect(check.problems.count == 1 && check.problems[0].contains("expected \(entry.files[0].sha256)"))

        let orphan = zoo.cache.blob("tiny.verify", String(repeating: "0", count: 64))
        try Data("orphan".utf8).write(to: orphan)
        let partial = zoo.cache.incomplete("tiny.verify", String(repeating: "1", count: 64))
        try Data("partial".utf8).write(to: partial)
        let report = try zoo.cache.prune()
        #expect(Set(report.removedFiles) == [orphan.path, partial.path] && report.freedBytes == 13)
        #expect(FileManager.default.fileExists(atPath: blob.path))

        try zoo.cache.remove("tiny.verify")
        #expect(zoo.cache.cachedIDs().isEmpty)
        #expect(throws: ZooError.self) { try zoo.cache.remove("tiny.verify") }
    }
}
