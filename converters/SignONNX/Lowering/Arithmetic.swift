import SignTensor

/// Element-wise arithmetic and matrix products (engine: `+ − × ÷`, `pow`, `matmul`, `linear`).
/// ONNX's Add/Sub/Mul/Div/Pow broadcast like NumPy, as the engine does.
extension ONNXGraphBuilder {
    /// a + b (Add).
    public func add(_ a: String, _ b: String) throws -> String { try apply("Add", [a, b]) }
    /// a − b (Sub).
    public func sub(_ a: String, _ b: String) throws -> String { try apply("Sub", [a, b]) }
    /// a · b element-wise (Mul).
    public func mul(_ a: String, _ b: String) throws -> String { try apply("Mul", [a, b]) }
    /// a / b (Div).
    public func div(_ a: String, _ b: String) throws -> String { try apply("Div", [a, b]) }

    /// x + c for a float scalar c (engine `x + c`).
    public func add(_ x: String, _ c: Float) throws -> String { try add(x, try constant(c)) }
    /// x · c for a float scalar c (engine `x * c`, `x / c`).
    public func mul(_ x: String, _ c: Float) throws -> String { try mul(x, try constant(c)) }
    /// c − x for a float scalar c (engine `c - x`, e.g. `1 - mask`).
    public func sub(_ c: Float, _ x: String) throws -> String { try sub(try constant(c), x) }

    /// x^p for a float exponent (Pow).
    public func pow(_ x: String, _ p: Float) throws -> String { try apply("Pow", [x, try constant(p)]) }

    /// Batched matrix product over the last two axes with broadcasting (MatMul; engine `matmul`).
    public func matmul(_ a: String, _ b: String) throws -> String { try apply("MatMul", [a, b]) }

    /// Y = α·op(A)·op(B) + β·C for 2-D A and B (Gemm); C optional and broadcast.
    public func gemm(_ a: String, _ b: String, _ c: String? = nil, alpha: Float = 1, beta: Float = 1,
                     transA: Bool = false, transB: Bool = false) throws -> String {
        var attributes: [String: ONNXAttribute] = [:]
        if alpha != 1 { attributes["alpha"] = .float(alpha) }
        if beta != 1 { attributes["beta"] = .float(beta) }
        if transA { attributes["transA"] = .int(1) }
        if transB { attributes["transB"] = .int(1) }
        return try apply("Gemm", [a, b] + (c.map { [$0] } ?? []), attributes: attributes)
    }

    /// y = x·Wᵀ + b for x [..., in], W [out, in] (engine `linear`, PyTorch `nn.Linear`): MatMul with
    /// Wᵀ stored as an initializer [in, out] named `qualified(weightName)`, then Add of the bias
    /// `qualified(biasName)`. `outputRows` takes rows r of W and b (a packed projection such as
    /// `in_proj_weight`); the initializers are then named `<weightName>[lo:hi]`.
    public func linear(_ x: String, weight: Tensor, bias: Tensor?, weightName: String = "weight", biasName: String = "bias",
                       outputRows: Range<Int>? = nil) throws -> String {
        guard weight.rank == 2 else { throw ONNXExportError.invalid("linear at '\(path)': weight must be [out, in], got \(weight.shape)") }
        let rows = outputRows ?? 0..<weight.shape[0]
        guard rows.lowerBound >= 0, rows.upperBound <= weight.shape[0], !rows.isEmpty else {
            throw ONNXExportError.invalid("linear at '\(path)': rows \(rows) outside weight \(weight.shape)")
        }
        let suffix = outputRows.map { "[\($0.lowerBound):\($0.upperBound)]" } ?? ""
        let w = try derivedParameter(from: weight, weightName + suffix, docString: "transposed: [in, out] = \(weightName)\(suffix)ᵀ for MatMul") {
            try withNoGrad { try weight.slice(axis: 0, start: rows.lowerBound, end: rows.upperBound).transposed(0, 1) }
        }
        let y = try matmul(x, w)
        guard let bias else { return y }
        let b = outputRows == nil ? try parameter(bias, biasName)
            : try derivedParameter(from: bias, biasName + suffix, docString: "rows \(rows) of \(biasName)") {
                try withNoGrad { try bias.slice(axis: 0, start: rows.lowerBound, end: rows.upperBound) }
            }
        return try add(y, b)
    }
}
