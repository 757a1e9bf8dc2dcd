/// Element-wise functions (engine Unary.swift).
extension ONNXGraphBuilder {
    /// √x (Sqrt).
    public func sqrt(_ x: String) throws -> String { try apply("Sqrt", [x]) }
    /// 1/√x (Reciprocal ∘ Sqrt; engine `rsqrt`).
    public func rsqrt(_ x: String) throws -> String { try apply("Reciprocal", [try sqrt(x)]) }
    /// eˣ (Exp).
    public func exp(_ x: String) throws -> String { try apply("Exp", [x]) }
    /// ln x (Log).
    public func log(_ x: String) throws -> String { try apply("Log", [x]) }
    /// |x| (Abs).
    public func abs(_ x: String) throws -> String { try apply("Abs", [x]) }
    /// −x (Neg).
    public func neg(_ x: String) throws -> String { try apply("Neg", [x]) }
    /// erf x (Erf).
    public func erf(_ x: String) throws -> String { try apply("Erf", [x]) }
    /// tanh x (Tanh).
    public func tanh(_ x: String) throws -> String { try apply("Tanh", [x]) }
    /// 1/(1 + e⁻ˣ) (Sigmoid).
    public func sigmoid(_ x: String) throws -> String { try apply("Sigmoid", [x]) }
    /// max(x, 0) (Relu).
    public func relu(_ x: String) throws -> String { try apply("Relu", [x]) }

    /// Exact GELU x·½(1 + erf(x/√2)) (engine `gelu`): the `Gelu` op (approximate="none") from
    /// opset 20; before it the Erf formula Mul(x, ½)·(1 + Erf(x·(1/√2))), the form torch.onnx emits.
    public func gelu(_ x: String) throws -> String {
        if opset.version >= 20 { return try apply("Gelu", [x], attributes: ["approximate": .string("none")]) }
        let inner = try erf(try mul(x, Float(1 / 2.0.squareRoot())))
        return try mul(try mul(x, 0.5), try add(inner, 1))
    }
}
