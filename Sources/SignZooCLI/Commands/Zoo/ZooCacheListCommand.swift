import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo cache ls`: cached ids, revisions, refs/main and bytes on disk.
struct ZooCacheListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List cached checkpoints.")

    func run() throws {
        let cache = ZooCache.standard()
        let ids = cache.cachedIDs()
        print("cache \(cache.root.path)" + (ids.isEmpty ? ": empty" : ""))
        for id in ids {
            print("  \(id)  revisions: \(cache.revisions(id).joined(separator: ", "))  main: \(cache.readRef(id) ?? "-")  \(ZooProgress.sizeText(cache.diskSize(id)))")
        }
    }
}
