import ArgumentParser

/// `signzoo export …`: write a checkpoint in another format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a checkpoint (ONNX).",
        subcommands: [ExportONNXCommand.self])
}
