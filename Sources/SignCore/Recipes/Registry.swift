/// The namespaces plugins register under: `encoder/…`, `pretext/…`, `head/…`, `text/…`.
public enum PluginKind: String, CaseIterable, Sendable {
    case encoder, pretext, head, text
}

/// What `signzoo registry info` shows about a plugin.
public struct PluginInfo: Sendable {
    public let kind: PluginKind
    public let id: String
    public let summary: String
    /// Recipe fields the plugin reads: (name, meaning and default).
    public let parameters: [(name: String, help: String)]
    /// The module (target) that registered it.
    public let origin: String

    public init(kind: PluginKind, id: String, summary: String, parameters: [(name: String, help: String)] = [], origin: String) {
        self.kind = kind; self.id = id; self.summary = summary; self.parameters = parameters; self.origin = origin
    }

    /// `kind/id`, the key recipes use in their `type` field's namespace.
    public var key: String { "\(kind.rawValue)/\(id)" }
}

/// A registry error: a duplicate id, an unknown id (with the registered ids of that kind and the
/// nearest match), or a factory of the wrong type.
public struct RegistryError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Plugins by kind and id. Registration is explicit data: each plugin target exposes
/// `static func register(in registry: inout Registry) throws`, and an executable lists the ones it
/// wants (SignZooCLI's built-in table, or a third party's own executable).
public struct Registry: Sendable {
    struct Entry: @unchecked Sendable {
        let info: PluginInfo
        let factory: Any
    }
    private var entries: [String: Entry] = [:]

    public init() {}

    /// Registers `build` under `kind/id`. A duplicate id is an error.
    public mutating func register<Product>(_ info: PluginInfo, build: @escaping (RecipeValue, BuildContext) throws -> Product) throws {
        if let existing = entries[info.key] {
            throw RegistryError(message: "\(info.key) is already registered (by \(existing.info.origin)); \(info.origin) cannot register it again")
        }
        entries[info.key] = Entry(info: info, factory: build)
    }

    /// Every registered plugin, optionally of one kind, sorted by key.
    public func list(kind: PluginKind? = nil) -> [PluginInfo] {
        entries.values.map(\.info).filter { kind == nil || $0.kind == kind }.sorted { $0.key < $1.key }
    }

    /// The plugin registered as `kind/id`, or an error listing what is registered.
    public func info(_ kind: PluginKind, _ id: String) throws -> PluginInfo {
        try entry(kind, id, path: "").info
    }

    /// Looks up `key` given as `kind/id`.
    public func info(key: String) throws -> PluginInfo {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = PluginKind(rawValue: parts[0]) else {
            let all = list().map(\.key)
            let hint = nearest(key, in: all).map { " Did you mean \"\($0)\"?" } ?? ""
            throw RegistryError(message: "\"\(key)\" is not a plugin key (kind/id, kinds: \(PluginKind.allCases.map(\.rawValue).joined(separator: ", "))).\(hint)")
        }
        return try info(kind, parts[1])
    }

    /// Builds the plugin named by `node`'s `type` field (an id of `kind`, with or without the
    /// `kind/` prefix), passing the whole node to its factory.
    public func build<Product>(_ kind: PluginKind, from node: RecipeValue, context: BuildContext, as: Product.Type = Product.self) throws -> Product {
        let typeNode = try node.required("type")
        var id = try typeNode.string
        if id.hasPrefix(kind.rawValue + "/") { id.removeFirst(kind.rawValue.count + 1) }
        let e = try entry(kind, id, path: typeNode.path)
        guard let factory = e.factory as? (RecipeValue, BuildContext) throws -> Product else {
            throw RegistryError(message: "\(e.info.key) does not build a \(Product.self)")
        }
        return try factory(node, context)
    }

    private func entry(_ kind: PluginKind, _ id: String, path: String) throws -> Entry {
        if let e = entries["\(kind.rawValue)/\(id)"] { return e }
        let ids = list(kind: kind).map(\.id)
        let hint = nearest(id, in: ids).map { " Did you mean \"\($0)\"?" } ?? ""
        let known = ids.isEmpty ? "none are registered" : "registered: \(ids.joined(separator: ", "))"
        throw RegistryError(message: "\(path.isEmpty ? "" : "\(path): ")unknown \(kind.rawValue) \"\(id)\" (\(known)).\(hint)")
    }
}

/// What factories receive besides their recipe node: the seed stream and sizes decided elsewhere
/// (e.g. the encoder's output width for a head), so plugins never reach into each other.
public struct BuildContext {
    public var seed: UInt64
    /// Named integers decided by earlier components (`encoder.dim`, `text.dim`, `labels.count`).
    public var dimensions: [String: Int]
    /// Named strings decided elsewhere (`layout`: the pose layout name the run uses).
    public var values: [String: String]
    /// Named lists decided by the data or a checkpoint: `labels` (class names, ISLR), `glosses`
    /// (gloss vocabulary, CTC), `texts` (training sentences, for a translation vocabulary).
    public var lists: [String: [String]]
    public init(seed: UInt64 = 0, dimensions: [String: Int] = [:], values: [String: String] = [:], lists: [String: [String]] = [:]) {
        self.seed = seed; self.dimensions = dimensions; self.values = values; self.lists = lists
    }

    /// A list that the data or checkpoint must have provided.
    public func list(_ name: String) throws -> [String] {
        guard let l = lists[name] else { throw RegistryError(message: "build context lacks the list \"\(name)\" (known: \(lists.keys.sorted().joined(separator: ", ")))") }
        return l
    }

    /// A dimension that an earlier component must have set.
    public func dimension(_ name: String) throws -> Int {
        guard let d = dimensions[name] else { throw RegistryError(message: "build context lacks \"\(name)\" (known: \(dimensions.keys.sorted().joined(separator: ", ")))") }
        return d
    }
}
