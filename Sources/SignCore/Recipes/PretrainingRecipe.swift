import Foundation
import SignPose

/// A pre-training recipe (one JSON file per published number, `zoo/recipes/*.json`):
///
/// ```json
/// { "name": "mslu-tiny",
///   "data": {"layout": "mslu-79", "maxFrames": 64, "batchSize": 16, "augmentation": "default"},
///   "encoder": {"type": "mslu", …},
///   "text": {"type": "precomputed", "path": "…"},
///   "pretext": [{"type": "masked-pose", …}, {"type": "sign-text-contrastive", …}],
///   "optimizer": {"lr": 1e-3, "warmup": 100, …},
///   "train": {"steps": 1000, "weights": {"contrastive": 1}, …} }
/// ```
/// `type` keys resolve through the registry; every error names its JSON path.
public struct PretrainingRecipe {
    public let root: RecipeValue
    /// The recipe as parsed JSON, recorded in checkpoints' config.json.
    public let json: Any
    public let name: String
    public let pipeline: PosePipeline
    public let batchSize: Int
    public private(set) var trainer: TrainerConfig

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw RecipeError(path: url.path, message: "cannot read the recipe (\(error.localizedDescription))") }
        try self.init(data: data, source: url.path)
    }

    public init(data: Data, source: String = "recipe") throws {
        root = try RecipeValue.parse(data, source: source)
        json = try JSONSerialization.jsonObject(with: data)
        try root.rejectUnknownKeys(["name", "description", "data", "encoder", "text", "pretext", "optimizer", "train"])
        name = try root.string("name", default: "unnamed")
        let dataNode = try root.optional("data")
        (pipeline, batchSize) = try Self.parseData(dataNode)
        trainer = try TrainerConfig(optimizer: try root.optional("optimizer"), train: try root.optional("train"))
        _ = try root.required("encoder")
        guard !(try root.required("pretext").items.isEmpty) else { throw RecipeError(path: "pretext", message: "expected at least one pretext task") }
    }

    /// The `data` node: layout subset, frame cap, batch size, augmentation preset or object.
    public static func parseData(_ node: RecipeValue?) throws -> (PosePipeline, Int) {
        guard let node else { return (PosePipeline(layout: "mslu-79", augmentation: .default, maxFrames: 64), 16) }
        try node.rejectUnknownKeys(["layout", "maxFrames", "batchSize", "augmentation", "preprocessing"])
        let layout = try node.string("layout", default: "mslu-79")
        do { _ = try PoseLayouts.named(layout) }
        catch { throw RecipeError(path: RecipeValue.join(node.path, "layout"), message: "\(error)") }
        let maxFrames = try node.int("maxFrames", default: 64)
        let batchSize = try node.int("batchSize", default: 16)
        guard maxFrames >= 1, batchSize >= 1 else { throw RecipeError(path: node.path, message: "maxFrames and batchSize must be ≥ 1") }
        var augmentation = Augmentation.default
        if let a = try node.optional("augmentation") {
            if case .string(let preset) = a.kind {
                switch preset {
                case "none": augmentation = .none
                case "default": augmentation = .default
                case "islr": augmentation = .islr
                default: throw RecipeError(path: a.path, message: "unknown augmentation preset \"\(preset)\" (none, default, islr)")
                }
            } else {
                let raw = try JSONSerialization.data(withJSONObject: try jsonObject(a))
                do { augmentation = try JSONDecoder().decode(Augmentation.self, from: raw); try augmentation.validate() }
                catch { throw RecipeError(path: a.path, message: "invalid augmentation (\(error))") }
            }
        }
        let method = try node.string("preprocessing", default: "unisign")
        guard method == "unisign" else { throw RecipeError(path: RecipeValue.join(node.path, "preprocessing"), message: "unknown preprocessing \"\(method)\" (unisign)") }
        return (PosePipeline(preprocessing: .uniSign, layout: layout, augmentation: augmentation, maxFrames: maxFrames), batchSize)
    }

    /// The same recipe with another step count (warm-up capped at a tenth of it).
    public func withSteps(_ steps: Int) -> PretrainingRecipe {
        var r = self
        r.trainer.steps = steps
        r.trainer.warmupSteps = min(r.trainer.warmupSteps, max(1, steps / 10))
        return r
    }

    /// Builds encoder, text encoder (when the recipe has one) and pretext tasks through `registry`.
    public func buildObjective(registry: Registry) throws -> PretrainingObjective {
        let seed = trainer.seed
        var context = BuildContext(seed: seed, values: ["layout": pipeline.layout ?? "mslu-79"])
        let encoder = try registry.build(.encoder, from: try root.required("encoder"), context: context, as: (any PoseEncoder).self)
        context.dimensions["encoder.dim"] = encoder.outputDim
        var text: (any TextEncoder)? = nil
        if let t = try root.optional("text") {
            let built = try registry.build(.text, from: t, context: context, as: (any TextEncoder).self)
            context.dimensions["text.dim"] = built.outputDim
            text = built
        }
        var tasks: [(id: String, task: any PretextTask)] = []
        for (i, node) in try root.required("pretext").items.enumerated() {
            context.seed = seed &+ UInt64(i + 1)
            let task = try registry.build(.pretext, from: node, context: context, as: (any PretextTask).self)
            let id = try node.required("type").string.replacingOccurrences(of: "pretext/", with: "")
            tasks.append((id, task))
        }
        return try PretrainingObjective(encoder: encoder, tasks: tasks, textEncoder: text, seed: seed)
    }
}

/// A RecipeValue back to a JSON object (for Codable decoding of sub-nodes).
func jsonObject(_ v: RecipeValue) throws -> Any {
    switch v.kind {
    case .object(let f): return Dictionary(uniqueKeysWithValues: try f.map { ($0.0, try jsonObject($0.1)) })
    case .array(let a): return try a.map(jsonObject)
    case .number(let n): return n
    case .string(let s): return s
    case .bool(let b): return b
    case .null: return NSNull()
    }
}
