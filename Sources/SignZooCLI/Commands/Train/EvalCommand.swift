import ArgumentParser
import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// `signzoo eval --checkpoint DIR --data D --split test`: the head's metrics table, also as JSON.
/// On a pre-training run it evaluates the pretext tasks instead (`PretrainEval`).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate a fine-tuned checkpoint (or a pre-training run) on a split.")

    @Option(help: "Fine-tuned checkpoint folder or zoo id, or a pre-training run folder.") var checkpoint: String
    @Option(help: "Data: a JSONL manifest or a shard-pack folder.") var data: String
    @Option(help: "Split to evaluate.") var split = "test"
    @Option(help: "Batch size.") var batchSize = 16
    @Option(help: "Metrics JSON output (default: CHECKPOINT/eval-SPLIT.json).") var output: String?

    func run() throws {
        let dir = try checkpointFolder(checkpoint)
        if PretrainedCheckpoint.isPretrained(dir) {
            return try PretrainEval.run(checkpoint: dir.path, data: data, split: split, batchSize: batchSize,
                                        output: output ?? besideCheckpoint(dir).appendingPathComponent("eval-\(split).json").path)
        }
        let (objective, pipeline, config) = try FinetunedCheckpoint.load(dir, registry: try ActivePlugins.registry())
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("signzoo-eval-\(getpid())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let pack = try TrainingData.openPack(data, cache: cache, layout: nil) { _ in }
        guard pack.header.splits.contains(split) else {
            throw ValidationError("\(data) has no split \"\(split)\" (splits: \(pack.header.splits.joined(separator: ", ")))")
        }
        let vocabulary = config["vocabulary"] as? [String: [String]] ?? [:]
        let glosses = vocabulary["glosses"].map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        let source = try PackBatchSource(pack: pack, pipeline: pipeline, batchSize: batchSize, splits: [split], training: false, seed: 0,
                                         labelNames: vocabulary["labels"] ?? pack.header.labels, glossVocabulary: glosses)
        let (metrics, artefacts) = try objective.evaluate(source)
        print("\(config["name"] as? String ?? checkpoint) on \(data) [\(split)]")
        let width = metrics.keys.map(\.count).max() ?? 0
        for (k, v) in metrics.sorted(by: { $0.key < $1.key }) {
            print("  \(k.padding(toLength: width + 2, withPad: " ", startingAt: 0))\(String(format: "%.4f", v))")
        }
        let out = output.map { URL(fileURLWithPath: $0) } ?? besideCheckpoint(dir).appendingPathComponent("eval-\(split).json")
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: ["split": split, "data": data, "metrics": metrics], options: [.prettyPrinted, .sortedKeys]), to: out)
        for (name, contents) in artefacts { try AtomicFile.write(contents, to: out.deletingLastPathComponent().appendingPathComponent(name)) }
        print("wrote \(out.path)")
    }
}
