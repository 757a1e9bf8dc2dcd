/// An ONNX graph (`GraphProto`): nodes in topological order, interface values and initializers.
public struct ONNXGraph: Sendable, Equatable {
    public var name: String
    public var nodes: [ONNXNode]
    public var inputs: [ONNXValueInfo]
    public var outputs: [ONNXValueInfo]
    public var initializers: [ONNXTensor]
    /// Shapes of intermediate values (optional hints for tools).
    public var valueInfo: [ONNXValueInfo]
    public var docString: String

    public init(name: String, nodes: [ONNXNode] = [], inputs: [ONNXValueInfo] = [], outputs: [ONNXValueInfo] = [],
                initializers: [ONNXTensor] = [], valueInfo: [ONNXValueInfo] = [], docString: String = "") {
        (self.name, self.nodes, self.inputs, self.outputs) = (name, nodes, inputs, outputs)
        (self.initializers, self.valueInfo, self.docString) = (initializers, valueInfo, docString)
    }
}
