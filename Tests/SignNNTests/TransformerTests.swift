import Testing
import Foundation
import SignTensor
import SignNN
import SignTestSupport

/// Sets every parameter, in state-dict order, to 0.5·sin(0.37·k + 0.2) with k counting elements
/// across all parameters — the formula the PyTorch fixture script used.
func fillWithFormula(_ m: Module) {
    var k = 0
    for (_, p) in m.namedParameters() {
        for i in 0..<p.count { p.pointer[i] = Float(0.5 * sin(0.37 * Double(k + i) + 0.2)) }
        k += p.count
    }
}

@Suite("Transformer layers")
struct TransformerTests {
    // `torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True).state_dict().keys()` (torch 2.13):
    static let torchEncoderKeys = ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
        "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    // `torch.nn.TransformerDecoderLayer(8, 2, 16, batch_first=True).state_dict().keys()`:
    static let torchDecoderKeys = ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
        "self_attn.out_proj.bias", "multihead_attn.in_proj_weight", "multihead_attn.in_proj_bias",
        "multihead_attn.out_proj.weight", "multihead_attn.out_proj.bias", "linear1.weight", "linear1.bias",
        "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "norm3.weight", "norm3.bias"]

    // Inputs of the forward fixtures: d 8, 2 heads, ff 16, B 2, S 3 (memory 4).
    let x = formulaTensor([2, 3, 8], 0.11, 0.23)
    let memory = formulaTensor([2, 4, 8], 0.13, 0.31)
    let keyMask = try! Tensor(shape: [2, 3], data: [1, 1, 1, 1, 1, 0])            // batch 1: last token padded
    let memoryMask = try! Tensor(shape: [2, 4], data: [1, 1, 1, 1, 1, 1, 0, 0])   // batch 1: last two padded

    @Test func parameterNamesEqualTorch() throws {
        var rng = RandomStream(seed: 1)
        let enc = try TransformerEncoderLayer(dModel: 8, heads: 2, ffDim: 16, rng: &rng)
        #expect(enc.namedParameters().map(\.0) == Self.torchEncoderKeys)
        #expect(enc.namedParameters().map { $0.1.shape } == [[24, 8], [24], [8, 8], [8], [16, 8], [16], [8, 16], [8], [8], [8], [8], [8]])
        let dec = try TransformerDecoderLayer(dModel: 8, heads: 2, ffDim: 16, rng: &rng)
        #expect(dec.namedParameters().map(\.0) == Self.torchDecoderKeys)
        let stack = TransformerEncoder(layers: [enc, try TransformerEncoderLayer(dModel: 8, heads: 2, ffDim: 16, rng: &rng)],
                                       finalNorm: LayerNorm(8))
        // torch.nn.TransformerEncoder(layer, 2, norm=LayerNorm(...)) keys: layers.N.<layer keys>, norm.weight, norm.bias.
        let expected = (0..<2).flatMap { i in Self.torchEncoderKeys.map { "layers.\(i).\($0)" } } + ["norm.weight", "norm.bias"]
        #expect(stack.namedParameters().map(\.0) == expected)
    }

    @Test func initializationFollowsTorch() throws {
        var rng = RandomStream(seed: 2)
        let mha = try MultiHeadAttention(dModel: 64, heads: 4, rng: &rng)
        let bound = (6.0 / Double(64 + 192)).squareRoot()
        let w = mha.inProjWeight.toArray()
        #expect(w.allSatisfy { Swift.abs(Double($0)) <= bound } && w.contains { Swift.abs(Double($0)) > 0.9 * bound })
        #expect(mha.inProjBias.toArray().allSatisfy { $0 == 0 } && mha.outProj.bias!.toArray().allSatisfy { $0 == 0 })
        #expect(throws: TensorError.self) { try MultiHeadAttention(dModel: 10, heads: 4, rng: &rng) }
    }

