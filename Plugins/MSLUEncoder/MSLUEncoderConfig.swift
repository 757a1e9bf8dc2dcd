import SignCore
import SignNN

/// The sizes of an MSLU encoder (recipe node `{"type": "encoder/mslu", …}`; paper notes §3.2(c)).
/// Defaults are the paper-scale preset `zoo/recipes/encoder-mslu-base.json`.
public struct MSLUEncoderConfig: Codable, Equatable, Sendable {
    /// Channels per keypoint in the batch (x, y, score).
    public var inputChannels = 3
    /// Widths of each part GCN: Linear(C → w₀), then one residual graph block per step w_i → w_{i+1}.
    public var gcnWidths = [64, 128, 256]
    public var gcnNorm: GraphNorm = .batch
    /// `distance` (K = maxHop + 1 partitions: self, 1 hop, …) or `uniform` (K = 1).
    public var graphStrategy = "distance"
    public var maxHop = 1
    /// Width d of each branch Transformer.
    public var branchDim = 512
    public var layers = 4
    public var heads = 8
    public var ffnDim = 2048
    public var dropout: Float = 0.1
    public var positionEncoding: PositionEncoding = .sinusoidal
    /// Longest clip the learned position table covers (learned encoding only).
    public var maxFrames = 1024
    public var temporalConv = false
    public var temporalKernel = 5
    /// Width D of the fused tokens.
    public var outputDim = 768

    public init() {}

    /// The recipe fields, their meaning and defaults (`PluginInfo.parameters`).
    public static let parameters: [(name: String, help: String)] = [
        ("inputChannels", "channels per keypoint in the batch, (x, y, score) (default 3)"),
        ("gcnWidths", "part-GCN widths: Linear(C→w0), then a residual graph block per step w_i→w_i+1 (default [64, 128, 256])"),
        ("gcnNorm", "normalization in graph blocks: \"batch\" (BatchNorm over valid frames' nodes) or \"layer\" (default \"batch\")"),
        ("graphStrategy", "adjacency partitions: \"distance\" (K = maxHop+1) or \"uniform\" (K = 1) (default \"distance\")"),
        ("maxHop", "hops of the distance strategy (default 1)"),
        ("branchDim", "width d of the manual and non-manual Transformers (default 512)"),
        ("layers", "pre-LN Transformer layers per branch (default 4)"),
        ("heads", "attention heads; must divide branchDim (default 8)"),
        ("ffnDim", "feed-forward width of each Transformer layer (default 2048)"),
        ("dropout", "dropout in [0, 1) after the position encoding and inside the Transformers (default 0.1)"),
        ("positionEncoding", "\"sinusoidal\" (fixed, any length) or \"learned\" (a [maxFrames, d] table) (default \"sinusoidal\")"),
        ("maxFrames", "longest clip of the learned position table (default 1024)"),
        ("temporalConv", "residual Conv1d over time before the Transformer in each branch (default false)"),
        ("temporalKernel", "odd kernel size of the temporal conv (default 5)"),
        ("outputDim", "width D of the fused per-frame tokens (default 768)"),
    ]

    /// Reads a recipe node; every error names the JSON path of the offending field.
    public init(recipe node: RecipeValue) throws {
        try node.rejectUnknownKeys(["type"] + Self.parameters.map(\.name))
        let d = MSLUEncoderConfig()
        func positive(_ key: String, _ def: Int) throws -> Int {
            let v = try node.int(key, default: def)
            guard v > 0 else { throw RecipeError(path: node.child(key), message: "expected a positive integer, got \(v)") }
            return v
        }
        inputChannels = try positive("inputChannels", d.inputChannels)
        if let w = try node.optional("gcnWidths") {
            let items = try w.items
            guard !items.isEmpty else { throw RecipeError(path: w.path, message: "expected at least one width") }
            gcnWidths = try items.map { item in
                let v = try item.int
                guard v > 0 else { throw RecipeError(path: item.path, message: "expected a positive integer, got \(v)") }
                return v
            }
        }
        let norm = try node.string("gcnNorm", default: d.gcnNorm.rawValue)
        guard let gn = GraphNorm(rawValue: norm) else {
            throw RecipeError(path: node.child("gcnNorm"), message: "expected \"batch\" or \"layer\", got \"\(norm)\"")
        }
        gcnNorm = gn
        graphStrategy = try node.string("graphStrategy", default: d.graphStrategy)
        guard ["distance", "uniform"].contains(graphStrategy) else {
            throw RecipeError(path: node.child("graphStrategy"), message: "expected \"distance\" or \"uniform\", got \"\(graphStrategy)\"")
        }
        maxHop = try positive("maxHop", d.maxHop)
        branchDim = try positive("branchDim", d.branchDim)
        layers = try node.int("layers", default: d.layers)
        guard layers >= 0 else { throw RecipeError(path: node.child("layers"), message: "expected a non-negative integer, got \(layers)") }
        heads = try positive("heads", d.heads)
        guard branchDim % heads == 0 else {
            throw RecipeError(path: node.child("heads"), message: "\(heads) heads do not divide branchDim \(branchDim)")
        }
        ffnDim = try positive("ffnDim", d.ffnDim)
        dropout = Float(try node.number("dropout", default: Double(d.dropout), in: 0...0.999))
        let pe = try node.string("positionEncoding", default: d.positionEncoding.rawValue)
        guard let p = PositionEncoding(rawValue: pe) else {
            throw RecipeError(path: node.child("positionEncoding"), message: "expected \"sinusoidal\" or \"learned\", got \"\(pe)\"")
        }
        positionEncoding = p
        maxFrames = try positive("maxFrames", d.maxFrames)
        temporalConv = try node.bool("temporalConv", default: d.temporalConv)
        temporalKernel = try positive("temporalKernel", d.temporalKernel)
        guard temporalKernel % 2 == 1 else {
            throw RecipeError(path: node.child("temporalKernel"), message: "expected an odd kernel size (same-length output), got \(temporalKernel)")
        }
        outputDim = try positive("outputDim", d.outputDim)
    }

    /// The adjacency partition strategy.
    public var strategy: Graph.Strategy { graphStrategy == "uniform" ? .uniform : .distance(maxHop: maxHop) }
    /// Partitions K of every graph conv.
    public var partitions: Int { graphStrategy == "uniform" ? 1 : maxHop + 1 }
    /// Width of one part token (the last GCN width).
    public var partDim: Int { gcnWidths.last! }
}

extension RecipeValue {
    /// The JSON path of member `key` of this node.
    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
