import ArgumentParser

/// The `signzoo` command line. Third parties add plugins by calling `SignZooCLI.main()` from their
/// own executable (see DESIGN.md §6).
public struct SignZooCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "signzoo",
        abstract: "SignZoo: pose-based sign-language pre-training, fine-tuning and export.",
        subcommands: [DemoCommand.self, PoseCommand.self, DataCommand.self])
    public init() {}
}
