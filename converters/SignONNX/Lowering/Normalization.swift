import SignTensor

/// Layer norm, batch norm (eval) and L2 normalization.
extension ONNXGraphBuilder {
    /// y = (x − μ)/√(σ² + ε) ⊙ w + b over the last axis (engine `layerNorm`; σ² biased).
    ///
    /// LayerNormalization (axis −1, stash_type 1 = float32 statistics), or with `decomposeLayerNorm`:
    /// μ = ReduceMean(x), d = x − μ, σ² = ReduceMean(d²) (Pow 2), y = d / Sqrt(σ² + ε), then Mul w, Add b.
    /// Parameters are initializers `qualified(weightName)` / `qualified(biasName)`; without a weight,
    /// `features` (the last axis' size) is needed for the op form's unit scale.
    public func layerNorm(_ x: String, weight: Tensor?, bias: Tensor?, eps: Float, features: Int? = nil,
                          weightName: String = "weight", biasName: String = "bias") throws -> String {
        if decomposeLayerNorm {
            let mu = try reduceMean(x, axes: [-1], keepDims: true)
            let d = try sub(x, mu)
            let variance = try reduceMean(try pow(d, 2), axes: [-1], keepDims: true)
            var y = try div(d, try sqrt(try add(variance, eps)))
            if let weight { y = try mul(y, try parameter(weight, weightName)) }
            if let bias { y = try add(y, try parameter(bias, biasName)) }
            return y
        }
        let scale: String
        if let weight { scale = try parameter(weight, weightName) }
        else if let features { scale = try constant(floats: Array(repeating: 1, count: features), shape: [features]) }
        else { throw ONNXExportError.invalid("layerNorm at '\(path)' without a weight needs `features` for LayerNormalization's scale") }
        let b = try bias.map { try parameter($0, biasName) }
        return try apply("LayerNormalization", [x, scale] + (b.map { [$0] } ?? []),
                         attributes: ["axis": .int(-1), "epsilon": .float(eps), "stash_type": .int(1)])
    }

    /// Eval-mode batch norm over axis 1 of [B, C] or [B, C, T] with the running statistics
    /// (engine `batchNorm(training: false)`): BatchNormalization(x, γ, β, r_μ, r_σ²), ε.
    /// γ = 1 and β = 0 constants when the module is not affine.
    public func batchNorm(_ x: String, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor, eps: Float) throws -> String {
        let c = runningMean.count
        let gamma = try weight.map { try parameter($0, "weight") } ?? constant(floats: Array(repeating: 1, count: c), shape: [c])
        let beta = try bias.map { try parameter($0, "bias") } ?? constant(floats: Array(repeating: 0, count: c), shape: [c])
        let mean = try parameter(runningMean, "running_mean")
        let variance = try parameter(runningVar, "running_var")
        return try apply("BatchNormalization", [x, gamma, beta, mean, variance], attributes: ["epsilon": .float(eps)])
    }

    /// L2 normalization over `axis`:
    /// - `epsilonInsideSqrt` true (SignZoo's `l2Normalized`): x / √(Σx² + ε) with ReduceSumSquare;
    /// - false (torch `F.normalize`): x / max(‖x‖₂, ε) with ReduceL2 and Max.
    public func l2Normalize(_ x: String, axis: Int = -1, eps: Float = 1e-12, epsilonInsideSqrt: Bool = true) throws -> String {
        if epsilonInsideSqrt {
            let squares = try reduce("ReduceSumSquare", x, axes: [axis], keepDims: true)
            return try div(x, try sqrt(try add(squares, eps)))
        }
        let norm = try reduceL2(x, axes: [axis], keepDims: true)
        return try div(x, try apply("Max", [norm, try constant(eps)]))
    }
}
