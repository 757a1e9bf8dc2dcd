import Foundation
import SignNN
import SignPose
import SignTensor

/// What a fine-tuning run needs (`signzoo finetune` fills it from its options; tests fill it directly).
public struct FinetuneOptions {
    /// Plugins that build the encoder, text encoder and head.
    public var registry: Registry
    /// Parent checkpoint folder (pre-trained or fine-tuned): its `encoder.*` tensors are loaded, and its
    /// encoder/text nodes and pose layout are used where the recipe has none. nil: train from scratch
    /// (the recipe must then have an `encoder` node).
    public var parent: URL?
    /// How the parent is recorded in the fine-tuned checkpoint (config `parent`, README); default its path.
    public var parentName: String?
    /// The fine-tuning recipe (JSON bytes) and where it came from (for error messages).
    public var recipe: Data
    public var recipeSource: String
    /// Head id (`islr`, `head/ctc`, …) when the recipe has no `head` node.
    public var head: String?
    /// A JSONL manifest (packed once into `out/data`) or a shard-pack folder; splits `train` and
    /// `dev`/`validation`/`test` are used when present.
    public var data: String
    /// The run folder: checkpoints/, metrics.jsonl, loss.svg and the fine-tuned checkpoint itself.
    public var out: URL
    /// Overrides the recipe's step count (warm-up capped at a tenth of it).
    public var steps: Int?
    /// Continue from the newest checkpoint in `out/checkpoints` (same recipe and data).
    public var resume: Bool
    /// Messages for the user (packing report, what was loaded, the final metrics).
    public var log: (String) -> Void

    public init(registry: Registry, parent: URL? = nil, parentName: String? = nil, recipe: Data, recipeSource: String = "recipe",
                head: String? = nil, data: String, out: URL, steps: Int? = nil, resume: Bool = false, log: @escaping (String) -> Void = { print($0) }) {
        self.registry = registry; self.parent = parent; self.parentName = parentName; self.recipe = recipe
        self.recipeSource = recipeSource; self.head = head; self.data = data; self.out = out; self.steps = steps
        self.resume = resume; self.log = log
    }
}

/// What a fine-tuning run produced.
public struct FinetuneResult {
    /// The trained encoder + head (eval mode not set).
    public let objective: FinetuneObjective
    public let pipeline: PosePipeline
    public let state: TrainerState
    /// The held-out split evaluated (`dev`, `validation` or `test`), if the data has one.
    public let evalSplit: String?
    /// The head's metrics on `evalSplit` for the weights written to `directory`.
    public let metrics: [String: Double]
    /// The evaluation whose weights were kept (nil: the last step's weights; no validation split, no
    /// evaluation during training, or the head has no selection metric).
    public let best: BestCheckpoint?
    /// The fine-tuned checkpoint folder (= `FinetuneOptions.out`).
    public let directory: URL
    /// How the parent's tensors were loaded (nil from scratch).
    public let loadReport: LoadReport?
}

/// Fine-tuning a pre-trained encoder with a task head (`signzoo finetune`).
///
/// Recipe keys: `name`, `description`, `data` (as pre-training), `encoder` and `text` (default: the
/// parent checkpoint's), `head`, `optimizer`, `train` (`TrainerConfig`), `frozenEncoderSteps` and
/// `frozenBatchNorm` (`FinetuneObjective`).
/// The parent's weights load strictly: its own head (`head.*`, a fine-tuned parent's) is dropped, its
/// `pretext.*` tensors are declared unexpected and the new head's declared missing, so anything else
/// that differs (an unknown key, a missing or mis-shaped encoder tensor) refuses the load, naming the keys.
/// The head is sized from the data (`DataLists`: labels, glosses, training texts).
///
/// Best checkpoint: with a validation split (`dev` or `validation`; a `test` split is only evaluated,
/// never selected on) and a head that names a selection metric, the Trainer scores
/// the split with the head's evaluator every `train.evalEvery` steps (and at the last step) and keeps
/// the best weights as a loadable fine-tuned checkpoint in `out/best/` (+ `metrics.json` and the
/// evaluator's artefacts); the run's own checkpoint in `out/` is then written from those weights.
public enum Finetuning {
    public static let recipeKeys = ["name", "description", "data", "encoder", "text", "head", "optimizer", "train", "frozenEncoderSteps", "frozenBatchNorm"]

