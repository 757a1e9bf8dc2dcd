import SignPose

/// A JSON value read from the manifest together with its path (`models[2].files[0]`), so every
/// validation error names the field it is about.
struct ManifestField {
    let value: JSONValue
    let path: String
    let file: String

    func fail(_ reason: String) -> ManifestError { ManifestError(file: file, path: path, reason: reason) }

    func child(_ key: String, _ v: JSONValue) -> ManifestField {
        ManifestField(value: v, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// The members of an object; unknown keys are refused (a misspelt field must not be ignored).
    func object(allowed: Set<String>) throws -> [String: ManifestField] {
        guard case .object(let members) = value else { throw fail("expected an object, found \(value.typeDescription)") }
        var out: [String: ManifestField] = [:]
        for (k, v) in members {
            guard allowed.contains(k) else { throw child(k, v).fail("unknown field (known: \(allowed.sorted().joined(separator: ", ")))") }
            guard out[k] == nil else { throw child(k, v).fail("duplicate field") }
            out[k] = child(k, v)
        }
        return out
    }

    func elements() throws -> [ManifestField] {
        guard case .array(let items) = value else { throw fail("expected an array, found \(value.typeDescription)") }
        return items.enumerated().map { ManifestField(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw fail("expected a string, found \(value.typeDescription)") }
        return s
    }

    func nonEmptyString() throws -> String {
        let s = try string()
        guard !s.isEmpty else { throw fail("must not be empty") }
        return s
    }

    func number() throws -> Double {
        guard case .number(let d) = value else { throw fail("expected a number, found \(value.typeDescription)") }
        return d
    }

    func integer(atLeast minimum: Int64) throws -> Int64 {
        let d = try number()
        guard d == d.rounded(), d >= Double(minimum), d <= 9_007_199_254_740_992 else {
            throw fail("expected an integer ≥ \(minimum), found \(d)")
        }
        return Int64(d)
    }

    func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw fail("expected true or false, found \(value.typeDescription)") }
        return b
    }

    func strings() throws -> [String] { try elements().map { try $0.string() } }

    /// A lowercase SHA-256 hex digest.
    func sha256() throws -> String {
        let s = try string()
        guard s.count == 64, s.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw fail("expected 64 hex characters (a lowercase SHA-256 digest), found \"\(s.prefix(80))\"")
        }
        return s
    }
}

extension Dictionary where Key == String, Value == ManifestField {
    /// The member `key`, or an error naming `parent.key` as missing.
    func required(_ key: String, in parent: ManifestField) throws -> ManifestField {
        guard let f = self[key] else { throw parent.child(key, .null).fail("missing required field") }
        return f
    }

    /// The member `key` unless absent or null.
    func optional(_ key: String) -> ManifestField? {
        guard let f = self[key], f.value != .null else { return nil }
        return f
    }
}
