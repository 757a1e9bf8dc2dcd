import Foundation
import SignTensor

/// A key whose stored tensor has a different shape from the module's.
public struct MisShapedKey: Equatable, Sendable, CustomStringConvertible {
    public let name: String
    /// The module's shape.
    public let expected: [Int]
    /// The shape in the loaded state.
    public let found: [Int]
    public init(name: String, expected: [Int], found: [Int]) { self.name = name; self.expected = expected; self.found = found }
    public var description: String { "\(name) (model \(expected), file \(found))" }
}

/// What a load did: keys copied, module keys with no stored value, stored keys the module lacks,
/// and keys present on both sides with different shapes (never copied).
public struct LoadReport: Equatable, Sendable, CustomStringConvertible {
    /// Copied into the module, in the module's state-dict order.
    public var loaded: [String] = []
    /// Module keys absent from the state, in the module's order.
    public var missing: [String] = []
    /// State keys the module does not have, sorted.
    public var unexpected: [String] = []
    /// Keys on both sides whose shapes differ, in the module's order.
    public var misShaped: [MisShapedKey] = []

    public var description: String {
        "loaded \(loaded.count); missing \(list(missing)); unexpected \(list(unexpected)); mis-shaped \(list(misShaped.map(\.description)))"
    }
    private func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
}

/// A refused strict load. Lists every key that was not allowed; nothing was copied.
public struct LoadError: Error, CustomStringConvertible {
    /// Where the state came from (a file path), if known.
    public let source: String?
    public let missing: [String]
    public let unexpected: [String]
    public let misShaped: [MisShapedKey]
    /// The full comparison, allowed keys included.
    public let report: LoadReport

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(missing.count) missing key\(missing.count == 1 ? "" : "s") (\(missing.joined(separator: ", ")))") }
        if !unexpected.isEmpty { parts.append("\(unexpected.count) unexpected key\(unexpected.count == 1 ? "" : "s") (\(unexpected.joined(separator: ", ")))") }
        if !misShaped.isEmpty { parts.append("\(misShaped.count) mis-shaped key\(misShaped.count == 1 ? "" : "s") (\(misShaped.map(\.description).joined(separator: ", ")))") }
        return "load\(source.map { " from \($0)" } ?? ""): " + parts.joined(separator: "; ")
            + ". Nothing was loaded; declare intended differences with allowMissing / allowUnexpected (globs like \"head.*\")."
    }
}

extension Module {
    /// Copies `tensors` into this module's parameters and buffers by dotted name, in place (the
    /// parameter objects, and so optimizer references to them, stay the same).
    ///
    /// Strict mode (default) refuses the whole load, copying nothing, when any module key is
    /// missing and matches no `allowMissing` glob, any stored key is unexpected and matches no
    /// `allowUnexpected` glob, or any key has a different shape and matches neither list (a
    /// declared head swap, `allowMissing: ["head.*"]`, may change the head's shape; that key then
    /// keeps the module's value). Non-strict mode copies every key whose shape matches.
    /// In globs `*` matches any run of characters, dots included.
    @discardableResult
    public func load(_ tensors: [String: Tensor], strict: Bool = true, allowMissing: [String] = [],
                     allowUnexpected: [String] = []) throws -> LoadReport {
        try load(tensors, strict: strict, allowMissing: allowMissing, allowUnexpected: allowUnexpected, source: nil)
    }

    /// Writes this module's parameters and buffers (its `stateDict()`) to a safetensors file, atomically.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(stateDict(), metadata: metadata, to: url)
    }

    /// Reads a safetensors file and loads it with `load(_:strict:allowMissing:allowUnexpected:)`;
    /// errors name the file.
    @discardableResult
    public func load(from url: URL, strict: Bool = true, allowMissing: [String] = [],
                     allowUnexpected: [String] = []) throws -> LoadReport {
        let tensors = try Safetensors.read(url).tensors
        return try load(tensors, strict: strict, allowMissing: allowMissing, allowUnexpected: allowUnexpected, source: url.path)
    }

    func load(_ tensors: [String: Tensor], strict: Bool, allowMissing: [String], allowUnexpected: [String],
              source: String?) throws -> LoadReport {
        let state = stateDict()
        var report = LoadReport()
        var copies: [(Tensor, Tensor)] = []
        var known = Set<String>()
        for (name, target) in state {
            known.insert(name)
            guard let value = tensors[name] else { report.missing.append(name); continue }
            if value.shape != target.shape {
                report.misShaped.append(MisShapedKey(name: name, expected: target.shape, found: value.shape))
                continue
            }
            report.loaded.append(name)
            copies.append((target, value))
        }
        report.unexpected = tensors.keys.filter { !known.contains($0) }.sorted()

        if strict {
            let missing = report.missing.filter { !matchesAny($0, allowMissing) }
            let unexpected = report.unexpected.filter { !matchesAny($0, allowUnexpected) }
            let misShaped = report.misShaped.filter { !matchesAny($0.name, allowMissing) && !matchesAny($0.name, allowUnexpected) }
            if !missing.isEmpty || !unexpected.isEmpty || !misShaped.isEmpty {
                throw LoadError(source: source, missing: missing, unexpected: unexpected, misShaped: misShaped, report: report)
            }
        }
        for (target, value) in copies where target.storage !== value.storage {
            target.pointer.update(from: value.pointer, count: target.count)
        }
        return report
    }
}

private func matchesAny(_ name: String, _ patterns: [String]) -> Bool {
    patterns.contains { Glob.matches(name, pattern: $0) }
}

/// Name patterns for `allowMissing` / `allowUnexpected` (and any other key filter).
public enum Glob {
    /// Whether `name` matches `pattern`, where `*` matches any run of characters (possibly empty,
    /// dots included) and every other character matches itself: `head.*` matches `head.weight`
    /// and `head.proj.bias`, not `heads.weight`. Backtracks to the last `*`: O(n·m) worst case.
    public static func matches(_ name: String, pattern: String) -> Bool {
        let p = Array(pattern.unicodeScalars), s = Array(name.unicodeScalars)
        var i = 0, j = 0
        var star = -1, resume = 0
        while j < s.count {
            if i < p.count, p[i] != "*", p[i] == s[j] { i += 1; j += 1 }
            else if i < p.count, p[i] == "*" { star = i; resume = j; i += 1 }
            else if star >= 0 { i = star + 1; resume += 1; j = resume }
            else { return false }
        }
        while i < p.count, p[i] == "*" { i += 1 }
        return i == p.count
    }
}
