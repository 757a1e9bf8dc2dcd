import Foundation
import Testing
import SignCore
import SignNN
import SignTensor
import SignTestSupport
import BERTTextEncoder

/// The encoder around the model: weight names, freezing, the feature cache, registration and the
/// errors a recipe gets for a bad model folder.
@Suite("text/bert encoder, cache and registration")
struct BERTEncoderTests {
    @Test func moduleNamesMapOntoHuggingFaceNames() throws {
        let model = try BertModel(BertConfig(vocabSize: 10, hiddenSize: 4, layers: 2, heads: 2, intermediateSize: 8, maxPositions: 6))
        let names = model.stateDict().map { BertWeightNames.huggingFace($0.0) }
        #expect(names.count == 5 + 2 * 16)
        #expect(names.prefix(5) == ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                                    "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"])
        #expect(names.contains("encoder.layer.1.attention.self.query.weight"))
        #expect(names.contains("encoder.layer.1.attention.output.LayerNorm.bias"))
        #expect(names.contains("encoder.layer.0.intermediate.dense.weight"))
        #expect(names.contains("encoder.layer.0.output.LayerNorm.weight"))
        #expect(BertWeightNames.module("bert.encoder.layer.3.attention.self.key.bias") == "encoder.layer.3.attention.self_attention.key.bias")
    }

    @Test func everyMiniLMWeightLoadsByNameAndIsFrozen() throws {
        let encoder = try MiniLM.encoder()
        let folder = try MiniLM.folder.get()
        let keys = try Python.run("""
            import sys, json
            from safetensors import safe_open
            print(json.dumps(sorted(safe_open(sys.argv[1], "np").keys())))
            """, arguments: [folder.appendingPathComponent("model.safetensors").path], requiring: ["safetensors"])
        let fileKeys = try JSONSerialization.jsonObject(with: Data(keys.utf8)) as! [String]
        let moduleKeys = encoder.model.stateDict().map { BertWeightNames.huggingFace($0.0) }.sorted()
        // Everything but the pooler (unused for token features) and the integer position_ids buffer.
        #expect(moduleKeys == fileKeys.filter { !$0.hasPrefix("pooler.") && $0 != "embeddings.position_ids" })
        #expect(encoder.model.trainableParameters().isEmpty)
        #expect(encoder.outputDim == 384)
        #expect(encoder.tokenizer.maxLength == 256)   // sentence_bert_config.json's max_seq_length
        let features = try encoder.encode(["a frozen feature"])
        #expect(!features.tokens.requiresGrad && features.tokens.gradFn == nil)
    }

    @Test func featuresAreCachedPerDistinctTextWithLeastRecentlyUsedEviction() throws {
        let encoder = try BERTTextEncoder(folder: try MiniLM.folder.get(), batchSize: 2, cacheSize: 3)
        let first = try encoder.encode(["one", "two", "one", "three"])
        #expect(encoder.cachedCount == 3)
        #expect(first.tokens.shape == [4, 3, 384])
        #expect(maxAbsDiff(try first.tokens.slice(axis: 0, start: 0, end: 1), try first.tokens.slice(axis: 0, start: 2, end: 3)) == 0)
        // "one" is used again, so "two" is now the least recently used and goes when "four" comes.
        let again = try encoder.encode(["one", "four"])
        #expect(encoder.cachedCount == 3)
        #expect(maxAbsDiff(try again.tokens.slice(axis: 0, start: 0, end: 1), try first.tokens.slice(axis: 0, start: 0, end: 1)) == 0)
        let uncached = try BERTTextEncoder(folder: try MiniLM.folder.get(), cacheSize: 0)
        let fresh = try uncached.encode(["two", "three"])
        #expect(uncached.cachedCount == 0)
        #expect(maxAbsDiff(try fresh.tokens.slice(axis: 0, start: 0, end: 1), try first.tokens.slice(axis: 0, start: 1, end: 2)) <= 1e-5)
        let empty = try encoder.encode([])
        #expect(empty.tokens.shape == [0, 0, 384] && empty.mask.shape == [0, 0])
    }

