import SignCore

/// The recipe of `head/islr`, validated; every field has a default.
public struct ISLRConfig: Sendable {
    /// ε of the label-smoothed cross-entropy.
    public var labelSmoothing: Double = 0.1
    /// Dropout on the pooled feature before the classifier.
    public var dropout: Double = 0.1

    public init() {}

    /// Recipe field names with their meaning and default (shown by `signzoo registry info`).
    public static let parameters: [(name: String, help: String)] = [
        ("labelSmoothing", "ε of the label-smoothed cross-entropy islr.ce, 0.0…1.0 (default 0.1)"),
        ("dropout", "dropout on the attention-pooled feature before the classifier, 0.0…0.9 (default 0.1)"),
    ]

    static let knownKeys = ["type"] + parameters.map(\.name)

    /// Reads and validates a recipe node; errors name the JSON path (`head.labelSmoothing: …`).
    public init(recipe node: RecipeValue) throws {
        try node.rejectUnknownKeys(Self.knownKeys)
        labelSmoothing = try node.number("labelSmoothing", default: 0.1, in: 0...1)
        dropout = try node.number("dropout", default: 0.1, in: 0...0.9)
    }
}
