import ArgumentParser

/// `signzoo data …`: synthesize, pack and summarize corpora.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Synthesize, pack and summarize pose corpora.",
        subcommands: [DataSynthCommand.self, DataPackCommand.self, DataStatsCommand.self])
}
