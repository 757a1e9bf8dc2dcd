/// Reading and writing pose files by extension: `.pose` (pose-format), `.npy` / `.npz` (NumPy),
/// `.json` (MMPose / RTMPose predictions).
public enum PoseIO {
    public static let readableExtensions = ["pose", "npy", "npz", "json"]
    public static let writableExtensions = ["pose", "npy", "npz"]

    /// Reads `path`. `layout` and `fps` apply to the formats that do not record them (`.npy`, `.npz`,
    /// `.json`); a `.pose` file carries its own (a given `layout` converts it by point name).
    public static func read(_ path: String, layout: PoseLayout? = nil, fps: Float? = nil) throws -> PoseSequence {
        switch fileExtension(path) {
        case "pose":
            let s = try PoseFormat.read(path)
            guard let layout, layout.name != s.layout.name else { return s }
            return try s.converted(to: layout.withDims(s.dims), file: path)
        case "npy", "npz": return try NumpyPose.read(path, layout: layout, fps: fps)
        case "json": return try MMPoseJSON.read(path, layout: layout, fps: fps ?? 0)
        default:
            throw PoseError(path, .unsupportedFormat, "unknown extension; readable: \(readableExtensions.map { "." + $0 }.joined(separator: ", "))")
        }
    }

    /// Writes `sequence` to `path` (`.pose` v0.2, `.npy`, `.npz`), atomically.
    public static func write(_ sequence: PoseSequence, to path: String) throws {
        switch fileExtension(path) {
        case "pose": try PoseFormat.write(sequence, to: path)
        case "npy", "npz": try NumpyPose.write(sequence, to: path)
        default:
            throw PoseError(path, .unsupportedFormat, "unknown extension; writable: \(writableExtensions.map { "." + $0 }.joined(separator: ", "))")
        }
    }

    static func fileExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return path[path.index(after: dot)...].lowercased()
    }
}
