/// One tensor described by a safetensors header.
public struct SafetensorsEntry: Equatable, Sendable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Byte range `[begin, end)` relative to the start of the data buffer (after the header).
    public let dataOffsets: Range<Int>
}

/// A validated safetensors header: entries in header order, the `__metadata__` strings, and where
/// the data buffer starts in the file (`8 + header length`).
public struct SafetensorsHeader: Sendable {
    public let entries: [SafetensorsEntry]
    public let metadata: [String: String]
    public let dataStart: Int
    public let dataLength: Int
}

extension SafetensorsHeader {
    /// The header length field's upper bound (the spec's DoS guard).
    public static let maxHeaderLength: UInt64 = 100_000_000

    /// Parses and checks the header of a whole file image against every rule of the format:
    /// an 8-byte little-endian length N ≤ 100 MB that fits in the file; N bytes of UTF-8 JSON
    /// forming an object without repeated keys; per tensor a supported dtype, a shape of
    /// non-negative integers, `data_offsets` [begin, end] with begin ≤ end inside the data buffer
    /// and end − begin = product(shape) × dtype size; tensors tiling the buffer with no overlap
    /// and no hole; `__metadata__` an object of strings.
    static func parse(_ file: UnsafeRawBufferPointer, path: String) throws -> SafetensorsHeader {
        func refuse(_ rule: SafetensorsError.Rule, _ detail: String) -> SafetensorsError {
            SafetensorsError(file: path, rule: rule, detail: detail)
        }
        guard file.count >= 8 else { throw refuse(.fileTooShort, "the file has \(file.count) bytes") }
        let n = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard n <= maxHeaderLength else { throw refuse(.headerTooLarge, "header length \(n) > \(maxHeaderLength)") }
        guard n <= UInt64(file.count - 8) else {
            throw refuse(.headerPastEnd, "header length \(n) but only \(file.count - 8) bytes follow the length field")
        }
        let headerLength = Int(n)
        let header = UnsafeRawBufferPointer(rebasing: file[8..<(8 + headerLength)])
        guard String(validating: header, as: UTF8.self) != nil else { throw refuse(.headerNotUTF8, "invalid UTF-8 sequence") }

        let json: HeaderJSON
        do { json = try HeaderJSONParser.parse(header) } catch let failure as HeaderJSONFailure {
            switch failure {
            case let .syntax(message, offset): throw refuse(.headerNotJSON, "\(message) at header byte \(offset)")
            case let .duplicateKey(key, path): throw refuse(.duplicateKey, "\(jsonQuoted(key)) appears twice (at \(jsonQuoted(path)))")
            }
        }
        guard case .object(let members) = json, header.first == UInt8(ascii: "{") else {
            throw refuse(.headerNotObject, "the header is \(json.kind)\(header.first == UInt8(ascii: "{") ? "" : " not starting with '{'")")
        }

        let dataStart = 8 + headerLength
        let dataLength = file.count - dataStart
        var entries: [SafetensorsEntry] = []
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw refuse(.badMetadata, "it is \(value.kind)") }
                for (key, v) in pairs {
                    guard case .string(let s) = v else { throw refuse(.badMetadata, "value of \(jsonQuoted(key)) is \(v.kind)") }
                    metadata[key] = s
                }
                continue
            }
            entries.append(try entry(name, value, dataLength: dataLength, refuse: refuse))
        }
        try checkTiling(entries, dataLength: dataLength, refuse: refuse)
        return SafetensorsHeader(entries: entries, metadata: metadata, dataStart: dataStart, dataLength: dataLength)
    }

    private static func entry(_ name: String, _ value: HeaderJSON, dataLength: Int,
                              refuse: (SafetensorsError.Rule, String) -> SafetensorsError) throws -> SafetensorsEntry {
        let q = jsonQuoted(name)
        guard case .object(let fields) = value else { throw refuse(.badEntry, "\(q) is \(value.kind)") }
        func field(_ key: String) throws -> HeaderJSON {
            guard let v = fields.first(where: { $0.0 == key })?.1 else { throw refuse(.badEntry, "\(q) has no \"\(key)\"") }
            return v
        }
        let dtypeValue = try field("dtype")
        guard case .string(let dtypeName) = dtypeValue else { throw refuse(.unknownDtype, "\(q) has dtype \(dtypeValue.kind)") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw refuse(.unknownDtype, "\(q) has dtype \(jsonQuoted(dtypeName)); this reader supports \(known)")
        }
        let shapeValue = try field("shape")
        guard case .array(let dims) = shapeValue else { throw refuse(.badShape, "\(q) has shape \(shapeValue.kind)") }
        var shape: [Int] = []
        var elements = 1
        for d in dims {
            guard let v = d.nonNegativeInt else { throw refuse(.badShape, "\(q) has dimension \(d.kind)") }
            shape.append(v)
            let (product, overflow) = elements.multipliedReportingOverflow(by: v)
            guard !overflow else { throw refuse(.badShape, "\(q) has too many elements") }
            elements = product
        }
        let offsetsValue = try field("data_offsets")
        guard case .array(let pair) = offsetsValue, pair.count == 2,
              let begin = pair[0].nonNegativeInt, let end = pair[1].nonNegativeInt, begin <= end else {
            throw refuse(.badOffsets, "\(q) has data_offsets \(describe(offsetsValue))")
        }
        guard end <= dataLength else {
            throw refuse(.offsetsOutOfRange, "\(q) has data_offsets [\(begin), \(end)] but the data buffer has \(dataLength) bytes")
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, bytes == end - begin else {
            throw refuse(.byteCountMismatch, "\(q): \(shape) \(dtype.rawValue) needs \(overflow ? "too many" : String(bytes)) bytes, data_offsets [\(begin), \(end)] give \(end - begin)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// Sorted by begin (then end), each tensor must start where the previous one ended, the first
    /// at 0 and the last ending at the buffer's end.
    private static func checkTiling(_ entries: [SafetensorsEntry], dataLength: Int,
                                    refuse: (SafetensorsError.Rule, String) -> SafetensorsError) throws {
        let sorted = entries.sorted { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound) }
        var cursor = 0
        var previous: SafetensorsEntry?
        for e in sorted {
            let r = e.dataOffsets
            if r.lowerBound < cursor, let p = previous {
                throw refuse(.overlappingTensors, "\(jsonQuoted(p.name)) [\(p.dataOffsets.lowerBound), \(p.dataOffsets.upperBound)] and \(jsonQuoted(e.name)) [\(r.lowerBound), \(r.upperBound)]")
            }
            if r.lowerBound > cursor {
                throw refuse(.holeInData, "bytes [\(cursor), \(r.lowerBound)) before \(jsonQuoted(e.name)) belong to no tensor")
            }
            cursor = r.upperBound
            previous = e
        }
        guard cursor == dataLength else {
            throw refuse(.holeInData, "bytes [\(cursor), \(dataLength)) after the last tensor belong to no tensor")
        }
    }

    private static func describe(_ v: HeaderJSON) -> String {
        guard case .array(let items) = v else { return v.kind }
        return "[" + items.map { if case .number(let s) = $0 { return s }; return $0.kind }.joined(separator: ", ") + "]"
    }
}
