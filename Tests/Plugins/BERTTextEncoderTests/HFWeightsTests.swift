import Foundation
import Testing
import SignNN
import SignTensor
import SignTestSupport
import BERTTextEncoder

/// Loading Hugging Face safetensors into a tiny BERT: every float dtype widened to Float32, integer
/// buffers (`embeddings.position_ids`, I64) and the pooler skipped, broken files refused by name.
@Suite("BERT weights from Hugging Face safetensors")
struct HFWeightsTests {
    static let config = BertConfig(vocabSize: 7, hiddenSize: 4, layers: 1, heads: 2, intermediateSize: 6, maxPositions: 5)

    /// A safetensors image with entries of any dtype: (name, dtype, shape, little-endian bytes).
    static func file(_ entries: [(String, String, [Int], [UInt8])]) -> Data {
        var header: [String] = [], data: [UInt8] = [], offset = 0
        for (name, dtype, shape, bytes) in entries {
            header.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes.count)]}")
            data += bytes
            offset += bytes.count
        }
        let json = Array(("{\"__metadata__\":{\"format\":\"pt\"}," + header.joined(separator: ",") + "}").utf8)
        var n = UInt64(json.count).littleEndian
        return Data(bytes: &n, count: 8) + Data(json) + Data(data)
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

    @Test func everyFloatDtypeLoadsAndIntegerBuffersAreSkipped() throws {
        let source = try BertModel(Self.config, seed: 1)
        var entries: [(String, String, [Int], [UInt8])] = []
        var expected: [String: [Float]] = [:]
        for (i, (name, t)) in source.stateDict().enumerated() {
            let values = t.toArray()
            let hf = BertWeightNames.huggingFace(name)
            switch i % 4 {
            case 0:
                entries.append((hf, "F32", t.shape, Self.bytes(values))); expected[name] = values
            case 1:
                let half = values.map { Float16($0) }
                entries.append((hf, "F16", t.shape, Self.bytes(half.map(\.bitPattern)))); expected[name] = half.map { Float($0) }
            case 2:
                let top = values.map { UInt16($0.bitPattern >> 16) }   // bfloat16 by truncation
                entries.append((hf, "BF16", t.shape, Self.bytes(top))); expected[name] = top.map { Float(bitPattern: UInt32($0) << 16) }
            default:
                entries.append((hf, "F64", t.shape, Self.bytes(values.map(Double.init)))); expected[name] = values
            }
        }
        entries.append(("embeddings.position_ids", "I64", [1, 5], Self.bytes([Int64](0..<5))))
        entries.append(("pooler.dense.weight", "F32", [4, 4], Self.bytes([Float](repeating: 9, count: 16))))
        let dir = try makeTemporaryDirectory("hf-weights")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try Self.file(entries).write(to: url)

        let target = try BertModel(Self.config, seed: 2)
        try target.loadHuggingFace(url)
        for (name, t) in target.stateDict() { #expect(t.toArray() == expected[name], "\(name)") }
        #expect(Set(entries.map(\.1)) == ["F32", "F16", "BF16", "F64", "I64"])
    }

    @Test func brokenFilesAreRefusedNamingTheFile() throws {
        let dir = try makeTemporaryDirectory("hf-weights-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        let model = try BertModel(Self.config)
        func refusal(_ data: Data) throws -> String {
            try data.write(to: url)
            do { try model.loadHuggingFace(url); return "accepted" } catch let e as BERTError { return e.message }
        }
        let p = url.path
        #expect(try refusal(Data([1, 2, 3])) == "\(p) is not a valid safetensors file: 3 bytes, shorter than the header length field")
        #expect(try refusal(Data([200, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8)) == "\(p) is not a valid safetensors file: header length 200 does not fit the file")
        #expect(try refusal(Self.file([("w", "F32", [2, 2], Self.bytes([Float](repeating: 0, count: 3)))]))
                == "\(p) is not a valid safetensors file: entry \"w\" [2, 2] F32 has data_offsets [0, 12] (data buffer 12 bytes)")
        #expect(try refusal(Self.file([("w", "Q7", [1], [0])])) == "\(p) is not a valid safetensors file: entry \"w\" has unknown dtype \"Q7\"")
        #expect(try refusal(Self.file([("w", "F32", [1 << 62, 4], [])])) == "\(p) is not a valid safetensors file: entry \"w\" has too many elements [\(1 << 62), 4]")
        let missingAll = try refusal(Self.file([("pooler.dense.bias", "F32", [4], Self.bytes([Float](repeating: 0, count: 4)))]))
        #expect(missingAll.hasPrefix("\(p) does not fit config.json: missing embeddings.word_embeddings.weight, embeddings.position_embeddings.weight"))
        #expect(missingAll.contains("(+13 more)"))
    }
}
