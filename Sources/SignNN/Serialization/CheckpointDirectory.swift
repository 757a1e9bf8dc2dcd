import Foundation
import SignTensor

/// A checkpoint on disk (DESIGN.md §4): a folder holding
///
///     config.json          the model's configuration (any Codable value; pretty, sorted keys)
///     model.safetensors    the weights (F32, sorted names)
///     README.md            optional model card
///
/// Each file is written atomically (`AtomicFile`). `config.json` is written last, so a folder
/// whose config exists has weights at least as new as the config. Writing without a card leaves an
/// existing README.md in place.
public struct CheckpointDirectory: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    public static let configName = "config.json"
    public static let weightsName = "model.safetensors"
    public static let cardName = "README.md"

    public var configURL: URL { url.appendingPathComponent(Self.configName) }
    public var weightsURL: URL { url.appendingPathComponent(Self.weightsName) }
    public var cardURL: URL { url.appendingPathComponent(Self.cardName) }

    /// Whether the folder holds both a config and weights.
    public var exists: Bool {
        FileManager.default.fileExists(atPath: configURL.path) && FileManager.default.fileExists(atPath: weightsURL.path)
    }

    /// Creates the folder if needed and writes weights, card (when given) and config, each atomically.
    public func write<Config: Encodable>(config: Config, tensors: [(String, Tensor)], metadata: [String: String] = [:],
                                         card: String? = nil) throws {
        let json = try Self.encode(config, file: configURL.path)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError(file: url.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        try Safetensors.write(tensors, metadata: metadata, to: weightsURL)
        if let card { try AtomicFile.write(card, to: cardURL) }
        try AtomicFile.write(json, to: configURL)
    }

    /// Writes `module.stateDict()` as the weights, with `config` and an optional card.
    public func write<Config: Encodable>(config: Config, module: Module, metadata: [String: String] = [:],
                                         card: String? = nil) throws {
        try write(config: config, tensors: module.stateDict(), metadata: metadata, card: card)
    }

    /// Decodes `config.json` as `Config`; errors name the file and the failing field.
    public func readConfig<Config: Decodable>(_ type: Config.Type) throws -> Config {
        let data: Data
        do { data = try Data(contentsOf: configURL) } catch {
            throw CheckpointError(file: configURL.path, reason: "cannot read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(Config.self, from: data) } catch {
            throw CheckpointError(file: configURL.path, reason: "does not decode as \(Config.self): \(describe(error))")
        }
    }

    /// Reads `model.safetensors`.
    public func readWeights() throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try Safetensors.read(weightsURL)
    }

    /// The model card, or nil when the folder has none.
    public func readCard() throws -> String? {
        guard FileManager.default.fileExists(atPath: cardURL.path) else { return nil }
        do { return try String(contentsOf: cardURL, encoding: .utf8) } catch {
            throw CheckpointError(file: cardURL.path, reason: "cannot read as UTF-8: \(error.localizedDescription)")
        }
    }

    /// Reads the config and loads the weights into `module` (strict by default; see `Module.load`).
    @discardableResult
    public func load<Config: Decodable>(_ type: Config.Type, into module: Module, strict: Bool = true,
                                        allowMissing: [String] = [], allowUnexpected: [String] = []) throws -> (config: Config, report: LoadReport) {
        let config = try readConfig(type)
        let report = try module.load(from: weightsURL, strict: strict, allowMissing: allowMissing, allowUnexpected: allowUnexpected)
        return (config, report)
    }

    /// Pretty-printed JSON with sorted keys and a final newline.
    static func encode<Config: Encodable>(_ config: Config, file: String) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(config)
            data.append(0x0A)
            return data
        } catch {
            throw CheckpointError(file: file, reason: "cannot encode \(Config.self): \(describe(error))")
        }
    }
}

/// A checkpoint file that cannot be written, read or decoded.
public struct CheckpointError: Error, CustomStringConvertible {
    public let file: String
    public let reason: String
    public init(file: String, reason: String) { self.file = file; self.reason = reason }
    public var description: String { "checkpoint: \(file): \(reason)" }
}

/// A decoding error as "field.path: what went wrong".
private func describe(_ error: Error) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "(top level)" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case DecodingError.keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])): missing"
    case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx), DecodingError.dataCorrupted(let ctx):
        return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
    case EncodingError.invalidValue(_, let ctx): return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
    default: return "\(error)"
    }
}
