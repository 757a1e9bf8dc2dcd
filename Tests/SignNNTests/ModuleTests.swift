import Testing
import SignTensor
import SignNN

final class TwoLayer: Module {
    let firstLayer: Linear
    let blocks: [Linear]
    let runningMean = Tensor.zeros([3])
    override var bufferNames: Set<String> { ["runningMean"] }
    init(rng: inout RandomStream) {
        firstLayer = Linear(4, 3, rng: &rng)
        blocks = [Linear(3, 3, bias: false, rng: &rng), Linear(3, 2, rng: &rng)]
        super.init()
    }
}

@Suite("Module reflection")
struct ModuleTests {
    @Test func namesFollowPyTorchConvention() {
        var rng = RandomStream(seed: 1)
        let m = TwoLayer(rng: &rng)
        #expect(m.namedParameters().map(\.0) == ["first_layer.weight", "first_layer.bias", "blocks.0.weight", "blocks.1.weight", "blocks.1.bias"])
        #expect(m.namedBuffers().map(\.0) == ["running_mean"])
        #expect(m.parameterCount == 4 * 3 + 3 + 9 + 6 + 2)
        m.eval()
        #expect(m.blocks[1].isTraining == false)
        m.freeze()
        #expect(m.trainableParameters().isEmpty)
    }
}
