import Foundation

/// A JSON value read from a recipe, with the JSON path it came from, so every validation error
/// names where it is: `pretext[1].maskRatio: expected number, got "half"`.
public struct RecipeValue: CustomStringConvertible {
    public indirect enum Kind {
        case object([(String, RecipeValue)])
        case array([RecipeValue])
        case number(Double)
        case string(String)
        case bool(Bool)
        case null
    }
    public let kind: Kind
    /// JSON path of this value from the recipe root (`""` for the root).
    public let path: String

    public init(kind: Kind, path: String) { self.kind = kind; self.path = path }

    /// Parses JSON text (object members in sorted key order, so errors come out deterministically).
    public static func parse(_ data: Data, source: String = "recipe") throws -> RecipeValue {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }
        catch { throw RecipeError(path: source, message: "not valid JSON (\((error as NSError).localizedDescription))") }
        return wrap(any, path: "")
    }

    private static func wrap(_ any: Any, path: String) -> RecipeValue {
        switch any {
        case let d as [String: Any]:
            return RecipeValue(kind: .object(d.keys.sorted().map { k in (k, wrap(d[k]!, path: join(path, k))) }), path: path)
        case let a as [Any]:
            return RecipeValue(kind: .array(a.enumerated().map { wrap($0.element, path: "\(path)[\($0.offset)]") }), path: path)
        case let n as NSNumber:
            // JSON booleans arrive as NSNumber with objCType "c" (numbers are "i", "q" or "d").
            if String(cString: n.objCType) == "c" { return RecipeValue(kind: .bool(n.boolValue), path: path) }
            return RecipeValue(kind: .number(n.doubleValue), path: path)
        case let s as String: return RecipeValue(kind: .string(s), path: path)
        default: return RecipeValue(kind: .null, path: path)
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public var description: String {
        switch kind {
        case .object: return "an object"
        case .array: return "an array"
        case .number(let n): return n == n.rounded() && Swift.abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return String(b)
        case .null: return "null"
        }
    }

    var typeName: String {
        switch kind {
        case .object: return "object"
        case .array: return "array"
        case .number: return "number"
        case .string: return "string"
        case .bool: return "boolean"
        case .null: return "null"
        }
    }
}

/// A recipe that does not validate: the JSON path and what was expected.
public struct RecipeError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Typed access that throws `RecipeError` naming the path.
extension RecipeValue {
    public var fields: [(String, RecipeValue)] {
        get throws {
            guard case .object(let f) = kind else { throw RecipeError(path: path, message: "expected object, got \(typeName) \(self)") }
            return f
        }
    }
    public var items: [RecipeValue] {
        get throws {
            guard case .array(let a) = kind else { throw RecipeError(path: path, message: "expected array, got \(typeName) \(self)") }
            return a
        }
    }
    public var number: Double {
        get throws {
            guard case .number(let n) = kind else { throw RecipeError(path: path, message: "expected number, got \(typeName) \(self)") }
            return n
        }
    }
    public var int: Int {
        get throws {
            let n = try number
            guard n == n.rounded(), Swift.abs(n) < 1e15 else { throw RecipeError(path: path, message: "expected an integer, got \(self)") }
            return Int(n)
        }
    }
    public var string: String {
        get throws {
            guard case .string(let s) = kind else { throw RecipeError(path: path, message: "expected string, got \(typeName) \(self)") }
            return s
        }
    }
    public var bool: Bool {
        get throws {
            guard case .bool(let b) = kind else { throw RecipeError(path: path, message: "expected boolean, got \(typeName) \(self)") }
            return b
        }
    }

    /// The member `key` of an object, or nil when absent (or JSON null).
    public func optional(_ key: String) throws -> RecipeValue? {
        guard let v = try fields.first(where: { $0.0 == key })?.1 else { return nil }
        if case .null = v.kind { return nil }
        return v
    }

    /// The member `key`, which must be present.
    public func required(_ key: String) throws -> RecipeValue {
        guard let v = try optional(key) else { throw RecipeError(path: RecipeValue.join(path, key), message: "missing required field") }
        return v
    }

    public func int(_ key: String, default d: Int) throws -> Int { try optional(key)?.int ?? d }
    public func number(_ key: String, default d: Double) throws -> Double { try optional(key)?.number ?? d }
    public func float(_ key: String, default d: Float) throws -> Float { Float(try optional(key)?.number ?? Double(d)) }
    public func string(_ key: String, default d: String) throws -> String { try optional(key)?.string ?? d }
    public func bool(_ key: String, default d: Bool) throws -> Bool { try optional(key)?.bool ?? d }

    /// A number that must lie in `range`.
    public func number(_ key: String, default d: Double, in range: ClosedRange<Double>) throws -> Double {
        let v = try number(key, default: d)
        guard range.contains(v) else { throw RecipeError(path: RecipeValue.join(path, key), message: "expected a number in \(range.lowerBound)…\(range.upperBound), got \(v)") }
        return v
    }

    /// An integer member that must be at least `minimum`.
    public func int(_ key: String, default d: Int, atLeast minimum: Int) throws -> Int {
        guard let v = try optional(key) else { return d }
        let n = try v.int
        guard n >= minimum else { throw RecipeError(path: v.path, message: "expected an integer ≥ \(minimum), got \(n)") }
        return n
    }

    /// An integer member that must lie in `range`.
    public func int(_ key: String, default d: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let v = try optional(key) else { return d }
        let n = try v.int
        guard range.contains(n) else {
            throw RecipeError(path: v.path, message: "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(n)")
        }
        return n
    }

    /// A string member naming one case of `E` (its raw value); errors list the allowed values.
    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, default d: E) throws -> E where E.RawValue == String {
        guard let v = try optional(key) else { return d }
        let s = try v.string
        guard let value = E(rawValue: s) else {
            throw RecipeError(path: v.path, message: "expected one of \(E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(s)\"")
        }
        return value
    }

    /// Refuses members not in `known` (typos in recipes are errors, with the nearest known name).
    public func rejectUnknownKeys(_ known: [String]) throws {
        for (k, _) in try fields where !known.contains(k) {
            let hint = nearest(k, in: known).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw RecipeError(path: RecipeValue.join(path, k), message: "unknown field\(hint); known fields: \(known.joined(separator: ", "))")
        }
    }
}
