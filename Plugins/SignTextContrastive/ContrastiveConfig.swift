import SignCore

/// How a pose clip and a text are compared.
public enum ContrastiveSimilarity: String, CaseIterable, Sendable {
    /// Token-level: s(V, T) = ½[(1/T′)Σ_i max_j v_i·t_j + (1/L)Σ_j max_i v_i·t_j] (`fineGrainedSimilarity`).
    case fineGrained = "fine-grained"
    /// Clip-level: cosine of the projected pooled pose feature and the projected pooled text feature.
    case global
}

/// The recipe of `pretext/sign-text-contrastive`, validated; every field has a default.
public struct ContrastiveConfig: Sendable {
    /// Width E of the shared space.
    public var embedDim = 512
    /// LayerNorm on the projected pose tokens (before L2 normalization).
    public var poseLayerNorm = true
    public var similarity: ContrastiveSimilarity = .fineGrained
    /// Initial temperature τ₀ (the parameter is log(1/τ), CLIP's logit scale).
    public var temperature: Double = 0.07
    /// Lower bound of τ: the logit scale is clamped to ≤ log(1/minTemperature) in the forward pass.
    public var minTemperature: Double = 0.01
    /// Whether τ is trained.
    public var learnTemperature = true

    public init() {}

    public static let parameters: [(name: String, help: String)] = [
        ("embedDim", "width of the shared pose–text space, ≥ 1 (default 512)"),
        ("poseLayerNorm", "LayerNorm after the pose projection, before L2 normalization (default true)"),
        ("similarity", "\"fine-grained\" (token-level max-mean, default) or \"global\" (pooled pose vs pooled text cosine)"),
        ("temperature", "initial τ, minTemperature…1.0 (default 0.07); learned as log(1/τ)"),
        ("minTemperature", "lower clamp of τ, 1e-4…1.0 (default 0.01): logits never exceed similarity/minTemperature"),
        ("learnTemperature", "train τ (default true)"),
    ]

    static let knownKeys = ["type"] + parameters.map(\.name)

    /// Reads and validates a recipe node; errors name the JSON path (`pretext[1].temperature: …`).
    public init(recipe node: RecipeValue) throws {
        try node.rejectUnknownKeys(Self.knownKeys)
        embedDim = try node.int("embedDim", default: embedDim, atLeast: 1)
        poseLayerNorm = try node.bool("poseLayerNorm", default: true)
        similarity = try node.choice("similarity", default: similarity)
        minTemperature = try node.number("minTemperature", default: 0.01, in: 1e-4...1)
        temperature = try node.number("temperature", default: 0.07, in: minTemperature...1)
        learnTemperature = try node.bool("learnTemperature", default: true)
    }
}
