import Testing
import MSLUEncoder
import SignCore
import SignNN

@Suite("encoder/mslu layer depths")
struct DepthTests {
    @Test func everyParameterHasTheDocumentedLayer() throws {
        let encoder = try MSLUEncoder(config: tinyConfig { $0.layers = 3; $0.temporalConv = true; $0.positionEncoding = .learned; $0.maxFrames = 16 })
        let depth = try #require(try encoder.depth())
        #expect(depth.layers == 3)
        let names = encoder.namedParameters().map(\.0)
        #expect(Set(depth.layerOfParameter.keys) == Set(names))
        let expected: [String: Int] = [
            "body_gcn.input_proj.weight": 0, "hand_gcn.input_proj.weight": 0, "non_manual_gcn.input_proj.weight": 0, "mask_token": 0,
            "manual.proj.weight": 0, "non_manual.proj.bias": 0, "manual.pos_embedding": 0, "manual.temporal_conv.conv.weight": 0,
            "manual.encoder.layers.0.linear1.weight": 1, "non_manual.encoder.layers.0.linear1.weight": 1,
            "manual.encoder.layers.2.linear2.bias": 3, "non_manual.encoder.layers.1.self_attn.in_proj_weight": 2,
            "manual.encoder.norm.weight": 3, "non_manual.encoder.norm.bias": 3, "absent_non_manual": 3, "fusion.weight": 3,
        ]
        for (name, id) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(depth.layerOfParameter[name] == id, "\(name): \(depth.layerOfParameter[name].map(String.init) ?? "absent")")
        }
        // Every id is used, and only transformer layers sit strictly between the embedding and the top.
        #expect(Set(depth.layerOfParameter.values) == [0, 1, 2, 3])
        for (name, id) in depth.layerOfParameter where (1..<3).contains(id) { #expect(name.contains(".encoder.layers.\(id - 1).")) }
    }

    @Test func layerDecayScalesHeadTopLayerAndEmbedding() throws {
        let encoder = try MSLUEncoder(config: tinyConfig { $0.layers = 2 })
        let names = encoder.namedParameters().map { "encoder." + $0.0 } + ["head.classifier.weight", "head.pooling.score.bias"]
        let s = try LayerDecay.scales(encoder: encoder, parameters: names, decay: 0.5)
        #expect(s.count == names.count)
        #expect(s["head.classifier.weight"] == 1 && s["head.pooling.score.bias"] == 1)
        #expect(s["encoder.fusion.weight"] == 0.5 && s["encoder.manual.encoder.norm.weight"] == 0.5)
        #expect(s["encoder.manual.encoder.layers.1.linear1.weight"] == 0.5)
        #expect(s["encoder.non_manual.encoder.layers.0.linear1.weight"] == 0.25)
        #expect(s["encoder.body_gcn.input_proj.weight"] == 0.125 && s["encoder.mask_token"] == 0.125)
        #expect(try LayerDecay.scales(encoder: encoder, parameters: names, decay: 1).values.allSatisfy { $0 == 1 })
        #expect(throws: RecipeError.self) { try LayerDecay.scales(encoder: encoder, parameters: names, decay: 1.5) }
        #expect(throws: RecipeError(path: "optimizer.layerDecay", message: "the encoder's depth table has no layer for parameter encoder.extra")) {
            try LayerDecay.scales(encoder: encoder, parameters: ["encoder.extra"], decay: 0.5)
        }
    }
}
