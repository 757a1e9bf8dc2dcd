import Foundation
import SignNN
import SignPose
import SignTensor

/// Checkpoint folders for fine-tuning: reading a pre-trained one (its encoder) and writing/reading a
/// fine-tuned one, whose `config.json` carries everything `predict` needs: the encoder, head and
/// text nodes, the head's vocabulary (labels, glosses, tokens), the pose layout and the pipeline.
public enum FinetunedCheckpoint {
    public static let schemaVersion = 1

    /// The JSON object of `dir/config.json`.
    public static func config(_ dir: URL) throws -> [String: Any] {
        let url = dir.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CheckpointError(file: url.path, reason: "missing (is \(dir.path) a checkpoint folder?)")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CheckpointError(file: url.path, reason: "not a JSON object")
        }
        guard let v = obj["schema_version"] as? Int, v <= schemaVersion else {
            throw CheckpointError(file: url.path, reason: "unsupported schema_version \(obj["schema_version"] ?? "none") (this SignZoo reads ≤ \(schemaVersion))")
        }
        return obj
    }

    /// A sub-node of a checkpoint config as a RecipeValue (for the registry), or nil.
    public static func node(_ config: [String: Any], _ key: String, file: String) throws -> RecipeValue? {
        guard let v = config[key], !(v is NSNull) else { return nil }
        return try RecipeValue.parse(try JSONSerialization.data(withJSONObject: v), source: "\(file):\(key)")
    }

    public static func pipeline(_ config: [String: Any], file: String) throws -> PosePipeline {
        guard let p = config["pipeline"] else { throw CheckpointError(file: file, reason: "config has no pipeline") }
        do { return try JSONDecoder().decode(PosePipeline.self, from: try JSONSerialization.data(withJSONObject: p)) }
        catch { throw CheckpointError(file: file, reason: "unreadable pipeline (\(error))") }
    }

    /// Writes a fine-tuned checkpoint: config.json + model.safetensors + README.md card. `selected`:
    /// the best-checkpoint evaluation these weights come from (config `best_step`, `selection`), on `split`.
    public static func write(objective: FinetuneObjective, nodes: [String: Any], pipeline: PosePipeline, name: String,
                             parent: String?, steps: Int, metrics: [String: Double], selected: BestCheckpoint? = nil,
                             split: String? = nil, to dir: URL) throws {
        var config: [String: Any] = nodes
        config["schema_version"] = schemaVersion
        config["kind"] = "finetuned"
        config["name"] = name
        config["vocabulary"] = objective.head.vocabulary
        config["pose_layout"] = pipeline.layout ?? ""
        config["pipeline"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(pipeline))
        config["parent"] = parent ?? NSNull()
        config["steps"] = steps
        config["metrics"] = metrics
        if let selected {
            config["best_step"] = selected.step
            config["selection"] = ["metric": selected.metric.name, "higher_is_better": selected.metric.higherIsBetter,
                                   "value": selected.value, "split": split ?? ""] as [String: Any]
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Safetensors.write(objective.model.stateDict(), metadata: ["format": "signzoo", "kind": "finetuned"],
                              to: dir.appendingPathComponent("model.safetensors"))
        let rows = metrics.sorted { $0.key < $1.key }.map { "| \($0.key) | \(String(format: "%.4f", $0.value)) |" }.joined(separator: "\n")
        let card = """
        # \(name) (fine-tuned, head/\(objective.head.termPrefix))

        Fine-tuned with SignZoo from \(parent.map { "`\($0)`" } ?? "scratch") for \(steps) steps; pose layout `\(pipeline.layout ?? "")`, \
        \(objective.model.parameterCount) parameters.\(selected.map { s in " Weights of step \(s.step), the best \(s.metric.name) (\(s.metric.higherIsBetter ? "higher" : "lower") is better) on the \(split ?? "held-out") split among the evaluations." } ?? "")

        | metric | value |
        | --- | --- |
        \(rows.isEmpty ? "| (no evaluation split) | |" : rows)

        """
        try AtomicFile.write(card, to: dir.appendingPathComponent("README.md"))
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]),
                             to: dir.appendingPathComponent("config.json"))
    }

    /// Rebuilds a fine-tuned model from its folder (strict load) for eval / predict.
    public static func load(_ dir: URL, registry: Registry) throws -> (objective: FinetuneObjective, pipeline: PosePipeline, config: [String: Any]) {
        let file = dir.appendingPathComponent("config.json").path
        let config = try config(dir)
        guard config["kind"] as? String == "finetuned" else {
            throw CheckpointError(file: file, reason: "kind is \(config["kind"] ?? "none"), expected a fine-tuned checkpoint (use finetune --from for pre-trained ones)")
        }
        guard let encoderNode = try node(config, "encoder", file: file), let headNode = try node(config, "head", file: file) else {
            throw CheckpointError(file: file, reason: "config lacks the encoder or head node")
        }
        var context = BuildContext(seed: 0)
        context.lists = (config["vocabulary"] as? [String: [String]]) ?? [:]
        let encoder = try registry.build(.encoder, from: encoderNode, context: context, as: (any PoseEncoder).self)
        context.dimensions["encoder.dim"] = encoder.outputDim
        var text: (any TextEncoder)? = nil
        if let t = try node(config, "text", file: file) {
            let built = try registry.build(.text, from: t, context: context, as: (any TextEncoder).self)
            context.dimensions["text.dim"] = built.outputDim
            text = built
        }
        let head = try registry.build(.head, from: headNode, context: context, as: (any TaskHead).self)
        let objective = try FinetuneObjective(encoder: encoder, head: head, textEncoder: text)
        try objective.model.load(from: dir.appendingPathComponent("model.safetensors"))
        objective.model.eval()
        return (objective, try pipeline(config, file: file), config)
    }
}
