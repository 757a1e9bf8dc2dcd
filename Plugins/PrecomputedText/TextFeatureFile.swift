import Foundation
import SignNN
import SignTensor

/// A file of text features computed offline by `converters/python/text_features.py`.
///
/// Format (safetensors, `format` = `signzoo.text-features.v1`):
///
///     tensor "features"  [N_rows, D] F32 (or F16, widened on read): the rows of all texts; text i
///                        owns rows offsets[i] ..< offsets[i + 1] (its tokens, or one pooled row)
///     __metadata__       (all values are strings, as safetensors requires)
///       "format"   "signzoo.text-features.v1"
///       "model"    id of the model that computed the features
///       "dim"      D
///       "pooled"   "true" (one row per text: the masked mean) | "false" (one row per token)
///       "texts"    JSON array of the N texts, each once
///       "offsets"  JSON array of N + 1 integers, offsets[0] = 0, non-decreasing, offsets[N] = N_rows
///       "backend"  (informative) the library and version that computed them
///
/// The offsets live in the metadata rather than in an integer tensor because safetensors readers
/// here widen every tensor to Float32, which is exact only up to 2²⁴ rows.
public struct TextFeatureFile {
    public static let format = "signzoo.text-features.v1"

    public let url: URL
    /// [N_rows, D].
    public let features: Tensor
    public let texts: [String]
    public let offsets: [Int]
    public let modelID: String
    public let pooled: Bool
    public var dim: Int { features.shape[1] }
    private let index: [TextKey: Int]

    /// Reads and validates the file; every error names it.
    public init(_ url: URL) throws {
        func refuse(_ why: String) -> PrecomputedTextError { PrecomputedTextError("\(url.path): \(why)") }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PrecomputedTextError("text feature file \(url.path) does not exist (write it with converters/python/text_features.py)")
        }
        let (tensors, metadata) = try Safetensors.read(url)
        guard metadata["format"] == Self.format else {
            throw refuse("not a text feature file (metadata format is \(metadata["format"].map { "\"\($0)\"" } ?? "absent"), expected \"\(Self.format)\")")
        }
        guard let features = tensors["features"], features.rank == 2 else {
            throw refuse("needs a tensor \"features\" [rows, dim], found \(tensors.keys.sorted().map { "\"\($0)\" \(tensors[$0]!.shape)" }.joined(separator: ", "))")
        }
        guard let textsJSON = metadata["texts"]?.data(using: .utf8),
              let texts = (try? JSONSerialization.jsonObject(with: textsJSON)) as? [String] else {
            throw refuse("metadata \"texts\" must be a JSON array of strings")
        }
        guard let offsetsJSON = metadata["offsets"]?.data(using: .utf8),
              let numbers = (try? JSONSerialization.jsonObject(with: offsetsJSON)) as? [NSNumber],
              numbers.allSatisfy({ $0.doubleValue == $0.doubleValue.rounded() }) else {
            throw refuse("metadata \"offsets\" must be a JSON array of integers")
        }
        let offsets = numbers.map(\.intValue)
        guard offsets.count == texts.count + 1, offsets.first == 0, offsets.last == features.shape[0],
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw refuse("metadata \"offsets\" must hold \(texts.count + 1) non-decreasing integers from 0 to \(features.shape[0]) (the rows of \"features\"), got \(offsets.count) values \(offsets.prefix(3))…\(offsets.suffix(1))")
        }
        if let dim = metadata["dim"], Int(dim) != features.shape[1] {
            throw refuse("metadata \"dim\" is \(dim) but \"features\" is \(features.shape)")
        }
        let pooled = metadata["pooled"] == "true"
        if pooled, let i = texts.indices.first(where: { offsets[$0 + 1] - offsets[$0] != 1 }) {
            throw refuse("pooled features need one row per text, text \(i) has \(offsets[i + 1] - offsets[i])")
        }
        var index: [TextKey: Int] = [:]
        index.reserveCapacity(texts.count)
        for (i, t) in texts.enumerated() {
            if let j = index.updateValue(i, forKey: TextKey(t)) {
                throw refuse("text \(quoted(t)) appears twice (entries \(j) and \(i))")
            }
        }
        self.url = url
        self.features = features
        self.texts = texts
        self.offsets = offsets
        self.modelID = metadata["model"] ?? url.lastPathComponent
        self.pooled = pooled
        self.index = index
    }

    /// The entry of `text`, compared byte for byte.
    public func entry(of text: String) -> Int? { index[TextKey(text)] }

    /// Rows of entry i: offsets[i] ..< offsets[i + 1].
    public func rows(_ i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }
}

/// A text compared and hashed by its UTF-8 bytes (not by Swift's canonical equivalence: the
/// features were computed for these exact bytes).
struct TextKey: Hashable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (a: TextKey, b: TextKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    func hash(into h: inout Hasher) {
        var s = text
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// A feature file that cannot be used or a text it lacks: the message names the file.
public struct PrecomputedTextError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `"text"` in double quotes, cut to `limit` characters with an ellipsis.
func quoted(_ text: String, limit: Int = 60) -> String {
    let cut = text.count > limit ? String(text.prefix(limit)) + "…" : text
    return "\"" + cut.replacingOccurrences(of: "\n", with: "\\n") + "\""
}
