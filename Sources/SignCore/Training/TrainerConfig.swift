import Foundation

/// Optimization and bookkeeping settings of a run (a recipe's `optimizer` and `train` nodes).
public struct TrainerConfig: Codable, Equatable, Sendable {
    public var steps = 1000
    public var learningRate: Float = 1e-3
    public var minLearningRate: Float = 1e-6
    public var warmupSteps = 100
    public var weightDecay: Float = 0.05
    public var beta1: Float = 0.9
    public var beta2: Float = 0.98
    public var eps: Float = 1e-8
    /// Layer-wise learning-rate decay d in (0, 1] (`LayerDecay`); nil = off (as 1). Needs an objective
    /// with layer depths (fine-tuning).
    public var layerDecay: Double?
    /// Global gradient-norm clip (0 = off).
    public var clipNorm: Float = 1
    /// Micro-batches per optimizer step (gradients averaged).
    public var accumulation = 1
    /// Weight of each loss term in the total (missing terms weigh 1).
    public var termWeights: [String: Float] = [:]
    public var evalEvery = 100
    /// Batches per evaluation (0 = the whole held-out split).
    public var evalBatches = 0
    public var checkpointEvery = 200
    public var keepLast = 2
    public var logEvery = 10
    public var seed: UInt64 = 0

    public init() {}

    /// Reads `optimizer` and `train` nodes of a recipe; unknown fields are errors naming the path.
    public init(optimizer: RecipeValue?, train: RecipeValue?) throws {
        if let o = optimizer {
            try o.rejectUnknownKeys(["lr", "minLR", "warmup", "weightDecay", "betas", "eps", "clip", "accumulate", "layerDecay"])
            learningRate = Float(try o.number("lr", default: Double(learningRate), in: 0...10))
            minLearningRate = Float(try o.number("minLR", default: Double(minLearningRate), in: 0...10))
            warmupSteps = try o.int("warmup", default: warmupSteps)
            weightDecay = Float(try o.number("weightDecay", default: Double(weightDecay), in: 0...10))
            if let b = try o.optional("betas") {
                let items = try b.items
                guard items.count == 2 else { throw RecipeError(path: b.path, message: "expected [beta1, beta2], got \(items.count) values") }
                beta1 = Float(try items[0].number); beta2 = Float(try items[1].number)
            }
            eps = Float(try o.number("eps", default: Double(eps), in: 0...1))
            clipNorm = Float(try o.number("clip", default: Double(clipNorm), in: 0...1e9))
            accumulation = try o.int("accumulate", default: accumulation)
            if try o.optional("layerDecay") != nil {
                let d = try o.number("layerDecay", default: 1, in: 0...1)
                guard d > 0 else { throw RecipeError(path: RecipeValue.join(o.path, "layerDecay"), message: "expected a decay in (0, 1], got 0") }
                layerDecay = d
            }
            guard accumulation >= 1 else { throw RecipeError(path: RecipeValue.join(o.path, "accumulate"), message: "expected ≥ 1, got \(accumulation)") }
        }
        if let t = train {
            try t.rejectUnknownKeys(["steps", "evalEvery", "evalBatches", "checkpointEvery", "keepLast", "logEvery", "seed", "weights"])
            steps = try t.int("steps", default: steps)
            guard steps >= 1 else { throw RecipeError(path: RecipeValue.join(t.path, "steps"), message: "expected ≥ 1, got \(steps)") }
            evalEvery = try t.int("evalEvery", default: evalEvery)
            evalBatches = try t.int("evalBatches", default: evalBatches)
            checkpointEvery = try t.int("checkpointEvery", default: checkpointEvery)
            keepLast = max(1, try t.int("keepLast", default: keepLast))
            logEvery = max(1, try t.int("logEvery", default: logEvery))
            seed = UInt64(max(0, try t.int("seed", default: Int(seed))))
            if let w = try t.optional("weights") {
                for (k, v) in try w.fields { termWeights[k] = Float(try v.number) }
            }
        }
    }

    public func weight(of term: String) -> Float {
        termWeights[term] ?? termWeights[String(term.prefix { $0 != "." })] ?? 1
    }
}
