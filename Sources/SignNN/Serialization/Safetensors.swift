import Foundation
import SignTensor

/// Reading and writing the safetensors format (huggingface/safetensors):
///
///     [8 bytes: N, u64 little-endian][N bytes: UTF-8 JSON header][data buffer]
///
/// The header maps each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets
/// relative to the data buffer) plus an optional `"__metadata__"` object of strings. Reading maps
/// the file and enforces every rule of the spec (see `SafetensorsHeader.parse`); F16, BF16 and F64
/// are widened to Float32. Writing produces F32 tensors sorted by name, data in that order, the
/// header padded with spaces so the data buffer starts at a multiple of 8, committed atomically.
public enum Safetensors {
    /// Reads every tensor and the metadata of the file at `url`.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try map(url)
        return try withExtendedLifetime(file) {
            let header = try SafetensorsHeader.parse(file.bytes, path: url.path)
            var tensors: [String: Tensor] = [:]
            tensors.reserveCapacity(header.entries.count)
            for e in header.entries {
                let t = Tensor(uninitializedShape: e.shape)
                if t.count > 0 {
                    e.dtype.decode(file.bytes.baseAddress! + header.dataStart + e.dataOffsets.lowerBound, count: t.count, into: t.pointer)
                }
                tensors[e.name] = t
            }
            return (tensors, header.metadata)
        }
    }

    /// Reads and validates only the header: names, dtypes, shapes, offsets and metadata.
    public static func inspect(_ url: URL) throws -> SafetensorsHeader {
        let file = try map(url)
        return try withExtendedLifetime(file) { try SafetensorsHeader.parse(file.bytes, path: url.path) }
    }

    /// Writes `tensors` as F32 (sorted by name) with `metadata`, atomically.
    /// Throws `badTensorName` for a repeated name or the reserved name `__metadata__`.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard name != "__metadata__" else {
                throw SafetensorsError(file: url.path, rule: .badTensorName, detail: "\"__metadata__\" is reserved")
            }
            guard seen.insert(name).inserted else {
                throw SafetensorsError(file: url.path, rule: .badTensorName, detail: "\(jsonQuoted(name)) appears twice")
            }
        }
        let sorted = tensors.sorted { $0.0 < $1.0 }
        let header = headerBytes(sorted, metadata: metadata)
        do {
            try AtomicFile.write(to: url) { out in
                var n = UInt64(header.count).littleEndian
                try withUnsafeBytes(of: &n) { try out.write($0) }
                try out.write(header)
                for (_, t) in sorted { try writeF32(t, to: out) }
            }
        } catch let e as AtomicFileError {
            throw SafetensorsError(file: url.path, rule: .io, detail: e.description)
        }
    }

    /// Writes `tensors` as F32 (sorted by name) with `metadata`, atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try write(tensors.map { ($0.key, $0.value) }, metadata: metadata, to: url)
    }

    /// The JSON header for tensors already in file order, padded with spaces to a multiple of 8 bytes.
    static func headerBytes(_ tensors: [(String, Tensor)], metadata: [String: String]) -> Data {
        var parts: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { jsonQuoted($0.key) + ":" + jsonQuoted($0.value) }
            parts.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, t) in tensors {
            let end = offset + t.count * 4
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append(jsonQuoted(name) + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Data(("{" + parts.joined(separator: ",") + "}").utf8)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        return json
    }

    private static func writeF32(_ t: Tensor, to out: AtomicFile.Writer) throws {
        #if _endian(little)
        try out.write(UnsafeRawBufferPointer(start: t.pointer, count: t.count * 4))
        #else
        let le = (0..<t.count).map { t.pointer[$0].bitPattern.littleEndian }
        try le.withUnsafeBytes { try out.write($0) }
        #endif
    }

    private static func map(_ url: URL) throws -> MappedFile {
        try MappedFile(url) { SafetensorsError(file: url.path, rule: .io, detail: $0) }
    }
}
