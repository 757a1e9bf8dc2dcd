import SignPose

/// The manifest types as JSON, keys in a fixed, readable order; optional fields left out when empty.
extension ZooEntry {
    public var json: JSONValue {
        var m: [(String, JSONValue)] = [
            ("id", .string(id)), ("revision", .string(revision)), ("task", .string(task.rawValue)),
            ("description", .string(description)), ("license", .string(license)), ("pose_layout", .string(poseLayout)),
        ]
        if preprocessing != .null { m.append(("preprocessing", preprocessing)) }
        if !languages.isEmpty { m.append(("languages", .array(languages.map(JSONValue.string)))) }
        if !datasets.isEmpty { m.append(("datasets", .array(datasets.map(\.json)))) }
        if let parent { m.append(("parent", .string(parent))) }
        if let engineVersion { m.append(("engine_version", engineVersion.json)) }
        if let deprecated { m.append(("deprecated", deprecated == "deprecated" ? .bool(true) : .string(deprecated))) }
        if let renamedTo { m.append(("renamed_to", .string(renamedTo))) }
        m.append(("metrics", .array(metrics.map(\.json))))
        if !onnx.isEmpty { m.append(("onnx", .array(onnx.map(\.json)))) }
        m.append(("files", .array(files.map(\.json))))
        return .object(m)
    }
}

extension ZooEntry {
    /// The entry as indented JSON.
    public var prettyJSON: String { PrettyJSON.format(json) }
}

extension ZooManifest {
    /// The manifest as indented JSON (what `write(to:)` stores).
    public var prettyJSON: String { PrettyJSON.format(json) }
}

extension ZooFile {
    public var json: JSONValue {
        .object([("path", .string(path)), ("size", .number(Double(size))), ("sha256", .string(sha256)),
                 ("urls", .array(urls.map(JSONValue.string)))])
    }
}

extension ZooMetric {
    public var json: JSONValue {
        .object([("dataset", .string(dataset)), ("split", .string(split)), ("metric", .string(metric)), ("value", .number(value))])
    }
}

extension ZooDataset {
    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("name", .string(name))]
        if let split { m.append(("split", .string(split))) }
        if let license { m.append(("license", .string(license))) }
        return .object(m)
    }
}

extension ZooONNX {
    public var json: JSONValue {
        var m: [(String, JSONValue)] = [("opset", .number(Double(opset)))]
        if let path { m.append(("path", .string(path))) }
        m += [("sha256", .string(sha256)), ("validated_with", .string(validatedWith)), ("max_abs_diff", .number(maxAbsDiff))]
        return .object(m)
    }
}

extension ZooEngineRange {
    public var json: JSONValue {
        var m: [(String, JSONValue)] = []
        if let min { m.append(("min", .string(min))) }
        if let max { m.append(("max", .string(max))) }
        return .object(m)
    }
}

/// Indented JSON for files people read and diff: objects one member per line; arrays of scalars
/// (and objects whose members are all scalars) on one line.
enum PrettyJSON {
    static func format(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: "", to: &out)
        return out + "\n"
    }

    private static func isFlat(_ v: JSONValue) -> Bool {
        switch v {
        case .array(let a): return a.allSatisfy { if case .array = $0 { return false }; if case .object = $0 { return false }; return true }
        case .object(let m): return m.count <= 4 && m.allSatisfy { if case .array = $0.1 { return false }; if case .object = $0.1 { return false }; return true }
        default: return true
        }
    }

    /// One line with a space after each `,` and `:`.
    private static func inline(_ v: JSONValue) -> String {
        switch v {
        case .array(let a): return "[" + a.map(inline).joined(separator: ", ") + "]"
        case .object(let m): return "{" + m.map { JSONValue.string($0.0).serialized() + ": " + inline($0.1) }.joined(separator: ", ") + "}"
        default: return v.serialized()
        }
    }

    private static func write(_ v: JSONValue, indent: String, to out: inout String) {
        if isFlat(v) {
            out += inline(v)
            return
        }
        let inner = indent + "  "
        switch v {
        case .array(let items):
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                write(item, indent: inner, to: &out)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let members):
            out += "{\n"
            for (i, (k, item)) in members.enumerated() {
                out += inner + JSONValue.string(k).serialized() + ": "
                write(item, indent: inner, to: &out)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += indent + "}"
        default:
            out += v.serialized()
        }
    }
}
