import ArgumentParser

public struct SignZooCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "signzoo", abstract: "SignZoo: pose-based sign-language pre-training.")
    public init() {}
}
