/// One operator call of the graph (ONNX `NodeProto`). Attributes are written sorted by name, so the
/// same graph always packs to the same bytes.
public struct ONNXNode: Sendable, Equatable {
    public var opType: String
    public var inputs: [String]
    public var outputs: [String]
    public var name: String
    /// "" is the default ONNX operator set (`ai.onnx`).
    public var domain: String
    public var attributes: [String: ONNXAttribute]
    public var docString: String

    public init(opType: String, inputs: [String], outputs: [String], name: String, domain: String = "",
                attributes: [String: ONNXAttribute] = [:], docString: String = "") {
        (self.opType, self.inputs, self.outputs, self.name, self.domain) = (opType, inputs, outputs, name, domain)
        (self.attributes, self.docString) = (attributes, docString)
    }
}
