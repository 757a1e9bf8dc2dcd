import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo pull ID[@REV] [--offline]`: fetch (verified) into the cache; prints the snapshot folder.
struct ZooPullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "Fetch a zoo checkpoint into the cache and print its folder.")

    @OptionGroup var options: ZooIndexOption
    @Argument(help: "ID or ID@REVISION.") var id: String
    @Flag(help: "Use only the cache and local files; never open a socket (also: SIGNZOO_OFFLINE=1).") var offline = false

    func run() throws {
        guard let reference = ZooReference(id) else { throw ValidationError("\(id) is not a zoo id (arch.tag[@revision])") }
        let client = ZooClient(manifest: try options.manifest(), cache: .standard(), network: .from(offline: offline))
        print(try client.pull(reference).path)
    }
}
