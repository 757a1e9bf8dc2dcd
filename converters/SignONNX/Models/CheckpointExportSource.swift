import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// What an export reads from a checkpoint folder: the encoder (and the fine-tuned head), the pose
/// layout, the pipeline (preprocessing) and the metadata to record.
///
/// - A fine-tuned folder (`kind: finetuned`) loads with `FinetunedCheckpoint.load`; its head is
///   exported unless `head` is `"none"` (encoder alone).
/// - A pre-trained folder (`kind: pretrained`) exports its encoder (`encoder.*` tensors, strict;
///   `pretext.*` ignored); asking for a head there is an error.
public struct CheckpointExportSource {
    public let encoder: any PoseEncoder
    public let head: (any TaskHead)?
    /// The fine-tuned checkpoint's text encoder (retrieval), if any.
    public let text: (any TextEncoder)?
    public let layout: PoseLayout
    public let pipeline: PosePipeline
    /// zoo_id (when the config names one), checkpoint (name), checkpoint_kind, checkpoint_sha256
    /// (of model.safetensors), preprocessing (the pipeline as JSON, applied in the host).
    public let metadata: [String: String]

    /// `head`: nil = the checkpoint's own (fine-tuned) or none (pre-trained); "none"/"encoder" = the
    /// encoder alone; a head id (`islr`, `head/islr`) must match the fine-tuned head.
    public static func load(_ dir: URL, registry: Registry, head: String? = nil, layout: String? = nil) throws -> CheckpointExportSource {
        let file = dir.appendingPathComponent("config.json").path
        let config = try FinetunedCheckpoint.config(dir)
        let kind = config["kind"] as? String ?? ""
        let wanted = head.map { $0.hasPrefix("head/") ? String($0.dropFirst(5)) : $0 }
        let encoderOnly = wanted == "none" || wanted == "encoder"
        let encoder: any PoseEncoder
        var taskHead: (any TaskHead)? = nil
        var text: (any TextEncoder)? = nil
        let pipeline = try FinetunedCheckpoint.pipeline(config, file: file)
        let layoutName = layout ?? (config["pose_layout"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? pipeline.layout
        guard let layoutName else {
            throw CheckpointError(file: file, reason: "the checkpoint names no pose layout; pass --layout NAME")
        }
        switch kind {
        case "finetuned":
            let loaded = try FinetunedCheckpoint.load(dir, registry: registry)
            encoder = loaded.objective.encoder
            if !encoderOnly {
                if let wanted, wanted != loaded.objective.head.termPrefix {
                    throw CheckpointError(file: file, reason: "the checkpoint's head is head/\(loaded.objective.head.termPrefix), not head/\(wanted) (use --head none for the encoder alone)")
                }
                taskHead = loaded.objective.head
                text = loaded.objective.textEncoder
            }
        case "pretrained":
            if let wanted, !encoderOnly {
                throw CheckpointError(file: file, reason: "a pre-trained checkpoint has no head/\(wanted); fine-tune it first (signzoo finetune) or export the encoder alone")
            }
            guard let node = try FinetunedCheckpoint.node(config, "encoder", file: file) else {
                throw CheckpointError(file: file, reason: "config lacks the encoder node")
            }
            let built = try registry.build(.encoder, from: node, context: BuildContext(seed: 0, values: ["layout": layoutName]),
                                           as: (any PoseEncoder).self)
            let all = try Safetensors.read(dir.appendingPathComponent("model.safetensors")).tensors
            var weights: [String: Tensor] = [:]
            for (name, t) in all where name.hasPrefix("encoder.") { weights[String(name.dropFirst("encoder.".count))] = t }
            try built.load(weights)
            built.eval()
            encoder = built
        default:
            throw CheckpointError(file: file, reason: "kind is \(kind.isEmpty ? "missing" : kind); expected a pre-trained or fine-tuned checkpoint")
        }
        var metadata: [String: String] = [
            "checkpoint_kind": kind,
            "checkpoint_sha256": try SHA256.hex(file: dir.appendingPathComponent("model.safetensors")),
            "preprocessing": String(data: try JSONEncoder().encode(pipeline), encoding: .utf8) ?? "{}",
        ]
        if let name = config["name"] as? String { metadata["checkpoint"] = name }
        if let zoo = config["zoo_id"] as? String { metadata["zoo_id"] = zoo }
        return CheckpointExportSource(encoder: encoder, head: taskHead, text: text, layout: try PoseLayouts.named(layoutName),
                                      pipeline: pipeline, metadata: metadata)
    }
}
