import Testing
import SignTensor
import SignNN
import SignTestSupport

@Suite("BatchNorm1d layer")
struct BatchNorm1dTests {
    // x[i] = 2 sin(0.71 i + 0.3); γ = [1, 1.1, 1.2], β = [0, 0.05, 0.1]. Expected values from
    // torch.nn.BatchNorm1d(3) (torch 2.13 CPU, float64), one train step then eval, in a one-off session.
    @Test func trainThenEvalMatchesTorch() throws {
        let bn = BatchNorm1d(3)
        #expect(bn.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(bn.namedBuffers().map(\.0) == ["running_mean", "running_var", "num_batches_tracked"])
        assign(bn.weight!, try Tensor(shape: [3], data: [1, 1.1, 1.2]))
        assign(bn.bias!, try Tensor(shape: [3], data: [0, 0.05, 0.1]))
        let x = formula([4, 3, 2], 0.71, 0.3, scale: 2)
        let train = try bn(x)
        let expectedTrain: [Float] = [0.2115486, 1.013462, 1.307185, 0.7864322, 0.27992, -0.9154752, -1.656001, -1.452524, -0.6890803, 0.3873893, 1.924168, 2.050078, 0.6087285, -0.3710711, -1.354759, -1.775089, -1.165922, -0.0806016, 0.4963817, 1.149476, 1.223463, 0.5144591, -0.1087178, -1.183449]
        #expect(maxAbsDiff(train, try Tensor(shape: [4, 3, 2], data: expectedTrain)) < 1e-4)
        #expect(maxAbsDiff(bn.runningMean, try Tensor(shape: [3], data: [0.03001631, 0.03561869, -0.01931465])) < 1e-6)
        #expect(maxAbsDiff(bn.runningVar, try Tensor(shape: [3], data: [1.116067, 1.13007, 1.095963])) < 1e-5)
        #expect(bn.numBatchesTracked.item == 1)
        bn.eval()
        let evalOut = try bn(x)
        let expectedEval: [Float] = [0.5310488, 1.574759, 2.059663, 1.364619, 0.1257907, -1.369425, -1.899614, -1.634783, -0.6047339, 0.8320204, 2.182437, 2.339928, 1.047988, -0.2272453, -1.493209, -2.05422, -1.682687, -0.3251545, 0.9017661, 1.751784, 1.94792, 1.001619, -0.3603226, -1.70461]
        #expect(maxAbsDiff(evalOut, try Tensor(shape: [4, 3, 2], data: expectedEval)) < 1e-4)
        #expect(bn.numBatchesTracked.item == 1)
    }

    @Test func twoDimensionalInputMatchesTorch() throws {
        let bn = BatchNorm1d(3)
        let y = try bn(formula([5, 3], 0.71, 0.3, scale: 2))
        let expected: [Float] = [0.1844104, 1.054311, 1.216689, 0.7803268, -0.2407408, -0.9212391, -1.955651, -1.543262, -0.4621482, 0.3513671, 1.133794, 1.188674, 0.6395464, -0.4041019, -1.021977]
        #expect(maxAbsDiff(y, try Tensor(shape: [5, 3], data: expected)) < 1e-4)
        #expect(maxAbsDiff(bn.runningVar, try Tensor(shape: [3], data: [1.079969, 1.112987, 1.194044])) < 1e-5)
    }

    @Test func cumulativeAverageWithoutMomentum() throws {
        // momentum nil: running mean = average of the batch means seen so far (means 2, then 4).
        let bn = BatchNorm1d(1, momentum: nil)
        _ = try bn(try Tensor(shape: [2, 1], data: [1, 3]))
        _ = try bn(try Tensor(shape: [2, 1], data: [3, 5]))
        #expect(bn.runningMean.toArray() == [3] && bn.runningVar.toArray() == [2])
        #expect(bn.numBatchesTracked.item == 2)
    }

    @Test func gradientsThroughLayerAndBadInput() throws {
        let bn = BatchNorm1d(4)
        assign(bn.weight!, rand([4], seed: 51)); assign(bn.bias!, rand([4], seed: 52))
        let r = try gradCheck([rand([3, 4, 6], seed: 53), bn.weight!, bn.bias!]) { try bn($0[0]) }
        #expect(r.passed, "BatchNorm1d: \(r)")
        #expect(throws: TensorError("batchNorm", "running mean [4] must be [3] for input [2, 3, 5]")) { try BatchNorm1d(4, affine: false)(Tensor.zeros([2, 3, 5])) }
    }
}