    public static func run(_ options: FinetuneOptions) throws -> FinetuneResult {
        let log = options.log
        let root = try RecipeValue.parse(options.recipe, source: options.recipeSource)
        try root.rejectUnknownKeys(recipeKeys)
        var json = try JSONSerialization.jsonObject(with: options.recipe) as? [String: Any] ?? [:]
        var trainer = try TrainerConfig(optimizer: try root.optional("optimizer"), train: try root.optional("train"))
        if let steps = options.steps {
            guard steps >= 1 else { throw RecipeError(path: "train.steps", message: "the step override must be ≥ 1, got \(steps)") }
            trainer.steps = steps; trainer.warmupSteps = min(trainer.warmupSteps, max(1, steps / 10))
        }

        // Encoder (and text) nodes: from the recipe, else from the parent checkpoint.
        let parent = options.parent
        let parentConfig = try parent.map { try FinetunedCheckpoint.config($0) }
        if json["encoder"] == nil, let e = parentConfig?["encoder"] { json["encoder"] = e }
        if json["text"] == nil, let t = parentConfig?["text"] ?? (parentConfig?["recipe"] as? [String: Any])?["text"] { json["text"] = t }
        if json["head"] == nil {
            guard let head = options.head else {
                throw RecipeError(path: "head", message: "the recipe has no \"head\" node: name a head (--head islr|ctc|retrieval|translation)")
            }
            json["head"] = ["type": head.hasPrefix("head/") ? head : "head/\(head)"]
        }
        guard json["encoder"] != nil else {
            throw RecipeError(path: "encoder", message: "no encoder: give a parent checkpoint or an \"encoder\" node in the recipe")
        }
        let merged = try RecipeValue.parse(try JSONSerialization.data(withJSONObject: json), source: options.recipeSource)

        var (pipeline, batchSize) = try PretrainingRecipe.parseData(try merged.optional("data"))
        if (json["data"] as? [String: Any])?["layout"] == nil, let layout = parentConfig?["pose_layout"] as? String, !layout.isEmpty {
            pipeline = PosePipeline(preprocessing: pipeline.preprocessing, layout: layout, augmentation: pipeline.augmentation, maxFrames: pipeline.maxFrames)
        }
        let runDir = options.out
        let pack = try TrainingData.openPack(options.data, cache: runDir.appendingPathComponent("data"), layout: nil, log: log)
        let splits = Set(pack.header.splits)
        let trainSplits: Set<String>? = splits.contains("train") ? ["train"] : nil
        let evalSplit = ["dev", "validation", "test"].first(where: splits.contains)
        let lists = try DataLists.collect(pack, trainSplits: trainSplits)

        var context = BuildContext(seed: trainer.seed, values: ["layout": pipeline.layout ?? ""], lists: lists.asContext)
        let encoder = try options.registry.build(.encoder, from: try merged.required("encoder"), context: context, as: (any PoseEncoder).self)
        context.dimensions["encoder.dim"] = encoder.outputDim
        var text: (any TextEncoder)? = nil
        if let t = try merged.optional("text") {
            let built = try options.registry.build(.text, from: t, context: context, as: (any TextEncoder).self)
            context.dimensions["text.dim"] = built.outputDim
            text = built
        }
        let taskHead = try options.registry.build(.head, from: try merged.required("head"), context: context, as: (any TaskHead).self)
        let frozen = try merged.int("frozenEncoderSteps", default: 0, atLeast: 0)
        let objective = try FinetuneObjective(encoder: encoder, head: taskHead, textEncoder: taskHead.needsText ? text : nil, frozenEncoderSteps: frozen,
                                              frozenBatchNorm: try merged.bool("frozenBatchNorm", default: false))
        var loadReport: LoadReport? = nil
        if let parent {
            // The head is always new: a parent's own head (a fine-tuned checkpoint) is dropped before the
            // strict load, so no tensor of it reaches the new head even where names and shapes agree.
            let all = try Safetensors.read(parent.appendingPathComponent("model.safetensors")).tensors
            let weights = all.filter { !$0.key.hasPrefix("head.") }
            let report = try objective.model.load(weights, allowMissing: ["head.*"], allowUnexpected: ["pretext.*"])
            log("loaded encoder from \(parent.path): \(report.loaded.count) tensors; head is new (\(report.missing.count) tensors)"
                + (all.count > weights.count ? "; the parent's head (\(all.count - weights.count) tensors) is dropped" : "")
                + (report.unexpected.isEmpty ? "" : "; pretext tensors left out: \(report.unexpected.count)"))
            loadReport = report
        }
        let glossIndex = Dictionary(uniqueKeysWithValues: lists.glosses.enumerated().map { ($1, $0) })
        func source(_ splits: Set<String>?, training: Bool) throws -> PackBatchSource {
            try PackBatchSource(pack: pack, pipeline: pipeline, batchSize: batchSize, splits: splits, training: training, seed: trainer.seed,
                                labelNames: lists.labels, glossVocabulary: lists.glosses.isEmpty ? nil : glossIndex)
        }
        let train = try source(trainSplits, training: true)
        let eval = try evalSplit.map { try source([$0], training: false) }
        let t = try Trainer(objective: objective, config: trainer, train: train, eval: eval, runDirectory: runDir)
        let name = try root.string("name", default: "finetuned")
        let parentName = options.parentName ?? parent?.path
        var nodes: [String: Any] = ["encoder": json["encoder"]!, "head": json["head"]!, "recipe": json]
        if taskHead.needsText, let t = json["text"] { nodes["text"] = t }
        let checkpointNodes = nodes
        if eval != nil, evalSplit != "test", let metric = taskHead.selectionMetric {   // never select on the test split
            let artefacts = ArtefactsBox()
            t.selection = ModelSelection(metric: metric, evaluate: { source in
                let result = try objective.evaluate(source)
                artefacts.latest = result.artefacts
                return result.metrics
            }, write: { folder, best in
                try FinetunedCheckpoint.write(objective: objective, nodes: checkpointNodes, pipeline: pipeline, name: name, parent: parentName,
                                              steps: best.step, metrics: best.metrics, selected: best, split: evalSplit, to: folder)
                for (file, contents) in artefacts.latest { try AtomicFile.write(contents, to: folder.appendingPathComponent(file)) }
            })
        }
        log("finetune \(name): head/\(taskHead.termPrefix), \(objective.model.parameterCount) parameters, "
            + "\(pack.count) clips (eval: \(evalSplit ?? "none")\(t.selection.map { ", best by \($0.metric.name)" } ?? "")), "
            + "\(trainer.steps) steps, \(Parallel.threads) threads")
        if options.resume {
            log(try t.resume() ? "resumed at step \(t.state.step)" : "no checkpoint to resume; starting fresh")
        }
        let state = try t.run()
        var metrics: [String: Double] = [:]
        if let best = state.best {
            // The run's checkpoint is the best one: its weights, metrics and artefacts.
            let bestDir = runDir.appendingPathComponent("best")
            try objective.model.load(from: bestDir.appendingPathComponent("model.safetensors"))
            metrics = best.metrics
            let own: Set<String> = ["config.json", "model.safetensors", "README.md", "metrics.json"]
            for file in try FileManager.default.contentsOfDirectory(atPath: bestDir.path) where !own.contains(file) {
                try AtomicFile.write(try Data(contentsOf: bestDir.appendingPathComponent(file)), to: runDir.appendingPathComponent(file))
            }
            log("best \(best.metric.name) \(String(format: "%.4f", best.value)) at step \(best.step) of \(state.step); "
                + "\(evalSplit ?? ""): " + metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  "))
        } else if let eval, let evalSplit {
            let result = try objective.evaluate(eval)
            metrics = result.metrics
            log("\(evalSplit): " + metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  "))
            for (name, contents) in result.artefacts { try AtomicFile.write(contents, to: runDir.appendingPathComponent(name)) }
        }
        try FinetunedCheckpoint.write(objective: objective, nodes: nodes, pipeline: pipeline, name: name, parent: parentName, steps: state.step,
                                      metrics: metrics, selected: state.best, split: evalSplit, to: runDir)
        log("wrote \(runDir.path)/{config.json, model.safetensors, README.md}")
        return FinetuneResult(objective: objective, pipeline: pipeline, state: state, evalSplit: evalSplit, metrics: metrics,
                              best: state.best, directory: runDir, loadReport: loadReport)
    }
}

/// The artefacts of the latest selection evaluation, for the best checkpoint's folder.
private final class ArtefactsBox { var latest: [String: String] = [:] }
