import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo info ID[@REV]`: the manifest entry as JSON, plus what the cache holds of it.
struct ZooInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a zoo entry and its cache state.")

    @OptionGroup var options: ZooIndexOption
    @Argument(help: "ID or ID@REVISION.") var id: String

    func run() throws {
        guard let reference = ZooReference(id) else { throw ValidationError("\(id) is not a zoo id (arch.tag[@revision])") }
        let entry = try options.manifest().entry(reference.id, revision: reference.revision)
        print(entry.prettyJSON, terminator: "")
        let cache = ZooCache.standard()
        let snapshot = cache.snapshot(entry.id, revision: entry.revision)
        let cached = entry.files.filter { FileManager.default.fileExists(atPath: cache.blob(entry.id, $0.sha256).path) }.count
        print("cache: \(cached)/\(entry.files.count) files in \(cache.modelFolder(entry.id).path)"
              + (cached == entry.files.count ? "; snapshot \(snapshot.path)" : "; `signzoo zoo pull \(entry.id)` fetches the rest"))
    }
}
