import Foundation
import Testing
import MSLUEncoder
import SignCore
import SignNN
import SignTensor
import SignTestSupport

@Suite("encoder/mslu recipes")
struct MSLURecipeTests {
    let recipes = fixturesRoot.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo/recipes")

    func registry() throws -> Registry {
        var r = Registry()
        try MSLUEncoderPlugin.register(in: &r)
        return r
    }

    func build(_ json: String, seed: UInt64 = 0) throws -> any PoseEncoder {
        let root = try RecipeValue.parse(Data(json.utf8))
        return try registry().build(.encoder, from: try root.required("encoder"), context: BuildContext(seed: seed), as: (any PoseEncoder).self)
    }

    /// Parameters of a config counted from the architecture (independently of the module's reflection).
    func expectedParameters(_ c: MSLUEncoderConfig) -> Int {
        let k = c.partitions, w = c.gcnWidths, d = c.branchDim
        var gcn = c.inputChannels * w[0] + w[0]
        for (a, b) in zip(w.dropLast(), w.dropFirst()) { gcn += k * b * a + b + 2 * b + (a == b ? 0 : a * b) }
        let layer = 3 * d * d + 3 * d + d * d + d + d * c.ffnDim + c.ffnDim + c.ffnDim * d + d + 4 * d
        let branch = layers(c) * layer + 2 * d + (c.temporalConv ? d * d * c.temporalKernel + d : 0)
        return 3 * gcn + 4 * w.last! + (3 * w.last! * d + d) + (w.last! * d + d) + 2 * branch + d + 2 * d * c.outputDim + c.outputDim
    }
    func layers(_ c: MSLUEncoderConfig) -> Int { c.layers }

    @Test(arguments: [("encoder-mslu-base.json", 512, 768), ("encoder-mslu-tiny.json", 64, 64)])
    func presetsBuild(file: String, branchDim: Int, outputDim: Int) throws {
        let node = try RecipeValue.parse(try Data(contentsOf: recipes.appendingPathComponent(file)))
        let config = try MSLUEncoderConfig(recipe: node)
        #expect(config.branchDim == branchDim && config.outputDim == outputDim)
        let enc = try registry().build(.encoder, from: node, context: BuildContext(seed: 1), as: (any PoseEncoder).self)
        #expect(enc.outputDim == outputDim)
        #expect(enc.parameterCount == expectedParameters(config))
    }

    @Test func defaultsAreTheBasePreset() throws {
        let node = try RecipeValue.parse(try Data(contentsOf: recipes.appendingPathComponent("encoder-mslu-base.json")))
        #expect(try MSLUEncoderConfig(recipe: node) == MSLUEncoderConfig())
        #expect(try MSLUEncoderConfig(recipe: try RecipeValue.parse(Data(#"{"type": "encoder/mslu"}"#.utf8))) == MSLUEncoderConfig())
    }

    @Test func everyFieldIsDocumented() throws {
        let info = try registry().info(.encoder, "mslu")
        let documented = Set(info.parameters.map(\.name))
        let base = try RecipeValue.parse(try Data(contentsOf: recipes.appendingPathComponent("encoder-mslu-base.json")))
        #expect(Set(try base.fields.map(\.0)).subtracting(["type"]).isSubset(of: documented))
        #expect(documented == Set(MSLUEncoderConfig.parameters.map(\.name)))
        #expect(documented.count == 15)
        // Every documented field is accepted.
        #expect(throws: Never.self) {
            _ = try MSLUEncoderConfig(recipe: try RecipeValue.parse(Data(#"{"maxFrames": 8, "temporalKernel": 3, "gcnNorm": "layer", "positionEncoding": "learned", "temporalConv": true, "graphStrategy": "uniform"}"#.utf8)))
        }
    }

    @Test func errorsNameTheJSONPath() throws {
        let cases: [(String, RecipeError)] = [
            (#"{"encoder": {"type": "mslu", "heads": 3}}"#, RecipeError(path: "encoder.heads", message: "3 heads do not divide branchDim 512")),
            (#"{"encoder": {"type": "mslu", "gcnWidths": [64, "x"]}}"#, RecipeError(path: "encoder.gcnWidths[1]", message: "expected number, got string \"x\"")),
            (#"{"encoder": {"type": "mslu", "gcnWidths": []}}"#, RecipeError(path: "encoder.gcnWidths", message: "expected at least one width")),
            (#"{"encoder": {"type": "mslu", "gcnWidths": [64, 0]}}"#, RecipeError(path: "encoder.gcnWidths[1]", message: "expected a positive integer, got 0")),
            (#"{"encoder": {"type": "mslu", "branchDim": 2.5}}"#, RecipeError(path: "encoder.branchDim", message: "expected an integer, got 2.5")),
            (#"{"encoder": {"type": "mslu", "outputDim": -1}}"#, RecipeError(path: "encoder.outputDim", message: "expected a positive integer, got -1")),
            (#"{"encoder": {"type": "mslu", "dropout": 1.5}}"#, RecipeError(path: "encoder.dropout", message: "expected a number in 0.0…0.999, got 1.5")),
            (#"{"encoder": {"type": "mslu", "temporalKernel": 4}}"#, RecipeError(path: "encoder.temporalKernel", message: "expected an odd kernel size (same-length output), got 4")),
            (#"{"encoder": {"type": "mslu", "gcnNorm": "group"}}"#, RecipeError(path: "encoder.gcnNorm", message: "expected \"batch\" or \"layer\", got \"group\"")),
            (#"{"encoder": {"type": "mslu", "positionEncoding": "rope"}}"#, RecipeError(path: "encoder.positionEncoding", message: "expected \"sinusoidal\" or \"learned\", got \"rope\"")),
            (#"{"encoder": {"type": "mslu", "graphStrategy": "spatial"}}"#, RecipeError(path: "encoder.graphStrategy", message: "expected \"distance\" or \"uniform\", got \"spatial\"")),
            (#"{"encoder": {"type": "mslu", "temporalConv": "yes"}}"#, RecipeError(path: "encoder.temporalConv", message: "expected boolean, got string \"yes\"")),
            (#"{"encoder": {"type": "mslu", "layers": -2}}"#, RecipeError(path: "encoder.layers", message: "expected a non-negative integer, got -2")),
        ]
        for (json, expected) in cases {
            #expect(throws: expected, "\(json)") { _ = try build(json) }
        }
        do {
            _ = try build(#"{"encoder": {"type": "mslu", "branchDimm": 64}}"#)
            Issue.record("a misspelt field must be refused")
        } catch let e as RecipeError {
            #expect(e.path == "encoder.branchDimm")
            #expect(e.message.contains("did you mean \"branchDim\"?"), "\(e.message)")
        }
    }

    @Test func seedDecidesTheWeights() throws {
        let json = #"{"encoder": {"type": "encoder/mslu", "gcnWidths": [4, 6], "branchDim": 8, "layers": 1, "heads": 2, "ffnDim": 8, "outputDim": 4}}"#
        let a = try build(json, seed: 1), b = try build(json, seed: 1), c = try build(json, seed: 2)
        let pa = a.namedParameters(), pb = b.namedParameters(), pc = c.namedParameters()
        #expect(zip(pa, pb).allSatisfy { maxAbsDiff($0.1, $1.1) == 0 })
        #expect(zip(pa, pc).contains { maxAbsDiff($0.1, $1.1) > 0 })
    }
}
