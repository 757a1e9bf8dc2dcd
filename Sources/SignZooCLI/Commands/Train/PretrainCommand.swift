import ArgumentParser
import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// `signzoo pretrain --recipe R --data MANIFEST|SHARDS --out RUN_DIR`: multi-task pre-training.
///
/// Writes RUN_DIR/{config.json, model.safetensors, README.md} (the checkpoint later commands load),
/// RUN_DIR/checkpoints/step-N/ (resumable training state, keep-last-K), metrics.jsonl and loss.svg.
struct PretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pretrain", abstract: "Pre-train an encoder with the recipe's pretext tasks.")

    @Option(help: "Recipe JSON (zoo/recipes/*.json).") var recipe: String
    @Option(help: "Training data: a JSONL manifest (packed once into RUN_DIR/data) or a shard-pack folder.") var data: String
    @Option(help: "Run folder (created).") var out: String
    @Option(help: "Override the recipe's step count.") var steps: Int?
    @Option(help: "Threads (default: SIGNZOO_THREADS or all cores).") var threads: Int?
    @Flag(help: "Continue from the newest checkpoint in RUN_DIR/checkpoints.") var resume = false

    func run() throws {
        if let threads { Parallel.threads = threads }
        var recipe = try PretrainingRecipe(contentsOf: URL(fileURLWithPath: self.recipe))
        if let steps { recipe = recipe.withSteps(steps) }
        let runDir = URL(fileURLWithPath: out)
        let registry = try ActivePlugins.registry()
        let objective = try recipe.buildObjective(registry: registry)
        // Pack in the recipe's layout, so corpora mixing layouts (Holistic variants) convert at packing time.
        let pack = try TrainingData.openPack(data, cache: runDir.appendingPathComponent("data"), layout: recipe.pipeline.layout) { print($0) }
        let splits = Set(pack.header.splits)
        let trainSplits: Set<String>? = splits.contains("train") ? ["train"] : nil
        let evalSplit = ["dev", "validation", "test"].first(where: splits.contains)
        let train = try PackBatchSource(pack: pack, pipeline: recipe.pipeline, batchSize: recipe.batchSize, splits: trainSplits,
                                        training: true, seed: recipe.trainer.seed)
        let eval = try evalSplit.map {
            try PackBatchSource(pack: pack, pipeline: recipe.pipeline, batchSize: recipe.batchSize, splits: [$0], training: false, seed: recipe.trainer.seed)
        }
        let trainer = try Trainer(objective: objective, config: recipe.trainer, train: train, eval: eval, runDirectory: runDir)
        trainer.checkpointConfig = ["kind": "pretrain-state", "recipe": recipe.json]
        print("pretrain \(recipe.name): \(objective.model.parameterCount) parameters (encoder \(objective.encoder.parameterCount)), "
              + "\(pack.count) clips in \(data) (train split: \(trainSplits == nil ? "all" : "train"), eval: \(evalSplit ?? "none")), "
              + "\(recipe.trainer.steps) steps, \(Parallel.threads) threads")
        if resume {
            if try trainer.resume() { print("resumed at step \(trainer.state.step)") } else { print("no checkpoint to resume; starting fresh") }
        }
        let state = try trainer.run()
        try PretrainedCheckpoint.write(objective: objective, recipe: recipe, state: state, to: runDir)
        print("wrote \(runDir.path)/{config.json, model.safetensors, README.md}, metrics.jsonl, loss.svg")
    }
}
