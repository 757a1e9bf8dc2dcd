import ArgumentParser
import SignZoo

/// `signzoo zoo …`: the model zoo (manifest zoo/index.json, Hugging-Face-style cache).
struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo", abstract: "List, pull, verify and add zoo checkpoints (cache: $SIGNZOO_CACHE or ~/.cache/signzoo).",
        subcommands: [ZooListCommand.self, ZooInfoCommand.self, ZooPullCommand.self, ZooVerifyCommand.self, ZooCacheCommand.self, ZooAddCommand.self])
}

/// `--index`: the manifest (else $SIGNZOO_INDEX, else zoo/index.json above the current folder or the executable).
struct ZooIndexOption: ParsableArguments {
    @Option(help: "Zoo manifest (default: $SIGNZOO_INDEX, else zoo/index.json above the current folder).") var index: String?

    func manifest() throws -> ZooManifest { try ZooLocation.manifest(explicit: index) }
}
