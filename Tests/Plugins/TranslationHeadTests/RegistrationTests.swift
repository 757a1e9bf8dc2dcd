import Foundation
import Testing
import SignCore
import SignNN
import SignTensor
import TranslationHead

@Suite("head/translation registration")
struct RegistrationTests {
    func registry() throws -> Registry {
        var r = Registry()
        try TranslationHeadPlugin.register(in: &r)
        return r
    }

    func node(_ json: String) throws -> RecipeValue {
        try RecipeValue.parse(Data(#"{"head": \#(json)}"#.utf8)).required("head")
    }

    let texts = ["morgen regnet es im süden.", "im norden bleibt es trocken.", "und nun das wetter"]

    @Test func buildsFromTextsAndRestoresFromTheVocabulary() throws {
        let r = try registry()
        #expect(try r.info(.head, "translation").parameters.count == TranslationConfig.parameters.count)
        let recipe = try node(#"{"type": "head/translation", "dModel": 16, "heads": 4, "layers": 2, "ffDim": 32, "decoding": "greedy"}"#)
        let context = BuildContext(seed: 4, dimensions: ["encoder.dim": 12], lists: ["texts": texts])
        let built = try r.build(.head, from: recipe, context: context, as: (any TaskHead).self)
        let head = try #require(built as? TranslationHead)
        #expect(head.termPrefix == "translation" && !head.needsText)
        #expect(head.textVocabulary.tokenization == .word)
        let names = Set(head.namedParameters().map(\.0))
        for n in ["input_proj.weight", "token_embedding.weight", "position_embedding.weight", "layers.1.self_attn.in_proj_weight",
                  "layers.1.multihead_attn.out_proj.weight", "layers.0.norm3.bias", "norm.weight"] {
            #expect(names.contains(n), "missing \(n)")
        }
        #expect(!names.contains("output_proj.weight"))
        #expect(head.positionEmbedding.weight.shape == [100, 16])
        // Restore: the stored vocabulary alone (no texts) gives the same vocabulary and parameters.
        let lists = head.vocabulary
        #expect(Array(lists.keys) == ["vocabulary"])
        let restored = try #require(try r.build(.head, from: recipe, context: BuildContext(seed: 4, dimensions: ["encoder.dim": 12], lists: lists),
                                                as: (any TaskHead).self) as? TranslationHead)
        #expect(restored.textVocabulary == head.textVocabulary)
        for ((n1, a), (n2, b)) in zip(head.namedParameters(), restored.namedParameters()) {
            #expect(n1 == n2 && a.toArray() == b.toArray())
        }
        // Untied adds output_proj.
        let untied = try r.build(.head, from: try node(#"{"type": "translation", "dModel": 8, "heads": 2, "tieEmbeddings": false}"#),
                                 context: context, as: (any TaskHead).self)
        #expect(untied.namedParameters().contains { $0.0 == "output_proj.weight" })
    }

    @Test func chineseGetsCharacterLevelAutomaticallyAndOnRestore() throws {
        let r = try registry()
        let recipe = try node(#"{"type": "translation", "dModel": 8, "heads": 2, "layers": 1}"#)
        let zh = ["今天天气很好", "我们明天去北京"]
        let byText = try #require(try r.build(.head, from: recipe, context: BuildContext(dimensions: ["encoder.dim": 4], lists: ["texts": zh]),
                                              as: (any TaskHead).self) as? TranslationHead)
        #expect(byText.textVocabulary.tokenization == .char)
        let byLanguage = try #require(try r.build(.head, from: recipe, context: BuildContext(dimensions: ["encoder.dim": 4], values: ["language": "zh"],
                                                                                            lists: ["texts": ["ni hao ma"]]), as: (any TaskHead).self) as? TranslationHead)
        #expect(byLanguage.textVocabulary.tokenization == .char)
        let restored = try #require(try r.build(.head, from: recipe, context: BuildContext(dimensions: ["encoder.dim": 4], lists: byText.vocabulary),
                                                as: (any TaskHead).self) as? TranslationHead)
        #expect(restored.textVocabulary.tokenization == .char)
        #expect(restored.textVocabulary.decode(restored.textVocabulary.encode("今天很好")) == "今天很好")
    }

    @Test func recipeErrorsNameTheJSONPath() throws {
        let r = try registry()
        let context = BuildContext(dimensions: ["encoder.dim": 4], lists: ["texts": texts])
        func expectError(_ json: String, path: String, contains text: String) throws {
            do {
                _ = try r.build(.head, from: try node(json), context: context, as: (any TaskHead).self)
                Issue.record("expected an error for \(json)")
            } catch let e as RecipeError {
                #expect(e.path == path, "\(e)")
                #expect(e.message.contains(text), "\(e)")
            }
        }
        try expectError(#"{"type": "translation", "beamWidht": 4}"#, path: "head.beamWidht", contains: "did you mean \"beamWidth\"")
        try expectError(#"{"type": "translation", "beamWidth": 0}"#, path: "head.beamWidth", contains: "1…1000")
        try expectError(#"{"type": "translation", "dModel": 10, "heads": 4}"#, path: "head.heads", contains: "divisor of dModel 10")
        try expectError(#"{"type": "translation", "tokenization": "bpe"}"#, path: "head.tokenization", contains: "\"word\"")
        try expectError(#"{"type": "translation", "decoding": "sampling"}"#, path: "head.decoding", contains: "greedy")
        try expectError(#"{"type": "translation", "bleuTokenizer": "intl"}"#, path: "head.bleuTokenizer", contains: "13a")
        try expectError(#"{"type": "translation", "labelSmoothing": 1.5}"#, path: "head.labelSmoothing", contains: "0.0…0.99")
        try expectError(#"{"type": "translation", "maxVocabulary": 3}"#, path: "head.maxVocabulary", contains: "more than 4")
        try expectError(#"{"type": "translation", "activation": "tanh"}"#, path: "head.activation", contains: "gelu")
        try expectError(#"{"type": "translation", "maxLength": "long"}"#, path: "head.maxLength", contains: "expected number")
    }

    @Test func missingContextIsAClearError() throws {
        let r = try registry()
        let recipe = try node(#"{"type": "translation"}"#)
        #expect(throws: RegistryError.self) { _ = try r.build(.head, from: recipe, context: BuildContext(dimensions: ["encoder.dim": 4]), as: (any TaskHead).self) }
        #expect(throws: RegistryError.self) { _ = try r.build(.head, from: recipe, context: BuildContext(lists: ["texts": ["a"]]), as: (any TaskHead).self) }
        #expect(throws: RegistryError.self) { _ = try r.build(.head, from: recipe, context: BuildContext(dimensions: ["encoder.dim": 4], lists: ["texts": []]), as: (any TaskHead).self) }
        // A batch without texts cannot be trained on.
        var c = TranslationConfig(); c.dModel = 8; c.heads = 2; c.layers = 1
        let head = try tinyHead(c)
        let enc = try fakeEncoded(lengths: [2], frames: 2, dim: head.encoderDim, seed: 1)
        var batch = try fakeBatch(texts: ["a"], frames: 2)
        batch.texts = nil
        #expect(throws: (any Error).self) { _ = try head.loss(HeadInput(encoded: enc, batch: batch)) }
        let wrongWidth = try fakeEncoded(lengths: [2], frames: 2, dim: head.encoderDim + 1, seed: 1)
        #expect(throws: (any Error).self) { _ = try head.loss(HeadInput(encoded: wrongWidth, batch: try fakeBatch(texts: ["a"], frames: 2))) }
    }
}
