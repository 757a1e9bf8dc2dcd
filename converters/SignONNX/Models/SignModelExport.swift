import Foundation
import BERTTextEncoder
import CTCHead
import ISLRHead
import MSLUEncoder
import RetrievalHead
import SignCore
import SignNN
import SignPose
import SignTensor
import TranslationHead

/// How to export: opset, LayerNormalization form, and the `metadata_props` to record.
public struct ONNXExportOptions: Sendable {
    public var opset: ONNXOpset
    public var decomposeLayerNorm: Bool
    /// Extra metadata (zoo_id, checkpoint_sha256, preprocessing, …); the export adds pose_layout,
    /// engine_version, head, inputs, outputs and the head's lists.
    public var metadata: [String: String]
    public init(opset: ONNXOpset = .opset17, decomposeLayerNorm: Bool = false, metadata: [String: String] = [:]) {
        self.opset = opset; self.decomposeLayerNorm = decomposeLayerNorm; self.metadata = metadata
    }
}

/// One exported file: its conventional name and the model.
public struct ExportedONNXModel {
    /// `model.onnx`, or `encoder_model.onnx` / `decoder_model.onnx` for translation.
    public let fileName: String
    public let model: ONNXModel
}

/// Whole-model exports (DESIGN.md §8): a pose encoder alone or with its task head, in eval mode,
/// with the graph interface
///
///   poses [batch, frames, points, dims] float32 — already normalized by the checkpoint's
///         `preprocessing` (done in the host, see metadata `preprocessing`), points in `pose_layout`
///         order, dims = (x, y, score)
///   mask  [batch, frames] float32 — 1 for real frames, 0 for padding (valid frames first)
///
/// and outputs by head: encoder alone `tokens` [batch, frames, D] + `pooled` [batch, D];
/// `head/islr` `logits` [batch, classes]; `head/ctc` `log_probs` [batch, frames_out, glosses + 1]
/// (blank = 0) + `log_probs_mask` [batch, frames_out]; `head/retrieval` `embedding` [batch, E]
/// (L2-normalized; with a `text/bert` text encoder also `text_model.onnx`: input_ids, attention_mask →
/// `text_embedding`); `head/translation` two files: `encoder_model.onnx` (poses, mask → `memory`
/// [batch, frames, d]) and `decoder_model.onnx` (memory, memory_mask, input_ids int64 [batch,
/// length] → next-token `logits` [batch, vocabulary]; the host runs the search loop).
public enum SignModelExport {
    /// Recorded as `engine_version` and the models' producer version.
    public static let engineVersion = "signzoo 0.1 (SignONNX, MSLU encoder + heads)"

