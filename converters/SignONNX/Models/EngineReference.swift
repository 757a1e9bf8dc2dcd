import Foundation
import BERTTextEncoder
import CTCHead
import ISLRHead
import RetrievalHead
import SignCore
import SignNN
import SignPose
import SignTensor
import TranslationHead

/// The engine side of an export check: test inputs and what the Swift eval forward gives for them,
/// per exported file (`role`: `model`, `encoder_model`, `decoder_model`).
public enum EngineReference {
    /// Real-looking random poses [B, T, P, 3] in `layout`: per clip a random skeleton (x, y in ±0.8,
    /// about the range of normalized poses) moving smoothly (a slow sinusoid per point), scores in
    /// [0.3, 1]; clip b has `lengths[b]` valid frames first and zero padding after (a masked tail).
    public static func poses(layout: PoseLayout, lengths: [Int], frames: Int, seed: UInt64) throws -> PoseBatch {
        var rng = RandomStream(seed: seed)
        let p = layout.pointCount, b = lengths.count
        let base = Tensor.uniform([b, p, 2], low: -0.8, high: 0.8, rng: &rng)
        let phase = Tensor.uniform([b, p, 2], low: 0, high: 6.283, rng: &rng)
        let scores = Tensor.uniform([b, frames, p], low: 0.3, high: 1, rng: &rng)
        let poses = Tensor.zeros([b, frames, p, 3])
        let mask = Tensor.zeros([b, frames])
        for clip in 0..<b {
            for t in 0..<min(lengths[clip], frames) {
                mask.pointer[clip * frames + t] = 1
                for j in 0..<p {
                    let o = ((clip * frames + t) * p + j) * 3
                    for c in 0..<2 {
                        let k = (clip * p + j) * 2 + c
                        poses.pointer[o + c] = base.pointer[k] + 0.05 * Float(Foundation.sin(Double(t) * 0.3 + Double(phase.pointer[k])))
                    }
                    poses.pointer[o + 2] = scores.pointer[(clip * frames + t) * p + j]
                }
            }
        }
        return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: (0..<b).map { "clip\($0)" })
    }

    /// Graph inputs, expected outputs (by graph output name) and module-boundary intermediates
    /// (`encoder.tokens`, `encoder.pooled`) of the exported file `role` on `batch`, computed in eval
    /// mode without gradient. The decoder step is fed `<bos>` + up to 3 seeded random tokens.
    ///
    /// `text_model` (retrieval with `text/bert`): random token ids ([CLS]-like id 1 first) with the
    /// batch's mask as attention mask (one text per clip, same lengths) → `text_embedding`.
    public static func run(encoder: any PoseEncoder, head: (any TaskHead)?, text: (any TextEncoder)? = nil, role: String,
                           batch: PoseBatch, seed: UInt64 = 0)
        throws -> (inputs: [String: Tensor], outputs: [String: Tensor], intermediates: [String: Tensor]) {
        try withNoGrad {
            if role == "text_model" {
                guard let h = head as? RetrievalHead, let bert = text as? BERTTextEncoder else {
                    throw ONNXExportError.invalid("a text_model check needs a retrieval head with a text/bert text encoder")
                }
                var rng = RandomStream(seed: seed &+ 11)
                let (b, l) = (batch.size, batch.frames)
                let v = bert.model.config.vocabSize
                let ids = (0..<(b * l)).map { $0 % l == 0 ? Int32(min(1, v - 1)) : Int32(rng.next() % UInt64(v)) }
                let states = try bert.model(ids: try IndexTensor(shape: [b, l], values: ids), mask: batch.mask)
                let embedding = try h.textEmbedding(TextFeatures(tokens: states, mask: batch.mask))
                return (["input_ids": try Tensor(shape: [b, l], data: ids.map(Float.init)), "attention_mask": batch.mask],
                        ["text_embedding": embedding], [:])
            }
            encoder.eval(); head?.eval()
            let encoded = try encoder.encode(batch)
            let poseInputs = ["poses": batch.poses, "mask": batch.mask]
            let boundaries = ["encoder.tokens": encoded.tokens, "encoder.pooled": encoded.pooled]
            guard let head else {
                return (poseInputs, ["tokens": encoded.tokens, "pooled": encoded.pooled], [:])
            }
            switch head {
            case let h as ISLRHead:
                return (poseInputs, ["logits": try h.inferenceLogits(encoded)], boundaries)
            case let h as CTCHead:
                let out = try h(encoded)
                return (poseInputs, ["log_probs": out.logProbs, "log_probs_mask": out.mask], boundaries)
            case let h as RetrievalHead:
                return (poseInputs, ["embedding": try h.poseEmbedding(encoded)], boundaries)
            case let h as TranslationHead:
                let memory = try h.inputProj(encoded.tokens)
                if role == "encoder_model" { return (poseInputs, ["memory": memory], boundaries) }
                guard role == "decoder_model" else {
                    throw ONNXExportError.invalid("a translation export has encoder_model and decoder_model files, not '\(role)'")
                }
                let length = min(4, h.maxPositions)
                var rng = RandomStream(seed: seed &+ 7)
                let v = h.textVocabulary.count
                let rows = (0..<batch.size).map { _ in [TextVocabulary.bosID] + (1..<max(length, 1)).map { _ in Int(rng.next() % UInt64(v)) } }
                let all = try h.forward(encoded, inputs: rows)
                let last = try all.slice(axis: 1, start: length - 1, end: length).reshaped([batch.size, v])
                let ids = try Tensor(shape: [batch.size, length], data: rows.flatMap { $0.map(Float.init) })
                return (["memory": memory, "memory_mask": batch.mask, "input_ids": ids], ["logits": last], [:])
            default:
                throw ONNXExportError.noLowering(op: String(describing: type(of: head)), path: "head")
            }
        }
    }
}
