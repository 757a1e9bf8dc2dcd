/// A typed value of the graph interface (ONNX `ValueInfoProto`): name, element type and shape.
/// `shape` nil means the rank is unknown; a `.symbolic` dim is a named dynamic size.
public struct ONNXValueInfo: Sendable, Equatable {
    public var name: String
    public var elementType: ONNXDataType
    public var shape: [ONNXDim]?
    public var docString: String

    public init(name: String, elementType: ONNXDataType = .float, shape: [ONNXDim]?, docString: String = "") {
        (self.name, self.elementType, self.shape, self.docString) = (name, elementType, shape, docString)
    }
}
