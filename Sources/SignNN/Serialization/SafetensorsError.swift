/// A refused safetensors file: which file, which rule of the format it breaks, and the details.
///
/// `description` reads e.g.
/// `safetensors: /ckpt/model.safetensors: tensor byte count does not match its shape and dtype: "w": [2, 3] F32 needs 24 bytes, data_offsets [0, 20] give 20`.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    /// The format rules a file can break (and the I/O failures around them).
    public enum Rule: String, Sendable, CaseIterable {
        case fileTooShort = "file is shorter than the 8-byte header length"
        case headerTooLarge = "header length exceeds the 100 MB limit"
        case headerPastEnd = "header length runs past the end of the file"
        case headerNotUTF8 = "header is not valid UTF-8"
        case headerNotJSON = "header is not valid JSON"
        case headerNotObject = "header is not a JSON object"
        case duplicateKey = "header repeats a key"
        case badEntry = "tensor entry is not an object with dtype, shape and data_offsets"
        case unknownDtype = "unknown or unsupported dtype"
        case badShape = "shape is not a list of non-negative integers"
        case badOffsets = "data_offsets is not [begin, end] with begin <= end"
        case offsetsOutOfRange = "data_offsets lie outside the data buffer"
        case byteCountMismatch = "tensor byte count does not match its shape and dtype"
        case overlappingTensors = "tensors overlap in the data buffer"
        case holeInData = "data buffer has bytes no tensor covers"
        case badMetadata = "__metadata__ is not an object of string to string"
        case badTensorName = "tensor names must be unique and not \"__metadata__\""
        case io = "cannot read or write the file"
    }

    /// The file's path.
    public let file: String
    public let rule: Rule
    /// Names the tensor, key, offsets or sizes involved.
    public let detail: String

    public init(file: String, rule: Rule, detail: String) {
        self.file = file
        self.rule = rule
        self.detail = detail
    }

    public var description: String {
        "safetensors: \(file): \(rule.rawValue)" + (detail.isEmpty ? "" : ": \(detail)")
    }
}
