/// An error reading or writing a corpus manifest or a shard pack: the file, optionally the line (1-based,
/// manifests) and the field, what kind of problem, and a sentence saying what is wrong. The description
/// reads like a compiler diagnostic:
///
///     corpus.jsonl:12: field "glosses": expected array of strings, got a number
///     pack/p1a2b3c4-00003.shard: truncated: the header declares 1,048,608 bytes, the file has 1,000,000
public struct CorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened, read, created or written.
        case io
        /// A manifest line is not valid JSON, or not a JSON object.
        case invalidJSON
        /// A required field (`id`, `pose`) is absent.
        case missingField
        /// A field has the wrong JSON type (e.g. `glosses` is not an array of strings).
        case wrongType
        /// A field has the right type but an unusable value (empty id, negative start, end ≤ start …).
        case invalidValue
        /// Two entries share an id.
        case duplicateID
        /// The bytes end before the structure they describe does.
        case truncated
        /// The bytes are inconsistent: bad magic, checksum mismatch, an offset or index out of range …
        case corrupt
        /// A format version this reader does not know.
        case unsupportedVersion
        /// An argument or configuration out of range (shard size, batch size, worker rank …).
        case invalidArgument
    }

    public let file: String
    /// 1-based line number in a manifest, nil elsewhere.
    public let line: Int?
    /// The manifest field (or binary structure field) the problem is in, when there is one.
    public let field: String?
    public let kind: Kind
    public let reason: String

    public init(_ file: String, line: Int? = nil, field: String? = nil, _ kind: Kind, _ reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.kind = kind
        self.reason = reason
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let field { s += ": field \"\(field)\"" } else { s += ": \(kind.rawValue)" }
        return s + ": " + reason
    }
}
