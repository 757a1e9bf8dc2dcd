import SignTensor

/// 1-D convolution over [B, Cin, T] (PyTorch `nn.Conv1d`): weight [Cout, Cin/groups, K], bias [Cout].
/// Init as torch (kaiming_uniform with a = √5): weight and bias ~ U(−1/√fan_in, 1/√fan_in), fan_in = Cin/groups·K.
public final class Conv1d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride, padding, dilation, groups: Int

    /// Throws when `groups` does not divide both channel counts or a size is not positive.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, rng: inout RandomStream) throws {
        guard inChannels > 0, outChannels > 0, kernelSize > 0, groups > 0 else {
            throw TensorError("Conv1d", "channels, kernel size and groups must be positive: in \(inChannels), out \(outChannels), kernel \(kernelSize), groups \(groups)")
        }
        guard inChannels % groups == 0, outChannels % groups == 0 else {
            throw TensorError("Conv1d", "groups \(groups) must divide in channels \(inChannels) and out channels \(outChannels)")
        }
        let fanIn = inChannels / groups * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        weight = Tensor.uniform([outChannels, inChannels / groups, kernelSize], low: -bound, high: bound, rng: &rng, requiresGrad: true)
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, rng: &rng, requiresGrad: true) : nil
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
