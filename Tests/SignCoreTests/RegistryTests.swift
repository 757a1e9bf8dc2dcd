import Foundation
import Testing
import SignCore

@Suite("Registry and recipes")
struct RegistryTests {
    func registry() throws -> Registry {
        var r = Registry()
        try r.register(PluginInfo(kind: .encoder, id: "mslu", summary: "MSLU", origin: "A")) { node, _ in try node.int("dim", default: 8) }
        try r.register(PluginInfo(kind: .pretext, id: "masked-pose", summary: "MPM", origin: "B")) { node, _ in try node.number("maskRatio", default: 0.5) }
        try r.register(PluginInfo(kind: .pretext, id: "sign-text-contrastive", summary: "STC", origin: "C")) { _, _ in 1.0 }
        return r
    }

    @Test func duplicateIdIsRefused() throws {
        var r = try registry()
        #expect(throws: RegistryError(message: "encoder/mslu is already registered (by A); Z cannot register it again")) {
            try r.register(PluginInfo(kind: .encoder, id: "mslu", summary: "", origin: "Z")) { _, _ in 0 }
        }
    }

    @Test func unknownIdListsRegisteredAndNearest() throws {
        let r = try registry()
        let node = try RecipeValue.parse(Data(#"{"pretext": [{"type": "masked-pse"}]}"#.utf8))
        let item = try node.required("pretext").items[0]
        #expect(throws: RegistryError(message: #"pretext[0].type: unknown pretext "masked-pse" (registered: masked-pose, sign-text-contrastive). Did you mean "masked-pose"?"#)) {
            _ = try r.build(.pretext, from: item, context: BuildContext(), as: Double.self)
        }
        #expect(try r.build(.encoder, from: try RecipeValue.parse(Data(#"{"type": "encoder/mslu", "dim": 4}"#.utf8)), context: BuildContext(), as: Int.self) == 4)
        #expect(r.list(kind: .pretext).map(\.id) == ["masked-pose", "sign-text-contrastive"])
    }

    @Test func recipeErrorsNameTheJSONPath() throws {
        let r = try registry()
        let node = try RecipeValue.parse(Data(#"{"pretext": [{"type": "masked-pose"}, {"type": "masked-pose", "maskRatio": "half"}]}"#.utf8))
        let items = try node.required("pretext").items
        #expect(try r.build(.pretext, from: items[0], context: BuildContext(), as: Double.self) == 0.5)
        #expect(throws: RecipeError(path: "pretext[1].maskRatio", message: "expected number, got string \"half\"")) {
            _ = try r.build(.pretext, from: items[1], context: BuildContext(), as: Double.self)
        }
        #expect(throws: RecipeError(path: "encoder", message: "missing required field")) { try node.required("encoder") }
        let typo = try RecipeValue.parse(Data(#"{"maskRatoi": 0.3}"#.utf8))
        #expect(throws: RecipeError(path: "maskRatoi", message: "unknown field (did you mean \"maskRatio\"?); known fields: maskRatio, strategies")) {
            try typo.rejectUnknownKeys(["maskRatio", "strategies"])
        }
        #expect(throws: RecipeError.self) { try RecipeValue.parse(Data("{not json".utf8)) }
    }

    @Test func editDistanceAndNearest() {
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(nearest("mlsu", in: ["mslu", "bert"]) == "mslu")
        #expect(nearest("zzzzzz", in: ["mslu", "bert"]) == nil)
    }
}
