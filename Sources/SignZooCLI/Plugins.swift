import BERTTextEncoder
import CTCHead
import ISLRHead
import MaskedPoseModeling
import MSLUEncoder
import PrecomputedText
import RetrievalHead
import SignCore
import SignTextContrastive
import TranslationHead

/// The plugins an executable offers: a list of registration functions. `signzoo` uses `.builtin`;
/// a third party adds its own with `SignZooCLI.main(plugins: .builtin + [MyTaskPlugin.register])`.
public struct PluginSet: Sendable {
    public typealias Registration = @Sendable (inout Registry) throws -> Void
    public let registrations: [Registration]
    public init(_ registrations: [Registration]) { self.registrations = registrations }

    /// Every plugin shipped with SignZoo (one line each).
    public static let builtin = PluginSet([
        MSLUEncoderPlugin.register,
        CTCHeadPlugin.register,
        MaskedPoseModelingPlugin.register,
        SignTextContrastivePlugin.register,
        PrecomputedTextPlugin.register,
        BERTTextEncoderPlugin.register,
        ISLRHeadPlugin.register,
        RetrievalHeadPlugin.register,
        TranslationHeadPlugin.register,
    ])

    public static func + (a: PluginSet, b: [Registration]) -> PluginSet { PluginSet(a.registrations + b) }

    /// A registry with every plugin registered (a duplicate id is an error naming both origins).
    public func makeRegistry() throws -> Registry {
        var r = Registry()
        for register in registrations { try register(&r) }
        return r
    }
}

/// The plugin set of this process, chosen by `SignZooCLI.main(plugins:)` before parsing.
enum ActivePlugins {
    nonisolated(unsafe) static var set = PluginSet.builtin
    static func registry() throws -> Registry { try set.makeRegistry() }
}
