import ArgumentParser
import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// `signzoo finetune --from CHECKPOINT_DIR --head islr --recipe R --data D --out RUN_DIR`.
///
/// Loads the encoder strictly from the checkpoint (its `encoder.*` tensors; pretext modules are
/// declared unexpected, the new head declared missing), builds the head from the recipe with the
/// data's labels / glosses / texts, trains with the Trainer, evaluates the head's metrics on the
/// held-out split and writes a fine-tuned checkpoint folder that `eval` and `predict` load alone.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "finetune", abstract: "Fine-tune a pre-trained encoder with a task head.")

    @Option(name: .customLong("from"), help: "Pre-trained (or fine-tuned) checkpoint folder; omit to train from scratch.") var from: String?
    @Option(help: "Head id (islr, ctc, retrieval, translation) when the recipe has no \"head\" node.") var head: String?
    @Option(help: "Fine-tuning recipe JSON (zoo/recipes/*.json).") var recipe: String
    @Option(help: "Data: a JSONL manifest or a shard-pack folder (splits train / dev / test).") var data: String
    @Option(help: "Run folder (created).") var out: String
    @Option(help: "Override the recipe's step count.") var steps: Int?
    @Option(help: "Threads (default: SIGNZOO_THREADS or all cores).") var threads: Int?

    func run() throws {
        if let threads { Parallel.threads = threads }
        let registry = try ActivePlugins.registry()
        let recipeData = try Data(contentsOf: URL(fileURLWithPath: recipe))
        let root = try RecipeValue.parse(recipeData, source: recipe)
        try root.rejectUnknownKeys(["name", "description", "data", "encoder", "text", "head", "optimizer", "train", "frozenEncoderSteps"])
        var json = try JSONSerialization.jsonObject(with: recipeData) as? [String: Any] ?? [:]
        var trainer = try TrainerConfig(optimizer: try root.optional("optimizer"), train: try root.optional("train"))
        if let steps { trainer.steps = steps; trainer.warmupSteps = min(trainer.warmupSteps, max(1, steps / 10)) }

        // Encoder (and text) nodes: from the recipe, else from the checkpoint.
        let parent = try from.map { try checkpointFolder($0) }
        let parentConfig = try parent.map { try FinetunedCheckpoint.config($0) }
        let parentFile = parent?.appendingPathComponent("config.json").path ?? recipe
        if json["encoder"] == nil, let e = parentConfig?["encoder"] { json["encoder"] = e }
        if json["text"] == nil, let t = parentConfig?["text"] ?? (parentConfig?["recipe"] as? [String: Any])?["text"] { json["text"] = t }
        if json["head"] == nil {
            guard let head else { throw ValidationError("the recipe has no \"head\" node: pass --head islr|ctc|retrieval|translation") }
            json["head"] = ["type": head.hasPrefix("head/") ? head : "head/\(head)"]
        }
        guard json["encoder"] != nil else { throw ValidationError("no encoder: give --from CHECKPOINT or an \"encoder\" node in the recipe") }
        let merged = try RecipeValue.parse(try JSONSerialization.data(withJSONObject: json), source: recipe)

        var (pipeline, batchSize) = try PretrainingRecipe.parseData(try merged.optional("data"))
        if (json["data"] as? [String: Any])?["layout"] == nil, let layout = parentConfig?["pose_layout"] as? String, !layout.isEmpty {
            pipeline = PosePipeline(preprocessing: pipeline.preprocessing, layout: layout, augmentation: pipeline.augmentation, maxFrames: pipeline.maxFrames)
        }
        let runDir = URL(fileURLWithPath: out)
        let pack = try TrainingData.openPack(data, cache: runDir.appendingPathComponent("data"), layout: nil) { print($0) }
        let splits = Set(pack.header.splits)
        let trainSplits: Set<String>? = splits.contains("train") ? ["train"] : nil
        let evalSplit = ["dev", "validation", "test"].first(where: splits.contains)
        let lists = try DataLists.collect(pack, trainSplits: trainSplits)

        var context = BuildContext(seed: trainer.seed, values: ["layout": pipeline.layout ?? ""], lists: lists.asContext)
        let encoder = try registry.build(.encoder, from: try merged.required("encoder"), context: context, as: (any PoseEncoder).self)
        context.dimensions["encoder.dim"] = encoder.outputDim
        var text: (any TextEncoder)? = nil
        if let t = try merged.optional("text") {
            let built = try registry.build(.text, from: t, context: context, as: (any TextEncoder).self)
            context.dimensions["text.dim"] = built.outputDim
            text = built
        }
        let taskHead = try registry.build(.head, from: try merged.required("head"), context: context, as: (any TaskHead).self)
        let frozen = try merged.int("frozenEncoderSteps", default: 0)
        let objective = try FinetuneObjective(encoder: encoder, head: taskHead, textEncoder: taskHead.needsText ? text : nil, frozenEncoderSteps: frozen)
        if let parent {
            let weights = try Safetensors.read(parent.appendingPathComponent("model.safetensors")).tensors
            let report = try objective.model.load(weights, allowMissing: ["head.*"], allowUnexpected: ["pretext.*", "head.*"])
            print("loaded encoder from \(parent.path): \(report.loaded.filter { $0.hasPrefix("encoder.") }.count) tensors; head is new (\(report.missing.count) tensors)")
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
        print("finetune \(name): head/\(taskHead.termPrefix), \(objective.model.parameterCount) parameters, "
              + "\(pack.count) clips (eval: \(evalSplit ?? "none")), \(trainer.steps) steps, \(Parallel.threads) threads")
        let state = try t.run()
        var metrics: [String: Double] = [:]
        if let eval {
            let result = try objective.evaluate(eval)
            metrics = result.metrics
            print("\(evalSplit!): " + metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  "))
            for (name, contents) in result.artefacts { try AtomicFile.write(contents, to: runDir.appendingPathComponent(name)) }
        }
        var nodes: [String: Any] = ["encoder": json["encoder"]!, "head": json["head"]!, "recipe": json]
        if taskHead.needsText, let t = json["text"] { nodes["text"] = t }
        try FinetunedCheckpoint.write(objective: objective, nodes: nodes, pipeline: pipeline, name: name,
                                      parent: from, steps: state.step, metrics: metrics, to: runDir)
        print("wrote \(runDir.path)/{config.json, model.safetensors, README.md}")
    }
}

/// The label list, gloss vocabulary and training texts of a pack, for sizing heads.
struct DataLists {
    var labels: [String], glosses: [String], texts: [String]
    var asContext: [String: [String]] {
        var d: [String: [String]] = ["labels": labels, "texts": texts]
        if !glosses.isEmpty { d["glosses"] = glosses }
        return d
    }

    static func collect(_ pack: ShardPack, trainSplits: Set<String>?) throws -> DataLists {
        var glosses = Set<String>(), texts: [String] = []
        for i in 0..<pack.count {
            let m = try pack.metadata(try pack.record(i), clip: i)
            for g in m.glosses ?? [] { glosses.insert(g) }
            if let t = m.text, trainSplits.map({ s in m.split.map(s.contains) ?? false }) ?? true { texts.append(t) }
        }
        return DataLists(labels: pack.header.labels, glosses: glosses.sorted(), texts: texts)
    }
}
