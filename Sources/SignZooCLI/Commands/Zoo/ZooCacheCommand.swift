import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo cache ls | rm ID | prune`.
struct ZooCacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cache", abstract: "Inspect and clean the zoo cache.",
                                                    subcommands: [ZooCacheListCommand.self, ZooCacheRemoveCommand.self, ZooCachePruneCommand.self])
}
