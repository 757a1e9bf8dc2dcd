import Foundation
import CONNX
import SignNN

extension ONNXModel {
    /// Protobuf's hard limit on one message; beyond it a model would need external data files.
    public static let maximumSerializedBytes = Int(Int32.max)

    /// The model as protobuf bytes (what an `.onnx` file holds).
    ///
    /// The message tree is built in one `CArena`, packed with `onnx__model_proto__pack`, and the arena
    /// (every C allocation of this export) is freed before returning.
    public func serialized() throws -> [UInt8] {
        let arena = CArena()
        return try withExtendedLifetime(arena) {
            let message = try ProtoEncoder(arena: arena).model(self)
            let size = onnx__model_proto__get_packed_size(message)
            guard size < Self.maximumSerializedBytes else {
                throw ONNXExportError.invalid("the model packs to \(size) bytes, beyond protobuf's 2 GB limit (external data is not supported)")
            }
            var bytes = [UInt8](repeating: 0, count: size)
            let written = bytes.withUnsafeMutableBufferPointer { onnx__model_proto__pack(message, $0.baseAddress!) }
            guard written == size else {
                throw ONNXExportError.invalid("protobuf-c packed \(written) bytes, expected \(size)")
            }
            return bytes
        }
    }

    /// Writes the model to `url` atomically (temp file in the same folder, fsync, rename): either the
    /// whole new file is there or the old one is untouched. Errors name the path.
    public func write(to url: URL) throws {
        let bytes = try serialized()
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ONNXExportError.cannotWrite(path: url.path, reason: "the folder \(folder.path) does not exist")
        }
        do {
            try AtomicFile.write(to: url) { writer in
                try bytes.withUnsafeBytes { try writer.write($0) }
            }
        } catch let error as AtomicFileError {
            throw ONNXExportError.cannotWrite(path: url.path, reason: "\(error.operation) failed: \(error.reason)")
        }
    }
}
