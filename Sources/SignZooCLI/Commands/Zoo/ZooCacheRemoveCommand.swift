import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo cache rm ID`: delete everything cached for an id.
struct ZooCacheRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a checkpoint from the cache.")

    @Argument(help: "The id.") var id: String

    func run() throws {
        let cache = ZooCache.standard()
        try cache.remove(ZooReference(id)?.id ?? id)
        print("removed \(cache.modelFolder(ZooReference(id)?.id ?? id).path)")
    }
}