    @Test func registeredAsTextBertWithRecipeFields() throws {
        var registry = Registry()
        try BERTTextEncoderPlugin.register(in: &registry)
        #expect(try registry.info(key: "text/bert").parameters.map(\.name) == ["path", "maxLength", "batchSize", "cacheSize", "pooled", "modelID"])
        let folder = try MiniLM.folder.get().path
        let recipe = try RecipeValue.parse(Data(#"{"text": {"type": "text/bert", "path": "\#(folder)", "maxLength": 8, "modelID": "all-MiniLM-L6-v2"}}"#.utf8))
        let encoder = try registry.build(.text, from: try recipe.required("text"), context: BuildContext(), as: (any TextEncoder).self)
        #expect(encoder.modelID == "all-MiniLM-L6-v2")
        #expect(try encoder.encode(["a sentence that is longer than eight word pieces"]).tokens.shape == [1, 8, 384])
    }

    @Test func badModelFoldersAreReportedAtTheRecipePath() throws {
        var registry = Registry()
        try BERTTextEncoderPlugin.register(in: &registry)
        func build(_ json: String) throws { _ = try registry.build(.text, from: try RecipeValue.parse(Data(json.utf8)).required("text"), context: BuildContext(), as: (any TextEncoder).self) }

        let dir = try makeTemporaryDirectory("bert")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nowhere").path
        #expect(throws: RecipeError(path: "text.path", message: "model folder \(missing) does not exist (it needs config.json, model.safetensors, vocab.txt (or tokenizer.json))")) {
            try build(#"{"text": {"type": "bert", "path": "\#(missing)"}}"#)
        }
        #expect(throws: RecipeError(path: "text.path", message: "model folder \(dir.path) has no config.json")) {
            try build(#"{"text": {"type": "bert", "path": "\#(dir.path)"}}"#)
        }
        let source = try MiniLM.folder.get()
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"), to: dir.appendingPathComponent("config.json"))
        try Data().write(to: dir.appendingPathComponent("pytorch_model.bin"))
        #expect(throws: RecipeError(path: "text.path", message: "model folder \(dir.path) has no model.safetensors (it has pytorch_model.bin: convert it once with `python3 converters/python/bin_to_safetensors.py \(dir.path)`)")) {
            try build(#"{"text": {"type": "bert", "path": "\#(dir.path)"}}"#)
        }
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("model.safetensors"), withDestinationURL: source.appendingPathComponent("model.safetensors"))
        #expect(throws: RecipeError(path: "text.path", message: "model folder \(dir.path) has no vocab.txt (nor tokenizer.json)")) {
            try build(#"{"text": {"type": "bert", "path": "\#(dir.path)"}}"#)
        }
        #expect(throws: RecipeError(path: "text.maxLength", message: "maxLength 513 must lie in 2…512 (the model's max_position_embeddings)")) {
            try build(#"{"text": {"type": "bert", "path": "\#(source.path)", "maxLength": 513}}"#)
        }
        #expect(throws: RecipeError(path: "text.batchSize", message: "must be at least 1, got 0")) {
            try build(#"{"text": {"type": "bert", "path": "\#(source.path)", "batchSize": 0}}"#)
        }
        #expect(throws: RecipeError(path: "text.poolled", message: "unknown field (did you mean \"pooled\"?); known fields: type, path, maxLength, batchSize, cacheSize, pooled, modelID")) {
            try build(#"{"text": {"type": "bert", "path": "\#(source.path)", "poolled": true}}"#)
        }
        #expect(throws: RecipeError(path: "text.path", message: "missing required field")) {
            try build(#"{"text": {"type": "bert"}}"#)
        }
    }

    @Test func weightsThatDoNotFitTheConfigAreNamed() throws {
        let dir = try makeTemporaryDirectory("bert-shape")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try MiniLM.folder.get()
        for f in ["vocab.txt", "tokenizer_config.json", "model.safetensors"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(f), withDestinationURL: source.appendingPathComponent(f))
        }
        var config = try String(contentsOf: source.appendingPathComponent("config.json"), encoding: .utf8)
        config = config.replacingOccurrences(of: "\"intermediate_size\": 1536", with: "\"intermediate_size\": 1024")
            .replacingOccurrences(of: "\"num_hidden_layers\": 6", with: "\"num_hidden_layers\": 7")
        try config.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        do {
            _ = try BERTTextEncoder(folder: dir)
            Issue.record("a config that does not match the weights was accepted")
        } catch let e as BERTError {
            #expect(e.message.hasPrefix("\(dir.path)/model.safetensors does not fit config.json: missing encoder.layer.6.attention.self.query.weight"))
            #expect(e.message.contains("mis-shaped encoder.layer.0.intermediate.dense.weight (config.json gives [1024, 384], file [1536, 384])"))
        }
    }
}
