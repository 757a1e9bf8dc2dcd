import SignTensor

/// Batch normalization over channels of [B, C] or [B, C, T] (PyTorch `nn.BatchNorm1d`).
///
/// Parameters `weight` (γ, ones) and `bias` (β, zeros); buffers `running_mean` (zeros), `running_var`
/// (ones) and `num_batches_tracked` (a Float scalar here; torch stores int64). Training normalizes with
/// the batch statistics and updates the running ones (unbiased variance, momentum m; m = nil uses the
/// cumulative average 1/num_batches_tracked, like torch); eval normalizes with the running statistics.
/// The math is in `Tensor.batchNorm`.
public final class BatchNorm1d: Module {
    public let weight: Tensor?
    public let bias: Tensor?
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let numBatchesTracked: Tensor
    public let eps: Float
    public let momentum: Float?

    public override var bufferNames: Set<String> { ["runningMean", "runningVar", "numBatchesTracked"] }

    public init(_ features: Int, eps: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true) {
        weight = affine ? Tensor.ones([features], requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([features], requiresGrad: true) : nil
        runningMean = Tensor.zeros([features])
        runningVar = Tensor.ones([features])
        numBatchesTracked = Tensor(0)
        self.eps = eps
        self.momentum = momentum
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard isTraining else {
            return try x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                   training: false, eps: eps)
        }
        let tracked = numBatchesTracked.pointer[0] + 1
        let y = try x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                training: true, momentum: momentum ?? 1 / tracked, eps: eps)
        numBatchesTracked.pointer[0] = tracked
        return y
    }
}
