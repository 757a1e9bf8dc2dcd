/// The engine version checkpoints are stamped with and entries' `engine_version` ranges are checked
/// against (`major.minor.patch`, compared numerically component by component).
public enum ZooEngineVersion {
    public static let current = "0.1.0"

    /// The numeric components of `major.minor.patch` (1 to 3 parts), or nil when malformed.
    public static func parse(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count, numbers.allSatisfy({ $0 >= 0 }) else { return nil }
        return numbers + Array(repeating: 0, count: 3 - numbers.count)
    }
}

/// The engine versions an entry's weights work with: `{"min": "0.1.0", "max": "0.9"}`, both ends
/// inclusive and optional.
public struct ZooEngineRange: Equatable, Sendable {
    public var min: String?
    public var max: String?
    public init(min: String? = nil, max: String? = nil) { self.min = min; self.max = max }

    /// Whether `version` lies in the range.
    public func contains(_ version: String) -> Bool {
        guard let v = ZooEngineVersion.parse(version) else { return false }
        if let min, let lo = ZooEngineVersion.parse(min), v.lexicographicallyPrecedes(lo) { return false }
        if let max, let hi = ZooEngineVersion.parse(max), hi.lexicographicallyPrecedes(v) { return false }
        return true
    }

    public var description: String { "\(min.map { "≥ \($0)" } ?? "")\(min != nil && max != nil ? ", " : "")\(max.map { "≤ \($0)" } ?? "")" }
}
