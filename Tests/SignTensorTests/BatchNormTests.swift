import Testing
import SignTensor
import SignTestSupport

@Suite("batchNorm op")
struct BatchNormOpTests {
    @Test(arguments: [[4, 3, 5], [6, 3]])
    func trainingGradients(_ shape: [Int]) throws {
        let r = try gradCheck([rand(shape, seed: 41), rand([3], seed: 42), rand([3], seed: 43)]) {
            try $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true)
        }
        #expect(r.passed, "batchNorm train \(shape): \(r)")
    }

    @Test func evalGradientsAndValues() throws {
        let rm = try Tensor(shape: [2], data: [0.5, -1]), rv = try Tensor(shape: [2], data: [4, 0.25])
        let r = try gradCheck([rand([3, 2, 4], seed: 44), rand([2], seed: 45), rand([2], seed: 46)]) {
            try $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: rm, runningVar: rv, training: false)
        }
        #expect(r.passed, "batchNorm eval: \(r)")
        // eps = 0 makes the hand computation exact: (x − μ)/σ.
        let x = try Tensor(shape: [1, 2], data: [2.5, 0])
        let y = try x.batchNorm(weight: nil, bias: nil, runningMean: rm, runningVar: rv, training: false, eps: 0)
        #expect(y.toArray() == [1, 2])
    }

    @Test func trainingNormalizesAndUpdatesRunningStats() throws {
        // Channel values 1, 3 (mean 2, biased var 1, unbiased 2): normalized to −1, 1 (eps = 0).
        let x = try Tensor(shape: [2, 1], data: [1, 3])
        let rm = Tensor.zeros([1]), rv = Tensor.ones([1])
        let y = try x.batchNorm(weight: nil, bias: nil, runningMean: rm, runningVar: rv, training: true, momentum: 0.5, eps: 0)
        #expect(y.toArray() == [-1, 1])
        #expect(rm.toArray() == [1] && rv.toArray() == [1.5])
    }

    /// The channels-last [R, C] kernel (row-wise sums, blocks per thread) against the per-channel
    /// kernel on the same values laid out [1, C, R], in training and eval mode, with gradients and
    /// running statistics; R spans several 256-row tiles and thread blocks.
    @Test(arguments: [true, false]) func rowsKernelMatchesChannelKernel(training: Bool) throws {
        let (r, c) = (1700, 40)   // 68 000 values: two thread blocks at 2 threads
        let x = rand([r, c], seed: 47), w = rand([c], seed: 48), b = rand([c], seed: 49), g = rand([r, c], seed: 50)
        let rm1 = rand([c], seed: 51, std: 0.1), rv1 = Tensor.full([c], 0.7)
        let rm2 = rm1.copy(), rv2 = rv1.copy()
        let x2 = try x.permuted([1, 0]).reshaped([1, c, r]).copy()
        for t in [x, w, b, x2] { t.requiresGrad = true }
        let w2 = w.copy(), b2 = b.copy()
        w2.requiresGrad = true; b2.requiresGrad = true
        let y1 = try x.batchNorm(weight: w, bias: b, runningMean: rm1, runningVar: rv1, training: training)
        let y2 = try x2.batchNorm(weight: w2, bias: b2, runningMean: rm2, runningVar: rv2, training: training)
        #expect(maxAbsDiff(y1, try y2.reshaped([c, r]).permuted([1, 0])) <= 1e-5)
        #expect(maxAbsDiff(rm1, rm2) <= 1e-6 && maxAbsDiff(rv1, rv2) <= 1e-6)
        try y1.backward(seed: g)
        try y2.backward(seed: try g.permuted([1, 0]).reshaped([1, c, r]))
        #expect(maxAbsDiff(x.grad!, try x2.grad!.reshaped([c, r]).permuted([1, 0])) <= 1e-5)
        // Σ g·x̂ and Σ g over 1 700 rows (values up to ~60): both kernels sum in Float tiles, so compare absolutely.
        #expect(maxAbsDiff(w.grad!, w2.grad!) <= 2e-4 && maxAbsDiff(b.grad!, b2.grad!) <= 2e-4)
    }

    @Test func badInput() {
        let x = Tensor.zeros([4, 3, 5])
        #expect(throws: TensorError("batchNorm", "input must be [B, C] or [B, C, T], got [5]")) {
            try Tensor.zeros([5]).batchNorm(weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: true)
        }
        #expect(throws: TensorError("batchNorm", "weight [4] must be [3] for input [4, 3, 5]")) {
            try x.batchNorm(weight: Tensor.ones([4]), bias: nil, runningMean: nil, runningVar: nil, training: true)
        }
        #expect(throws: TensorError("batchNorm", "needs more than one value per channel in training, input [1, 3]")) {
            try Tensor.zeros([1, 3]).batchNorm(weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: true)
        }
        #expect(throws: TensorError("batchNorm", "eval mode needs running statistics")) {
            try x.batchNorm(weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: false)
        }
    }
}
