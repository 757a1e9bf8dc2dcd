/// A node attribute (ONNX `AttributeProto`) of the kinds the lowerings use.
public enum ONNXAttribute: Sendable, Equatable {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case tensor(ONNXTensor)
}
