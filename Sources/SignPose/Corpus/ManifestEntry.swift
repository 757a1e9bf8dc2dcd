/// One clip of a corpus manifest (one JSONL line).
///
/// | field | JSON type | required | meaning |
/// | --- | --- | --- | --- |
/// | `id` | non-empty string | yes | unique within the manifest |
/// | `pose` | non-empty string | yes | pose file path, relative to the manifest's folder or absolute |
/// | `text` | string | no | translation / sentence |
/// | `language` | string | no | sign (or spoken) language code, e.g. `"dgs"`, `"ase"` |
/// | `label` | string | no | class name for isolated-sign recognition |
/// | `glosses` | array of strings | no | gloss sequence |
/// | `split` | string | no | `train` / `dev` / `test` or any other name |
/// | `start`, `end` | integers ≥ 0 | no | frame range `[start, end)` of the pose file (end exclusive, end > start) |
///
/// `null` is accepted for every optional field and means absent. Fields not in this table are kept
/// in `extra` (in file order) and written back by `CorpusManifest.write`; packing ignores them.
public struct ManifestEntry: Equatable, Hashable, Sendable {
    public var id: String
    public var pose: String
    public var text: String?
    public var language: String?
    public var label: String?
    public var glosses: [String]?
    public var split: String?
    public var start: Int?
    public var end: Int?
    /// Unknown fields, in file order.
    public var extra: [(String, JSONValue)]

    public init(id: String, pose: String, text: String? = nil, language: String? = nil, label: String? = nil,
                glosses: [String]? = nil, split: String? = nil, start: Int? = nil, end: Int? = nil,
                extra: [(String, JSONValue)] = []) {
        self.id = id
        self.pose = pose
        self.text = text
        self.language = language
        self.label = label
        self.glosses = glosses
        self.split = split
        self.start = start
        self.end = end
        self.extra = extra
    }

    public static let knownFields: Set<String> = ["id", "pose", "text", "language", "label", "glosses", "split", "start", "end"]

    public static func == (a: ManifestEntry, b: ManifestEntry) -> Bool {
        a.id == b.id && a.pose == b.pose && a.text == b.text && a.language == b.language && a.label == b.label
            && a.glosses == b.glosses && a.split == b.split && a.start == b.start && a.end == b.end
            && JSONValue.object(a.extra) == JSONValue.object(b.extra)
    }

    public func hash(into h: inout Hasher) { h.combine(id); h.combine(pose) }

    /// The entry as one JSON object (known fields first in table order, absent ones omitted, then `extra`).
    public var jsonValue: JSONValue {
        var m: [(String, JSONValue)] = [("id", .string(id)), ("pose", .string(pose))]
        if let text { m.append(("text", .string(text))) }
        if let language { m.append(("language", .string(language))) }
        if let label { m.append(("label", .string(label))) }
        if let glosses { m.append(("glosses", .array(glosses.map { .string($0) }))) }
        if let split { m.append(("split", .string(split))) }
        if let start { m.append(("start", .number(Double(start)))) }
        if let end { m.append(("end", .number(Double(end)))) }
        return .object(m + extra)
    }

    /// Validates one parsed line. Errors name `file`, `line` and the field.
    public init(json: JSONValue, file: String, line: Int) throws {
        guard case .object(let members) = json else {
            throw CorpusError(file, line: line, .invalidJSON, "expected a JSON object, got \(json.typeDescription)")
        }
        var fields = [String: JSONValue]()
        var extra: [(String, JSONValue)] = []
        for (k, v) in members {
            if ManifestEntry.knownFields.contains(k) { fields[k] = v } else { extra.append((k, v)) }
        }
        func wrong(_ f: String, _ expected: String, _ v: JSONValue) -> CorpusError {
            CorpusError(file, line: line, field: f, .wrongType, "expected \(expected), got \(v.typeDescription)")
        }
        func requiredString(_ f: String) throws -> String {
            guard let v = fields[f] else { throw CorpusError(file, line: line, field: f, .missingField, "missing (required)") }
            guard case .string(let s) = v else { throw wrong(f, "a string", v) }
            guard !s.isEmpty else { throw CorpusError(file, line: line, field: f, .invalidValue, "must not be empty") }
            return s
        }
        func optionalString(_ f: String) throws -> String? {
            guard let v = fields[f], v != .null else { return nil }
            guard case .string(let s) = v else { throw wrong(f, "a string", v) }
            return s
        }
        func optionalFrame(_ f: String) throws -> Int? {
            guard let v = fields[f], v != .null else { return nil }
            guard case .number(let d) = v else { throw wrong(f, "a non-negative integer", v) }
            guard d == d.rounded(), d >= 0, d < 2_147_483_648 else {
                throw CorpusError(file, line: line, field: f, .invalidValue, "expected a non-negative integer frame index, got \(JSONValue.number(d).serialized())")
            }
            return Int(d)
        }
        let id = try requiredString("id")
        let pose = try requiredString("pose")
        var glosses: [String]?
        if let v = fields["glosses"], v != .null {
            guard case .array(let items) = v else { throw wrong("glosses", "array of strings", v) }
            glosses = try items.enumerated().map { n, item in
                guard case .string(let s) = item else {
                    throw CorpusError(file, line: line, field: "glosses", .wrongType, "expected array of strings, element \(n) is \(item.typeDescription)")
                }
                return s
            }
        }
        let start = try optionalFrame("start"), end = try optionalFrame("end")
        if let start, let end, end <= start {
            throw CorpusError(file, line: line, field: "end", .invalidValue, "end \(end) must be greater than start \(start) (the range is [start, end))")
        }
        self.init(id: id, pose: pose, text: try optionalString("text"), language: try optionalString("language"),
                  label: try optionalString("label"), glosses: glosses, split: try optionalString("split"),
                  start: start, end: end, extra: extra)
    }
}
