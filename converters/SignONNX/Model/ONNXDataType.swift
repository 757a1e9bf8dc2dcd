/// Element types of ONNX tensors (the `TensorProto.DataType` numbers) that the exporter uses.
public enum ONNXDataType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case float = 1
    case uint8 = 2
    case int8 = 3
    case int32 = 6
    case int64 = 7
    case bool = 9
    case double = 11

    /// Bytes per element in `raw_data`.
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .int32, .float: return 4
        case .int64, .double: return 8
        }
    }

    public var description: String {
        switch self {
        case .float: return "float32"
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .int32: return "int32"
        case .int64: return "int64"
        case .bool: return "bool"
        case .double: return "float64"
        }
    }
}
