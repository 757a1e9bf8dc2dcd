import Foundation
import SignNN
import SignTensor

/// Hugging Face parameter names ↔ this module tree's names. HF's BERT calls the self-attention block
/// `self` and its norms `LayerNorm`; here they are `self_attention` and `layer_norm`. Everything
/// else (`embeddings.word_embeddings.weight`, `encoder.layer.3.attention.output.dense.bias`, …)
/// is the same on both sides.
public enum BertWeightNames {
    static let toHF = ["self_attention": "self", "layer_norm": "LayerNorm"]
    static let fromHF = ["self": "self_attention", "LayerNorm": "layer_norm"]

    /// `encoder.layer.0.attention.self_attention.query.weight` → `encoder.layer.0.attention.self.query.weight`.
    public static func huggingFace(_ moduleName: String) -> String { rename(moduleName, toHF) }

    /// The inverse of `huggingFace(_:)`; a leading `bert.` (BertFor… checkpoints) is dropped.
    public static func module(_ hfName: String) -> String {
        rename(hfName.hasPrefix("bert.") ? String(hfName.dropFirst(5)) : hfName, fromHF)
    }

    private static func rename(_ name: String, _ map: [String: String]) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { map[String($0)] ?? String($0) }.joined(separator: ".")
    }
}

/// Reads the floating-point tensors of a Hugging Face safetensors file (F32, F16, BF16, F64,
/// widened to Float32) and lists the others (integer buffers such as `embeddings.position_ids`,
/// I64 in BERT checkpoints, which the model recomputes) instead of refusing the file.
/// Checks what a reader must: the 8-byte header length within the file, a JSON object header,
/// each entry's offsets inside the data buffer with end − begin = elements × dtype size.
enum HFSafetensors {
    static func readFloatTensors(_ url: URL) throws -> (tensors: [String: Tensor], skipped: [String]) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw BERTError("cannot read \(url.path): \((error as NSError).localizedDescription)")
        }
        func refuse(_ why: String) -> BERTError { BERTError("\(url.path) is not a valid safetensors file: \(why)") }
        return try data.withUnsafeBytes { (file: UnsafeRawBufferPointer) in
            guard file.count >= 8 else { throw refuse("\(file.count) bytes, shorter than the header length field") }
            let n = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
            guard n <= UInt64(file.count - 8), n <= 100_000_000 else { throw refuse("header length \(n) does not fit the file") }
            let headerBytes = Data(bytes: file.baseAddress! + 8, count: Int(n))
            guard let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
                throw refuse("the header is not a JSON object")
            }
            let dataStart = 8 + Int(n), dataLength = file.count - dataStart
            var tensors: [String: Tensor] = [:], skipped: [String] = []
            for (name, value) in header where name != "__metadata__" {
                guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                      let shape = (entry["shape"] as? [NSNumber])?.map(\.intValue), shape.allSatisfy({ $0 >= 0 }),
                      let offsets = (entry["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2 else {
                    throw refuse("entry \(quoted(name)) lacks dtype, shape or data_offsets")
                }
                guard let size = dtypeSize[dtype] else { throw refuse("entry \(quoted(name)) has unknown dtype \(quoted(dtype))") }
                var count = 1, overflow = false
                for d in shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: d) }
                guard !overflow, count <= Int.max / 8 else { throw refuse("entry \(quoted(name)) has too many elements \(shape)") }
                guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength, offsets[1] - offsets[0] == count * size else {
                    throw refuse("entry \(quoted(name)) \(shape) \(dtype) has data_offsets \(offsets) (data buffer \(dataLength) bytes)")
                }
                let src = file.baseAddress! + dataStart + offsets[0]
                let t = Tensor(uninitializedShape: shape)
                switch dtype {
                case "F32": UnsafeMutableRawPointer(t.pointer).copyMemory(from: src, byteCount: count * 4)
                case "F16": for i in 0..<count { t.pointer[i] = Float(Float16(bitPattern: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
                case "BF16": for i in 0..<count { t.pointer[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
                case "F64": for i in 0..<count { t.pointer[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
                default: skipped.append(name); continue
                }
                tensors[name] = t
            }
            return (tensors, skipped.sorted())
        }
    }

    static let dtypeSize: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
        "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1,
    ]
}

extension BertModel {
    /// Loads Hugging Face weights by name (strict: every module parameter must be in the file with
    /// its shape). Tolerated extras: the pooler (`pooler.*`, unused for token features), integer
    /// buffers, and heads of `BertFor…` checkpoints (`cls.*`).
    public func loadHuggingFace(_ url: URL) throws {
        let (raw, _) = try HFSafetensors.readFloatTensors(url)
        var renamed: [String: Tensor] = [:]
        for (k, v) in raw { renamed[BertWeightNames.module(k)] = v }
        do {
            try load(renamed, allowUnexpected: ["pooler.*", "cls.*", "embeddings.position_ids"])
        } catch let e as LoadError {
            let missing = e.missing.map(BertWeightNames.huggingFace)
            let extra = e.unexpected.map(BertWeightNames.huggingFace)
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.prefix(8).joined(separator: ", "))\(missing.count > 8 ? " (+\(missing.count - 8) more)" : "")") }
            if !extra.isEmpty { parts.append("unexpected \(extra.prefix(8).joined(separator: ", "))\(extra.count > 8 ? " (+\(extra.count - 8) more)" : "")") }
            if !e.misShaped.isEmpty {
                parts.append("mis-shaped " + e.misShaped.map { "\(BertWeightNames.huggingFace($0.name)) (config.json gives \($0.expected), file \($0.found))" }.joined(separator: ", "))
            }
            throw BERTError("\(url.path) does not fit config.json: \(parts.joined(separator: "; "))")
        }
    }
}
