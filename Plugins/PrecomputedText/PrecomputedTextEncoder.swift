import Foundation
import SignCore
import SignNN
import SignTensor

/// `text/precomputed`: token features looked up by text in a file written offline by
/// `converters/python/text_features.py` (format: `TextFeatureFile`).
///
/// `encode(texts)` returns `TextFeatures` [B, L_max, D] and mask [B, L_max] (1 = row of the text,
/// 0 = padding, whose features are 0); a pooled file gives L = 1. A text absent from the file is an
/// error naming the text and the file. The features are constants: no gradient reaches them.
public final class PrecomputedTextEncoder: TextEncoder {
    public let file: TextFeatureFile
    public var outputDim: Int { file.dim }
    public var modelID: String { file.modelID }

    public init(url: URL) throws { file = try TextFeatureFile(url) }

    public func encode(_ texts: [String]) throws -> TextFeatures {
        var entries: [Int] = []
        entries.reserveCapacity(texts.count)
        for t in texts {
            guard let i = file.entry(of: t) else {
                throw PrecomputedTextError("text \(quoted(t)) is not in \(file.url.path) (\(file.texts.count) texts from \(file.modelID)); "
                    + "add it to the texts file and rerun converters/python/text_features.py")
            }
            entries.append(i)
        }
        let d = file.dim
        let length = entries.map { file.rows($0).count }.max() ?? 0
        let tokens = Tensor.zeros([texts.count, length, d])
        let mask = Tensor.zeros([texts.count, length])
        for (b, i) in entries.enumerated() {
            let rows = file.rows(i)
            (tokens.pointer + b * length * d).update(from: file.features.pointer + rows.lowerBound * d, count: rows.count * d)
            (mask.pointer + b * length).update(repeating: 1, count: rows.count)
        }
        return TextFeatures(tokens: tokens, mask: mask)
    }
}

/// Registers `text/precomputed`. Recipe node: `{"type": "text/precomputed", "path": "features.safetensors"}`.
/// A file that cannot be used is reported at `<node>.path`, naming the file and the reason.
public enum PrecomputedTextPlugin {
    public static let info = PluginInfo(
        kind: .text, id: "precomputed",
        summary: "Token features looked up by text in a safetensors file written by converters/python/text_features.py",
        parameters: [("path", "the .safetensors feature file (required)")],
        origin: "PrecomputedText")

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { node, _ in try build(node) as any TextEncoder }
    }

    /// Builds the encoder from its recipe node.
    public static func build(_ node: RecipeValue) throws -> PrecomputedTextEncoder {
        try node.rejectUnknownKeys(["type", "path"])
        let pathNode = try node.required("path")
        let path = try pathNode.string
        do {
            return try PrecomputedTextEncoder(url: URL(fileURLWithPath: path))
        } catch let e as PrecomputedTextError {
            throw RecipeError(path: pathNode.path, message: e.message)
        } catch let e as SafetensorsError {
            throw RecipeError(path: pathNode.path, message: e.description)
        }
    }
}
