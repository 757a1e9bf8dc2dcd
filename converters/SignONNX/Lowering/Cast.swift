/// Element-type conversion.
extension ONNXGraphBuilder {
    /// x converted to `type` (Cast). float → bool maps nonzero to true.
    public func cast(_ x: String, to type: ONNXDataType) throws -> String {
        try apply("Cast", [x], attributes: ["to": .int(Int(type.rawValue))])
    }
}
