import Foundation
import Testing
import SignTensor
import SignNN
import SignTestSupport

/// A file that breaks exactly one rule of the safetensors format, built byte by byte.
struct MalformedFile: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let rule: SafetensorsError.Rule
    /// Text the error's detail must contain (the tensor, key or number involved).
    let mentions: String
    var testDescription: String { label }

    init(_ label: String, _ bytes: [UInt8], _ rule: SafetensorsError.Rule, mentions: String) {
        self.label = label
        self.bytes = bytes
        self.rule = rule
        self.mentions = mentions
    }
}

private typealias B = SafetensorsBytes
/// A valid entry for `w` covering the 8 data bytes `two`.
private let w = #""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
private let two = B.f32([1, 2])

let malformedFiles: [MalformedFile] = [
    MalformedFile("shorter than 8 bytes", [0x10, 0, 0, 0, 0], .fileTooShort, mentions: "5 bytes"),
    MalformedFile("empty file", [], .fileTooShort, mentions: "0 bytes"),
    MalformedFile("header length over 100 MB", B.file(header: Array("{}".utf8), declaredLength: 100_000_001), .headerTooLarge, mentions: "100000001"),
    MalformedFile("header length past end of file", B.file(header: Array("{}".utf8), data: two, declaredLength: 64), .headerPastEnd, mentions: "64"),
    MalformedFile("header length of 2^64 - 1", B.file(header: [], declaredLength: .max), .headerTooLarge, mentions: "18446744073709551615"),
    MalformedFile("header not UTF-8", B.file(header: Array("{\"w".utf8) + [0xFF] + Array("\":{}}".utf8)), .headerNotUTF8, mentions: "UTF-8"),
    MalformedFile("header truncated JSON", B.file(header: "{\(w.dropLast())", data: two), .headerNotJSON, mentions: "header byte"),
    MalformedFile("header with trailing comma", B.file(header: "{\(w),}", data: two), .headerNotJSON, mentions: "string key"),
    MalformedFile("header empty", B.file(header: "", data: two), .headerNotJSON, mentions: "end of header"),
    MalformedFile("header is a list", B.file(header: "[1, 2]  "), .headerNotObject, mentions: "a list"),
    MalformedFile("header starts with a space", B.file(header: " {\(w)}", data: two), .headerNotObject, mentions: "not starting with '{'"),
    MalformedFile("duplicate tensor key", B.file(header: "{\(w),\(w)}", data: two), .duplicateKey, mentions: "\"w\" appears twice"),
    MalformedFile("duplicate key in a tensor entry",
                  B.file(header: #"{"w":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}}"#, data: two),
                  .duplicateKey, mentions: "w.dtype"),
    MalformedFile("duplicate metadata key", B.file(header: #"{"__metadata__":{"a":"1","a":"2"},"# + w + "}", data: two),
                  .duplicateKey, mentions: "__metadata__.a"),
    MalformedFile("entry not an object", B.file(header: #"{"w":[0,8]}"#, data: two), .badEntry, mentions: "\"w\" is a list"),
    MalformedFile("entry without data_offsets", B.file(header: #"{"w":{"dtype":"F32","shape":[2]}}"#, data: two), .badEntry, mentions: "data_offsets"),
    MalformedFile("unknown dtype", B.file(header: #"{"w":{"dtype":"Q32","shape":[2],"data_offsets":[0,8]}}"#, data: two), .unknownDtype, mentions: "\"Q32\""),
    MalformedFile("integer dtype", B.file(header: #"{"w":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#, data: two), .unknownDtype, mentions: "\"I32\""),
    MalformedFile("negative dimension", B.file(header: #"{"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}}"#, data: two), .badShape, mentions: "-1"),
    MalformedFile("fractional dimension", B.file(header: #"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, data: two), .badShape, mentions: "2.0"),
    MalformedFile("shape not a list", B.file(header: #"{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#, data: two), .badShape, mentions: "a string"),
    MalformedFile("offsets reversed", B.file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: two), .badOffsets, mentions: "[8, 0]"),
    MalformedFile("offsets with three numbers", B.file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}"#, data: two), .badOffsets, mentions: "[0, 4, 8]"),
    MalformedFile("negative offset", B.file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, data: two), .badOffsets, mentions: "-8"),
    MalformedFile("offsets past the data", B.file(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: two), .offsetsOutOfRange, mentions: "8 bytes"),
    MalformedFile("byte count below shape", B.file(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: two), .byteCountMismatch, mentions: "needs 12 bytes"),
    MalformedFile("byte count wrong for dtype", B.file(header: #"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}"#, data: two), .byteCountMismatch, mentions: "needs 4 bytes"),
    MalformedFile("overlapping tensors",
                  B.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                         data: B.f32([1, 2, 3])), .overlappingTensors, mentions: "\"b\" [4, 12]"),
    MalformedFile("hole between tensors",
                  B.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                         data: B.f32([1, 2, 3])), .holeInData, mentions: "[4, 8)"),
    MalformedFile("unused bytes after the last tensor",
                  B.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: two), .holeInData, mentions: "[4, 8)"),
    MalformedFile("metadata value not a string", B.file(header: #"{"__metadata__":{"epoch":3},"# + w + "}", data: two), .badMetadata, mentions: "\"epoch\""),
    MalformedFile("metadata not an object", B.file(header: #"{"__metadata__":"v1","# + w + "}", data: two), .badMetadata, mentions: "a string"),
]

@Suite("Safetensors refusals")
struct SafetensorsRefusalTests {
    @Test func theBaseFileIsValid() throws {
        let folder = try makeTemporaryDirectory("st-refusal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try SafetensorsBytes.save(SafetensorsBytes.file(header: "{\(w)}", data: two), in: folder, name: "base")
        let read = try Safetensors.read(url)
        #expect(read.tensors["w"]?.toArray() == [1, 2])
    }

    @Test(arguments: malformedFiles)
    func refuses(_ malformed: MalformedFile) throws {
        let folder = try makeTemporaryDirectory("st-refusal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try SafetensorsBytes.save(malformed.bytes, in: folder, name: "bad")
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(url) }
        #expect(error?.rule == malformed.rule, "\(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.file == url.path)
        let text = error.map(String.init(describing:)) ?? ""
        #expect(text.contains(url.path) && text.contains(malformed.rule.rawValue) && text.contains(malformed.mentions), "\(text)")
    }

    @Test func everyReadRuleHasACase() {
        let covered = Set(malformedFiles.map(\.rule))
        let writeOrIO: Set<SafetensorsError.Rule> = [.badTensorName, .io]
        #expect(Set(SafetensorsError.Rule.allCases).subtracting(writeOrIO) == covered)
    }

    @Test func missingFileIsAnIOError() throws {
        let url = URL(fileURLWithPath: "/nonexistent/model.safetensors")
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(url) }
        #expect(error?.rule == .io)
        #expect(error?.description.contains("/nonexistent/model.safetensors") == true)
    }

    @Test func writeRefusesDuplicateAndReservedNames() throws {
        let folder = try makeTemporaryDirectory("st-refusal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("w.safetensors")
        let t = Tensor.zeros([2])
        let dup = #expect(throws: SafetensorsError.self) { try Safetensors.write([("a", t), ("a", t)], to: url) }
        #expect(dup?.rule == .badTensorName)
        let reserved = #expect(throws: SafetensorsError.self) { try Safetensors.write([("__metadata__", t)], to: url) }
        #expect(reserved?.rule == .badTensorName)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
