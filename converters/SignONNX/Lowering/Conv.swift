import SignTensor

/// Temporal convolution and pooling over [B, C, T] (engine `conv1d`, `maxPool1d`, `avgPool1d`).
extension ONNXGraphBuilder {
    /// y[b, o, t] = bias[o] + Σ_c Σ_k W[o, c, k]·x[b, c, t·s − p + k·d] per group (Conv with
    /// kernel_shape [K], strides [s], pads [p, p], dilations [d], group G); weight [Cout, Cin/G, K]
    /// and bias [Cout] become initializers `qualified("weight")` / `qualified("bias")`.
    public func conv1d(_ x: String, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0,
                       dilation: Int = 1, groups: Int = 1) throws -> String {
        guard weight.rank == 3 else { throw ONNXExportError.invalid("conv1d at '\(path)': weight must be [Cout, Cin/groups, K], got \(weight.shape)") }
        let w = try parameter(weight, "weight")
        let b = try bias.map { try parameter($0, "bias") }
        return try apply("Conv", [x, w] + (b.map { [$0] } ?? []), attributes: [
            "kernel_shape": .ints([weight.shape[2]]), "strides": .ints([stride]), "pads": .ints([padding, padding]),
            "dilations": .ints([dilation]), "group": .int(groups),
        ])
    }

    /// Max over windows of `kernel` frames every `stride` (MaxPool, no padding, floor mode).
    public func maxPool1d(_ x: String, kernel: Int, stride: Int? = nil) throws -> String {
        try apply("MaxPool", [x], attributes: ["kernel_shape": .ints([kernel]), "strides": .ints([stride ?? kernel])])
    }

    /// Mean over windows of `kernel` frames every `stride` (AveragePool, no padding, floor mode).
    public func avgPool1d(_ x: String, kernel: Int, stride: Int? = nil) throws -> String {
        try apply("AveragePool", [x], attributes: ["kernel_shape": .ints([kernel]), "strides": .ints([stride ?? kernel])])
    }
}
