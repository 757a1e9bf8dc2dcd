import ArgumentParser
import SignCore

/// `signzoo registry list [--kind K]` and `signzoo registry info KIND/ID`.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "List the registered plugins (encoders, pretext tasks, heads, text encoders).",
        subcommands: [List.self, Info.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered plugins.")
        @Option(help: "Only this kind: encoder, pretext, head, text.") var kind: String?

        func run() throws {
            let registry = try ActivePlugins.registry()
            var k: PluginKind? = nil
            if let kind {
                guard let parsed = PluginKind(rawValue: kind) else {
                    throw ValidationError("unknown kind \"\(kind)\" (kinds: \(PluginKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                k = parsed
            }
            let items = registry.list(kind: k)
            let width = items.map(\.key.count).max() ?? 0
            for p in items { print("\(p.key.padding(toLength: width + 2, withPad: " ", startingAt: 0))\(p.summary.prefix(100))") }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Describe one plugin and its recipe fields.")
        @Argument(help: "Plugin key, e.g. pretext/masked-pose.") var key: String

        func run() throws {
            let p = try ActivePlugins.registry().info(key: key)
            print("\(p.key)  (from \(p.origin))\n\(p.summary)\n")
            if !p.parameters.isEmpty {
                print("recipe fields:")
                let w = p.parameters.map(\.name.count).max() ?? 0
                for (name, help) in p.parameters { print("  \(name.padding(toLength: w + 2, withPad: " ", startingAt: 0))\(help)") }
            }
        }
    }
}
