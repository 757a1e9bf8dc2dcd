/// Everything the zoo refuses, with a message that names what is wrong and where: the manifest
/// field path (`models[2].files[0].sha256: expected 64 hex characters`), the id, the URLs tried.
public struct ZooError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A manifest that does not validate: the file, the JSON path of the field and what is wrong.
public struct ManifestError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let path: String
    public let reason: String
    public init(file: String, path: String, reason: String) { self.file = file; self.path = path; self.reason = reason }
    public var description: String { "\(file): \(path.isEmpty ? "(top level)" : path): \(reason)" }
}
