import ArgumentParser

/// `signzoo check …`: validate an exported model against its checkpoint.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check an exported model against the engine (ONNX).",
        subcommands: [CheckONNXCommand.self])
}
