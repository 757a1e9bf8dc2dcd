import Testing
import SignTensor
import SignNN
import SignTestSupport

@Suite("Embedding and Conv1d layers")
struct ConvEmbeddingLayerTests {
    @Test func embeddingNamesInitAndLookup() throws {
        var rng = RandomStream(seed: 3)
        let e = Embedding(200, 50, rng: &rng)
        #expect(e.namedParameters().map(\.0) == ["weight"] && e.weight.shape == [200, 50])
        let mean = try e.weight.mean().item
        let variance = try ((e.weight - mean) * (e.weight - mean)).mean().item
        #expect(Swift.abs(mean) < 0.03 && Swift.abs(variance - 1) < 0.05, "N(0, 1) init: mean \(mean), var \(variance)")
        let y = try e(try IndexTensor(shape: [1, 2], values: [Int32(7), 199]))
        #expect(y.shape == [1, 2, 50])
        #expect(Array(y.toArray()[50..<100]) == Array(e.weight.toArray()[(199 * 50)..<(200 * 50)]))
        #expect(throws: TensorError("embedding", "id 200 at flat position 0 of ids [1] is out of range for 200 rows (weight [200, 50])")) { try e(IndexTensor([200])) }
    }

    @Test func conv1dNamesInitAndTorchValues() throws {
        var rng = RandomStream(seed: 4)
        let conv = try Conv1d(inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1, dilation: 2, groups: 2, rng: &rng)
        #expect(conv.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(conv.weight.shape == [6, 2, 3] && conv.bias!.shape == [6])
        // torch init: U(±1/√fan_in), fan_in = 2·3.
        let bound = 1 / Float(6).squareRoot()
        let w = conv.weight.toArray()
        #expect(w.allSatisfy { Swift.abs($0) <= bound } && w.contains { Swift.abs($0) > 0.6 * bound })
        // Same weights and input as the op test (torch.nn.functional.conv1d reference).
        assign(conv.weight, formula([6, 2, 3], 0.53, 0, scale: 0.5, cos: true))
        assign(conv.bias!, formula([6], 1, 1, scale: 0.1))
        let y = try conv(formula([2, 4, 9], 0.37, 0.1))
        #expect(y.shape == [2, 6, 4])
        #expect(Swift.abs(y[0, 0, 0] - 1.102177) < 1e-4 && Swift.abs(y[1, 5, 3] - 0.4484184) < 1e-4)
        let noBias = try Conv1d(inChannels: 3, outChannels: 2, kernelSize: 1, bias: false, rng: &rng)
        #expect(noBias.namedParameters().map(\.0) == ["weight"])
        #expect(throws: TensorError("Conv1d", "groups 2 must divide in channels 3 and out channels 4")) {
            try Conv1d(inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2, rng: &rng)
        }
    }
}
