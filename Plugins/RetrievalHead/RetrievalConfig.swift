import SignCore

/// How the retrieval head turns the encoder's tokens into one clip feature.
public enum RetrievalPooling: String, CaseIterable, Sendable {
    /// Masked mean of the tokens over valid frames (`maskedMeanPool`).
    case mean
    /// Learned temporal attention pooling (`AttentionPooling`, as the ISLR head).
    case attention
    /// The encoder's own `pooled` feature.
    case encoder
}

/// The recipe of `head/retrieval`, validated; every field has a default.
public struct RetrievalConfig: Sendable {
    /// Width E of the joint pose–text space.
    public var embedDim = 512
    public var pooling: RetrievalPooling = .mean
    /// Initial temperature τ₀ (the parameter is log(1/τ), CLIP's logit scale).
    public var temperature: Double = 0.07
    /// Lower bound of τ: the logit scale is clamped to ≤ log(1/minTemperature) in the forward pass.
    public var minTemperature: Double = 0.01
    /// Whether τ is trained.
    public var learnTemperature = true

    public init() {}

    /// Recipe field names with their meaning and default (shown by `signzoo registry info`).
    public static let parameters: [(name: String, help: String)] = [
        ("embedDim", "width of the joint pose–text embedding space, ≥ 1 (default 512)"),
        ("pooling", "clip feature from the encoder tokens: \"mean\" (masked mean, default), \"attention\" (learned temporal attention pooling) or \"encoder\" (the encoder's pooled feature)"),
        ("temperature", "initial InfoNCE temperature τ, minTemperature…1.0 (default 0.07); learned as log(1/τ)"),
        ("minTemperature", "lower clamp of τ, 1e-4…1.0 (default 0.01)"),
        ("learnTemperature", "train τ (default true)"),
    ]

    static let knownKeys = ["type"] + parameters.map(\.name)

    /// Reads and validates a recipe node; errors name the JSON path (`head.temperature: …`).
    public init(recipe node: RecipeValue) throws {
        try node.rejectUnknownKeys(Self.knownKeys)
        embedDim = try node.int("embedDim", default: embedDim, atLeast: 1)
        pooling = try node.choice("pooling", default: pooling)
        minTemperature = try node.number("minTemperature", default: 0.01, in: 1e-4...1)
        temperature = try node.number("temperature", default: 0.07, in: minTemperature...1)
        learnTemperature = try node.bool("learnTemperature", default: true)
    }
}
