import Foundation
import SignNN

/// The checkpoint a pre-training run leaves for fine-tuning, export and the zoo:
/// `config.json` (schema version, kind, the full recipe, encoder/pretext ids, pose layout,
/// pipeline, steps, last evaluation) + `model.safetensors` (encoder.* and pretext.*) + `README.md`.
public enum PretrainedCheckpoint {
    public static let schemaVersion = 1

    public static func write(objective: PretrainingObjective, recipe: PretrainingRecipe, state: TrainerState, to dir: URL) throws {
        let pipeline = try JSONSerialization.jsonObject(with: JSONEncoder().encode(recipe.pipeline))
        let config: [String: Any] = [
            "schema_version": schemaVersion,
            "kind": "pretrained",
            "name": recipe.name,
            "encoder": (recipe.json as? [String: Any])?["encoder"] ?? [:],
            "pretext": objective.tasks.map(\.id),
            "text_encoder": objective.textEncoder?.modelID ?? NSNull(),
            "pose_layout": recipe.pipeline.layout ?? "",
            "pipeline": pipeline,
            "steps": state.step,
            "clips_seen": state.clips,
            "last_eval": state.lastEval,
            "recipe": recipe.json,
        ]
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Safetensors.write(objective.model.stateDict(), metadata: ["format": "signzoo", "kind": "pretrained"],
                              to: dir.appendingPathComponent("model.safetensors"))
        let evals = state.lastEval.sorted { $0.key < $1.key }.map { "| \($0.key) | \(String(format: "%.4f", $0.value)) |" }.joined(separator: "\n")
        let card = """
        # \(recipe.name) (pre-trained)

        Pre-trained with SignZoo: encoder `\(((recipe.json as? [String: Any])?["encoder"] as? [String: Any])?["type"] as? String ?? "?")`, \
        pretext tasks \(objective.tasks.map { "`\($0.id)`" }.joined(separator: " + ")), \(state.step) steps, \(state.clips) clips, \
        pose layout `\(recipe.pipeline.layout ?? "")`, \(objective.model.parameterCount) parameters (encoder \(objective.encoder.parameterCount)).

        Last held-out evaluation:

        | term | value |
        | --- | --- |
        \(evals.isEmpty ? "| (no held-out split) | |" : evals)

        `config.json` holds the full recipe; `metrics.jsonl` and `loss.svg` beside it hold the curves.

        """
        try AtomicFile.write(card, to: dir.appendingPathComponent("README.md"))
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]),
                             to: dir.appendingPathComponent("config.json"))
    }
}
