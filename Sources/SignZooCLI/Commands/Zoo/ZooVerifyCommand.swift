import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo verify [ID]`: re-hash cached blobs (all models when no id) and check snapshot links.
struct ZooVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Re-hash cached checkpoints; exit 1 on any problem.")

    @Argument(help: "A cached id (default: every cached model).") var id: String?

    func run() throws {
        let cache = ZooCache.standard()
        let ids = id.map { [ZooReference($0)?.id ?? $0] } ?? cache.cachedIDs()
        guard !ids.isEmpty else { print("the cache \(cache.root.path) is empty"); return }
        var failed = false
        for id in ids {
            let check = try cache.verify(id)
            print("\(check.ok ? "✓" : "x") \(id): \(check.blobsChecked) blobs, \(check.linksChecked) links")
            for p in check.problems { print("    \(p)") }
            failed = failed || !check.ok
        }
        if failed { throw ExitCode(1) }
    }
}
