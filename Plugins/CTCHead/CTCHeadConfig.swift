import SignCore

/// The sequence model between the temporal convolutions and the gloss classifier.
public enum CTCSequenceModel: String, CaseIterable, Sendable {
    /// Pre-LN Transformer encoder layers with a key padding mask and a final LayerNorm.
    case transformer
    /// None: the classifier reads the (downsampled) tokens directly.
    case none
}

/// How the per-clip CTC losses of a batch are combined.
public enum CTCLossReduction: String, CaseIterable, Sendable {
    /// torch's default `reduction="mean"`: each clip's loss divided by its target length, averaged.
    case mean
    /// The plain average of the per-clip losses (VAC / TwoStream: `reduction="none"` then `.mean()`).
    case clipMean = "clip_mean"
}

/// The recipe of `head/ctc`, validated; every field has a default.
public struct CTCHeadConfig: Sendable, Equatable {
    /// Temporal downsampling factor: 1, 2 or 4 = 0, 1 or 2 × [Conv1d k5 p2 + BatchNorm1d + ReLU + MaxPool 2].
    public var downsample = 4
    /// Width of the convolutions, the sequence model and the classifier input.
    public var dim = 256
    public var model = CTCSequenceModel.transformer
    public var layers = 2
    public var heads = 4
    /// Feed-forward width of the Transformer layers (default 4·dim).
    public var ffDim = 1024
    public var dropout: Double = 0.1
    /// Beam width for `predict` and evaluation: 1 = greedy best-path decoding, > 1 = prefix beam search.
    public var beam = 1
    /// Log-probability bonus per emitted gloss when ranking beams.
    public var insertionBonus: Double = 0
    /// Clips whose targets cannot be aligned in their frames contribute 0 (and no gradient).
    public var zeroInfinity = true
    public var lossReduction = CTCLossReduction.mean

    public init() {}

    /// The decoding `beam` and `insertionBonus` select.
    public var decoding: CTCDecoding { beam <= 1 ? .greedy : .beamSearch(width: beam, insertionBonus: insertionBonus) }

    /// Number of conv + pool blocks (log2 of `downsample`).
    public var temporalBlocks: Int { downsample == 4 ? 2 : downsample == 2 ? 1 : 0 }

    /// Recipe field names with their meaning and default (shown by `signzoo registry info`).
    public static let parameters: [(name: String, help: String)] = [
        ("downsample", "temporal downsampling 1, 2 or 4 = 0, 1 or 2 × [Conv1d k5 p2 + BatchNorm1d + ReLU + MaxPool 2]; frame counts shrink to ⌊T/2⌋ per block (default 4)"),
        ("dim", "width of the convolutions, sequence model and classifier input, ≥ 1 (default 256)"),
        ("model", "sequence model: \"transformer\" (pre-LN, key padding mask, final LayerNorm) or \"none\" (default \"transformer\")"),
        ("layers", "Transformer layers, ≥ 0 (default 2)"),
        ("heads", "attention heads, must divide dim (default 4)"),
        ("ffDim", "Transformer feed-forward width, ≥ 1 (default 4·dim)"),
        ("dropout", "Transformer dropout, 0.0…0.9 (default 0.1)"),
        ("beam", "decoding beam width: 1 = greedy best path, > 1 = CTC prefix beam search (default 1)"),
        ("insertionBonus", "beam search: log-probability bonus per emitted gloss, finite (default 0)"),
        ("zeroInfinity", "clips whose glosses cannot be aligned in their (downsampled) frames add 0 loss and no gradient (default true)"),
        ("lossReduction", "\"mean\" (torch: each clip's loss / its gloss count, averaged) or \"clip_mean\" (average of clip losses) (default \"mean\")"),
    ]

    static let knownKeys = ["type"] + parameters.map(\.name)

    /// Reads and validates a recipe node; errors name the JSON path (`head.downsample: …`).
    public init(recipe node: RecipeValue) throws {
        try node.rejectUnknownKeys(Self.knownKeys)
        if let v = try node.optional("downsample") {
            let n = try v.int
            guard [1, 2, 4].contains(n) else { throw RecipeError(path: v.path, message: "expected 1, 2 or 4, got \(n)") }
            downsample = n
        }
        dim = try node.int("dim", default: 256, in: 1...1_000_000)
        if let v = try node.optional("model") {
            let name = try v.string
            guard let m = CTCSequenceModel(rawValue: name) else {
                throw RecipeError(path: v.path, message: "unknown sequence model \"\(name)\" (\(CTCSequenceModel.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            model = m
        }
        layers = try node.int("layers", default: 2, in: 0...1000)
        heads = try node.int("heads", default: 4, in: 1...1_000_000)
        if model == .transformer && layers > 0 && dim % heads != 0 {
            let path = try node.optional("heads")?.path ?? RecipeValue.joinPath(node.path, "heads")
            throw RecipeError(path: path, message: "expected a divisor of dim \(dim), got \(heads)")
        }
        ffDim = try node.int("ffDim", default: 4 * dim, in: 1...10_000_000)
        dropout = try node.number("dropout", default: 0.1, in: 0...0.9)
        beam = try node.int("beam", default: 1, in: 1...10_000)
        insertionBonus = try node.number("insertionBonus", default: 0, in: -1e6...1e6)
        zeroInfinity = try node.bool("zeroInfinity", default: true)
        if let v = try node.optional("lossReduction") {
            let name = try v.string
            guard let r = CTCLossReduction(rawValue: name) else {
                throw RecipeError(path: v.path, message: "unknown loss reduction \"\(name)\" (\(CTCLossReduction.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            lossReduction = r
        }
    }

    /// Checks a config built in code (a recipe node is checked while it is read); errors name the field.
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> RecipeError { RecipeError(path: field, message: message) }
        guard [1, 2, 4].contains(downsample) else { throw fail("downsample", "expected 1, 2 or 4, got \(downsample)") }
        guard dim >= 1 else { throw fail("dim", "expected ≥ 1, got \(dim)") }
        guard layers >= 0 else { throw fail("layers", "expected ≥ 0, got \(layers)") }
        guard heads >= 1, model != .transformer || layers == 0 || dim % heads == 0 else {
            throw fail("heads", "expected a divisor of dim \(dim), got \(heads)")
        }
        guard ffDim >= 1 else { throw fail("ffDim", "expected ≥ 1, got \(ffDim)") }
        guard (0...0.9).contains(dropout) else { throw fail("dropout", "expected a number in 0…0.9, got \(dropout)") }
        guard beam >= 1 else { throw fail("beam", "expected ≥ 1, got \(beam)") }
        guard insertionBonus.isFinite else { throw fail("insertionBonus", "expected a finite number, got \(insertionBonus)") }
    }

}

extension RecipeValue {
    /// `path.key` (or `key` at the root), as RecipeValue builds paths.
    static func joinPath(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