    /// The files of an export; `head` nil exports the encoder alone. A module without a lowering
    /// throws `ONNXExportError.noLowering` naming its type and module path (`encoder`, `head`, …).
    /// `text`: the retrieval head's text encoder; a Swift-native `text/bert` adds `text_model.onnx`
    /// (see `retrievalTextModel`); other text encoders (precomputed features) export the pose side only.
    public static func export(encoder: any PoseEncoder, head: (any TaskHead)?, layout: PoseLayout, text: (any TextEncoder)? = nil,
                              options: ONNXExportOptions = ONNXExportOptions()) throws -> [ExportedONNXModel] {
        guard let mslu = encoder as? MSLUEncoder else {
            throw ONNXExportError.noLowering(op: String(describing: type(of: encoder)), path: "encoder")
        }
        let wasTraining = (encoder.isTraining, head?.isTraining ?? false)
        encoder.eval(); head?.eval()
        defer { encoder.train(wasTraining.0); head?.train(wasTraining.1) }
        var metadata = options.metadata
        metadata["pose_layout"] = layout.name
        metadata["pose_layout_points"] = try poseLayoutPoints(layout)
        metadata["pose_parts"] = try poseParts(layout)
        metadata["engine_version"] = engineVersion
        metadata["inputs"] = "poses [batch, frames, \(layout.pointCount), \(mslu.config.inputChannels)] float32 = (x, y, score) per point of "
            + "layout \(layout.name), normalized in the host as metadata 'preprocessing' says; mask [batch, frames] float32, 1 = valid frame, valid frames first"
        for (key, list) in head?.vocabulary ?? [:] {
            metadata[key] = String(data: try JSONSerialization.data(withJSONObject: list), encoding: .utf8)
        }
        metadata["head"] = head.map { "head/\($0.termPrefix)" } ?? "none"

        func poseGraph(_ name: String) throws -> (ONNXGraphBuilder, String, String, (tokens: String, pooled: String)) {
            let b = ONNXGraphBuilder(opset: options.opset, decomposeLayerNorm: options.decomposeLayerNorm, graphName: name)
            let poses = try b.input("poses", shape: ["batch", "frames", .fixed(layout.pointCount), .fixed(mslu.config.inputChannels)])
            let mask = try b.input("mask", shape: ["batch", "frames"])
            let encoded = try b.scope("encoder") { try b.lower(mslu, poses: poses, mask: mask, layout: layout) }
            return (b, poses, mask, encoded)
        }
        func finish(_ b: ONNXGraphBuilder, _ file: String, outputs: String, boundaries: [String: String] = [:]) throws -> ExportedONNXModel {
            var m = metadata
            m["outputs"] = outputs
            m["role"] = String(file.dropLast(".onnx".count))
            if !boundaries.isEmpty {
                m["intermediates"] = String(data: try JSONSerialization.data(withJSONObject: boundaries, options: [.sortedKeys]), encoding: .utf8)
            }
            return ExportedONNXModel(fileName: file, model: try b.model(metadata: m, producerVersion: engineVersion,
                                                                        docString: "SignZoo export (\(metadata["head"] ?? "")); see metadata 'inputs' and 'outputs'"))
        }
        let d = mslu.outputDim
        /// The graph values of the encoder's outputs inside a head model (for `check onnx --intermediates`).
        func boundaries(_ e: (tokens: String, pooled: String)) -> [String: String] { ["encoder.tokens": e.tokens, "encoder.pooled": e.pooled] }
        guard let head else {
            let (b, _, _, e) = try poseGraph("signzoo_encoder")
            try b.output(e.tokens, name: "tokens", shape: ["batch", "frames", .fixed(d)])
            try b.output(e.pooled, name: "pooled", shape: ["batch", .fixed(d)])
            return [try finish(b, "model.onnx", outputs: "tokens [batch, frames, \(d)] (0 on padded frames); pooled [batch, \(d)] masked mean")]
        }
        switch head {
        case let h as ISLRHead:
            let (b, _, mask, e) = try poseGraph("signzoo_islr")
            let logits = try b.scope("head") { try b.lower(h, tokens: e.tokens, mask: mask) }
            try b.output(logits, name: "logits", shape: ["batch", .fixed(h.classCount)])
            return [try finish(b, "model.onnx", outputs: "logits [batch, \(h.classCount)]; class c is labels[c] (metadata 'labels')",
                               boundaries: boundaries(e))]
        case let h as CTCHead:
            let (b, _, mask, e) = try poseGraph("signzoo_ctc")
            let out = try b.scope("head") { try b.lower(h, tokens: e.tokens, mask: mask) }
            let frames: ONNXDim = h.temporal.isEmpty ? "frames" : "frames_out"
            try b.output(out.logProbs, name: "log_probs", shape: ["batch", frames, .fixed(h.glosses.count + 1)])
            try b.output(out.mask, name: "log_probs_mask", shape: ["batch", frames])
            return [try finish(b, "model.onnx", outputs: "log_probs [batch, frames_out, \(h.glosses.count + 1)] (class 0 = blank, class g+1 = glosses[g]); "
                               + "log_probs_mask [batch, frames_out] valid downsampled frames (time downsampled by \(1 << h.temporal.count)); decode in the host", boundaries: boundaries(e))]
        case let h as RetrievalHead:
            let (b, _, mask, e) = try poseGraph("signzoo_retrieval")
            let v = try b.scope("head") { try b.lower(h, tokens: e.tokens, mask: mask, encoderPooled: e.pooled) }
            try b.output(v, name: "embedding", shape: ["batch", .fixed(h.config.embedDim)])
            let pose = try finish(b, "model.onnx", outputs: "embedding [batch, \(h.config.embedDim)] L2-normalized pose embedding (cosine = dot product)", boundaries: boundaries(e))
            guard let bert = text as? BERTTextEncoder else { return [pose] }
            var textOptions = options
            textOptions.metadata = options.metadata.merging(["text_model_id": bert.modelID]) { a, _ in a }
            return [pose, try retrievalTextModel(bert: bert.model, head: h, options: textOptions)]
        case let h as TranslationHead:
            let (eb, _, _, e) = try poseGraph("signzoo_translation_encoder")
            let memory = try eb.scope("head") { try eb.lowerMemory(h, tokens: e.tokens) }
            let dm = h.config.dModel
            try eb.output(memory, name: "memory", shape: ["batch", "frames", .fixed(dm)])
            let db = ONNXGraphBuilder(opset: options.opset, decomposeLayerNorm: options.decomposeLayerNorm, graphName: "signzoo_translation_decoder")
            let mem = try db.input("memory", shape: ["batch", "frames", .fixed(dm)])
            let memMask = try db.input("memory_mask", shape: ["batch", "frames"])
            let ids = try db.input("input_ids", shape: ["batch", "length"], type: .int64)
            let logits = try db.scope("head") { try db.lowerDecoderStep(h, inputIDs: ids, memory: mem, memoryMask: memMask) }
            let v = h.textVocabulary.count
            try db.output(logits, name: "logits", shape: ["batch", .fixed(v)])
            var special = metadata
            special["special_tokens"] = "{\"pad\": \(TextVocabulary.padID), \"bos\": \(TextVocabulary.bosID), \"eos\": \(TextVocabulary.eosID)}"
            metadata = special
            return [try finish(eb, "encoder_model.onnx", outputs: "memory [batch, frames, \(dm)]; feed it with the input mask as memory_mask to decoder_model.onnx",
                               boundaries: boundaries(e)),
                    try finish(db, "decoder_model.onnx", outputs: "logits [batch, \(v)] of the next token after input_ids [batch, length] "
                               + "(<bos> first, no padding; position limit \(h.maxPositions)); the host runs greedy/beam search")]
        default:
            throw ONNXExportError.noLowering(op: String(describing: type(of: head)), path: "head")
        }
    }

