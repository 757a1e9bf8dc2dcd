/// Why an export failed.
public enum ONNXExportError: Error, Equatable, CustomStringConvertible {
    /// The engine op (or module) at `path` has no ONNX lowering.
    case noLowering(op: String, path: String)
    /// The graph or a value in it is malformed (unknown value name, bad shape, unsupported opset, …).
    case invalid(String)
    /// The output file could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .noLowering(let op, let path):
            return "no ONNX lowering for op '\(op)' at module path '\(path.isEmpty ? "<root>" : path)'"
        case .invalid(let message):
            return "invalid ONNX export: \(message)"
        case .cannotWrite(let path, let reason):
            return "cannot write ONNX model to \(path): \(reason)"
        }
    }
}
