import ArgumentParser
import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// `signzoo finetune --from CHECKPOINT_DIR --head islr --recipe R --data D --out RUN_DIR`.
///
/// A thin wrapper around `Finetuning.run` (SignCore): loads the encoder strictly from the checkpoint
/// (its `encoder.*` tensors; pretext modules are declared unexpected, the new head declared missing),
/// builds the head from the recipe with the data's labels / glosses / texts, trains with the Trainer,
/// keeps the best weights on the held-out split by the head's metric (RUN_DIR/best/), and writes a
/// fine-tuned checkpoint folder from them that `eval` and `predict` load alone.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "finetune", abstract: "Fine-tune a pre-trained encoder with a task head.")

    @Option(name: .customLong("from"), help: "Pre-trained (or fine-tuned) checkpoint folder; omit to train from scratch.") var from: String?
    @Option(help: "Head id (islr, ctc, retrieval, translation) when the recipe has no \"head\" node.") var head: String?
    @Option(help: "Fine-tuning recipe JSON (zoo/recipes/*.json).") var recipe: String
    @Option(help: "Data: a JSONL manifest or a shard-pack folder (splits train / dev / test).") var data: String
    @Option(help: "Run folder (created).") var out: String
    @Option(help: "Override the recipe's step count.") var steps: Int?
    @Option(help: "Threads (default: SIGNZOO_THREADS or all cores).") var threads: Int?
    @Flag(help: "Continue from the newest checkpoint in RUN_DIR/checkpoints.") var resume = false

    func run() throws {
        if let threads { Parallel.threads = threads }
        let registry = try ActivePlugins.registry()
        let recipeData = try Data(contentsOf: URL(fileURLWithPath: recipe))
        let parent = try from.map { try checkpointFolder($0) }
        _ = try Finetuning.run(FinetuneOptions(registry: registry, parent: parent, parentName: from, recipe: recipeData, recipeSource: recipe,
                                               head: head, data: data, out: URL(fileURLWithPath: out), steps: steps, resume: resume,
                                               log: { print($0); fflush(stdout) }))
    }
}