    /// The layout's points in order as `[[component, point], …]` JSON: a host maps a pose file's
    /// points by these names (as SignZoo's layout conversion does).
    public static func poseLayoutPoints(_ layout: PoseLayout) throws -> String {
        let names = layout.components.flatMap { c in c.points.map { [c.name, $0] } }
        return String(data: try JSONSerialization.data(withJSONObject: names), encoding: .utf8) ?? "[]"
    }

    /// The point indices the preprocessing uses, as JSON: `body`, `left_hand`, `right_hand` (first
    /// point = wrist anchor), `non_manual` (face + mouth) and `nose_tip` (the face anchor, or −1).
    public static func poseParts(_ layout: PoseLayout) throws -> String {
        let parts: [String: Any] = [
            "body": layout.indices(of: .body) ?? [], "left_hand": layout.indices(of: .leftHand) ?? [],
            "right_hand": layout.indices(of: .rightHand) ?? [], "non_manual": layout.nonManualIndices,
            "nose_tip": Preprocessing.noseTip(layout) ?? -1,
        ]
        return String(data: try JSONSerialization.data(withJSONObject: parts, options: [.sortedKeys]), encoding: .utf8) ?? "{}"
    }

    /// Writes the files: one model to `output` itself; several (translation) into the folder
    /// `output` (created), under their `fileName`s. Returns the written paths.
    @discardableResult
    public static func write(_ models: [ExportedONNXModel], to output: URL) throws -> [URL] {
        if models.count == 1 {
            try models[0].model.write(to: output)
            return [output]
        }
        do { try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true) }
        catch { throw ONNXExportError.cannotWrite(path: output.path, reason: "cannot create the folder (\(error.localizedDescription))") }
        return try models.map { m in
            let url = output.appendingPathComponent(m.fileName)
            try m.model.write(to: url)
            return url
        }
    }
}