    // Expected outputs: torch 2.13 CPU, nn.TransformerEncoderLayer / nn.TransformerDecoderLayer(8, 2, 16,
    // dropout=0, batch_first=True) with every parameter set by `fillWithFormula`'s formula, eval mode,
    // src/tgt_key_padding_mask and memory_key_padding_mask as above, tgt_mask = causal (one-off script).
    @Test func encoderPreLNGeluMatchesTorch() throws {
        var rng = RandomStream(seed: 3)
        let layer = try TransformerEncoderLayer(dModel: 8, heads: 2, ffDim: 16, dropout: 0.1, activation: .gelu, normFirst: true, rng: &rng)
        fillWithFormula(layer)
        layer.eval()
        let y = try layer(x, keyMask: keyMask)
        #expect(allClose(y, [0.4188285, 1.749918, 0.54997, 1.56331, 0.41957, 1.047467, 0.1908053, 0.4410156, 0.5534528, 1.856527,
            0.5222439, 1.625889, 0.2991118, 1.10453, 0.0253382, 0.5081867, 0.5883034, 1.833947, 0.6196737, 1.595603, 0.4641247,
            1.092678, 0.258067, 0.5306026, 0.5858531, 1.511152, 0.8299237, 1.530802, 0.7854767, 1.131333, 0.4072413, 0.3688523,
            -0.3318354, 0.4813457, -0.3030707, 0.3081486, -0.5117304, -0.2189015, -0.968825, -0.9988754, -0.9234234, -0.1870617,
            -1.057258, -0.5380754, -1.393252, -1.080429, -1.703417, -1.51916], tol: 1e-4))
    }

    @Test func encoderPostLNReluMatchesTorch() throws {
        var rng = RandomStream(seed: 4)
        let layer = try TransformerEncoderLayer(dModel: 8, heads: 2, ffDim: 16, dropout: 0, activation: .relu, normFirst: false, rng: &rng)
        fillWithFormula(layer)
        let y = try layer(x, keyMask: keyMask)
        #expect(allClose(y, [-0.437657, -0.1489043, -0.114673, 0.1100235, -0.2701705, 0.6072899, 0.651949, 1.297014, -0.5083783,
            -0.1683915, -0.08445597, 0.07892139, -0.3291657, 0.432925, 0.5696979, 1.254185, -0.3637732, -0.1341262, -0.1167657,
            0.06631836, -0.1651055, 0.6488336, 0.797489, 1.33904, -0.5935951, -0.1850586, -0.1055271, 0.2410818, -0.3995677,
            0.4894181, 0.3767755, 1.001677, -0.7027879, -0.2187839, 0.002822562, 0.1786902, -0.2968763, 0.07764594, 0.1887082,
            0.6946585, -0.3506801, -0.1324484, -0.1220555, 0.05139938, -0.1247999, 0.593995, 0.9177349, 1.317445], tol: 1e-4))
    }

    @Test func decoderPreLNGeluMatchesTorch() throws {
        var rng = RandomStream(seed: 5)
        let layer = try TransformerDecoderLayer(dModel: 8, heads: 2, ffDim: 16, dropout: 0.1, activation: .gelu, normFirst: true, rng: &rng)
        fillWithFormula(layer)
        layer.eval()
        let y = try layer(x, memory: memory, selfKeyMask: keyMask, memoryKeyMask: memoryMask)
        #expect(allClose(y, [-1.398906, 2.884418, -1.754126, 2.122322, -1.786039, 1.299793, -1.274869, 0.672295, -1.09589, 2.851644,
            -1.736731, 1.986603, -1.966246, 1.165001, -1.547622, 0.6322054, -1.178308, 2.77579, -1.66515, 2.029469, -1.729267,
            1.324646, -1.192186, 0.8501755, -0.6394192, 2.719374, -0.9814357, 1.743786, -1.15941, 0.6559235, -1.00901, -0.3049534,
            -1.527781, 1.655522, -2.150221, 0.4352539, -2.534285, -0.7932655, -2.461546, -1.737768, -2.808322, 0.345521,
            -3.306214, -0.6094506, -3.318953, -1.316414, -2.6455, -1.555087], tol: 1e-4))
    }

    @Test func decoderPostLNReluMatchesTorch() throws {
        var rng = RandomStream(seed: 6)
        let layer = try TransformerDecoderLayer(dModel: 8, heads: 2, ffDim: 16, dropout: 0, activation: .relu, normFirst: false, rng: &rng)
        fillWithFormula(layer)
        let y = try layer(x, memory: memory, selfKeyMask: keyMask, memoryKeyMask: memoryMask)
        #expect(allClose(y, [-1.489379, -0.3316113, -0.2275952, -0.08917531, -0.1321419, 0.3041288, -0.05492494, 0.7061134,
            -1.466598, -0.3080772, -0.2166336, -0.08922672, -0.1416416, 0.3446106, -0.02918016, 0.7530191, -1.505105, -0.3622266,
            -0.2400683, -0.08907913, -0.12236, 0.2826899, -0.09195634, 0.6200082, -1.434121, -0.1828196, -0.1735647, -0.08959883,
            -0.150372, 0.2858791, 0.3544694, 0.9123378, -1.407708, -0.186514, -0.1718368, -0.0895682, -0.1605437, 0.3473617,
            0.3059032, 0.9212649, -1.58606, -0.3880924, -0.2596676, -0.08901823, -0.07591453, 0.2048177, -0.01408757, 0.3164315], tol: 1e-4))
    }

    /// The three projection paths (packed QKV when query, key and value are one tensor; packed KV
    /// when key and value are; three row-block projections otherwise) agree when the inputs are
    /// equal in value, and the parameter gradients of the packed-KV path pass a finite-difference check.
    @Test func attentionPathsAgreeAndTrain() throws {
        var rng = RandomStream(seed: 7)
        let mha = try MultiHeadAttention(dModel: 8, heads: 2, rng: &rng)
        let packed = try mha(x, keyMask: keyMask, causal: true)
        let separate = try mha(query: x, key: x.copy(), value: x.copy(), keyMask: keyMask, causal: true)
        let kv = x.copy()
        let crossPath = try mha(query: x, key: kv, value: kv, keyMask: keyMask, causal: true)
        #expect(maxAbsDiff(packed, separate) < 1e-6 && maxAbsDiff(packed, crossPath) < 1e-6)
        let r = try gradCheck([mha.inProjWeight, mha.inProjBias, mha.outProj.weight]) { _ in
            try mha(query: x, key: kv, value: kv, keyMask: keyMask)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func layerGradientsAndDropoutModes() throws {
        var rng = RandomStream(seed: 8)
        let layer = try TransformerEncoderLayer(dModel: 8, heads: 2, ffDim: 16, dropout: 0.2, activation: .gelu, normFirst: true, rng: &rng)
        layer.eval()
        let input = x.copy()
        let r = try gradCheck([input, layer.selfAttn.inProjWeight, layer.linear1.weight, layer.norm2.weight], eps: 1e-3) {
            try layer($0[0], keyMask: keyMask)
        }
        #expect(r.passed, "\(r)")
        layer.train()
        let a = try layer(x, keyMask: keyMask), b = try layer(x, keyMask: keyMask)
        #expect(maxAbsDiff(a, b) > 1e-4)   // dropout streams advance between calls
        layer.eval()
        #expect(maxAbsDiff(try layer(x, keyMask: keyMask), try layer(x, keyMask: keyMask)) == 0)

        let drop = Dropout(p: 0.5, seed: 1)
        #expect(try drop(x) !== x)
        drop.eval()
        #expect(try drop(x) === x)
    }
}
