/// Softmax and log-softmax along one axis (engine Softmax.swift). From opset 13 ONNX normalizes
/// over the single `axis`, as the engine does.
extension ONNXGraphBuilder {
    /// e^(x_j − m)/Σ_k e^(x_k − m) along `axis` (Softmax).
    public func softmax(_ x: String, axis: Int = -1) throws -> String {
        try apply("Softmax", [x], attributes: ["axis": .int(axis)])
    }

    /// x_j − m − ln Σ_k e^(x_k − m) along `axis` (LogSoftmax; CTC log-probabilities).
    public func logSoftmax(_ x: String, axis: Int = -1) throws -> String {
        try apply("LogSoftmax", [x], attributes: ["axis": .int(axis)])
    }
}
