/// An error reading, writing or using pose data: which file (or `<memory>`), what kind of problem,
/// and a sentence saying what is wrong, e.g.
/// `clip.pose: truncated: the body needs 1,234 bytes for 10 frames × 1 person × 178 points × 4 floats, 1,000 remain`.
public struct PoseError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read.
        case unreadable
        /// The bytes end before the structure they describe does.
        case truncated
        /// The bytes are inconsistent (bad magic, trailing bytes, invalid UTF-8, bad checksum, bad JSON …).
        case corrupt
        /// A `.pose` header version other than 0.0, 0.1, 0.2, or an `.npy` version other than 1–3.
        case unsupportedVersion
        /// A valid file in a variant this reader does not handle (compressed `.npz`, big-endian `.npy` …).
        case unsupportedFormat
        /// No frames (or no people, no points).
        case empty
        /// Dimensions or point counts disagree with the header or with the layout.
        case shapeMismatch
        /// A coordinate or confidence is NaN or infinite.
        case nonFinite
        /// A layout name that is not registered, or a header that matches no registered layout when one is required.
        case unknownLayout
        /// The layout lacks a part (body, hands, face, mouth) that the operation needs.
        case missingPart
        /// An argument out of range (person index, dims, point index …).
        case invalidArgument
    }

    /// The file the problem is in (its path), or `<memory>` for bytes that did not come from a file.
    public let file: String
    public let kind: Kind
    public let reason: String

    public init(_ file: String, _ kind: Kind, _ reason: String) {
        self.file = file
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(file): \(kind.rawValue): \(reason)" }
}
