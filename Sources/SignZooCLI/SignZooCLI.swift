import ArgumentParser

/// The `signzoo` command line. Third parties add plugins by calling
/// `SignZooCLI.main(plugins: .builtin + [MyPlugin.register])` from their own executable.
public struct SignZooCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "signzoo",
        abstract: "SignZoo: pose-based sign-language pre-training, fine-tuning and export.",
        subcommands: [DemoCommand.self, PoseCommand.self, DataCommand.self, RegistryCommand.self, PretrainCommand.self, FinetuneCommand.self, EvalCommand.self, PredictCommand.self, EmbedCommand.self, SearchCommand.self, ZooCommand.self, ExportCommand.self, CheckCommand.self])
    public init() {}

    /// Runs the command line with `plugins` registered.
    public static func main(plugins: PluginSet) {
        ActivePlugins.set = plugins
        main()
    }
}
