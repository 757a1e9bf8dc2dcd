import Foundation
import Testing
import SignCore
import SignNN
import SignONNX
import SignPose
import SignTensor
import SignTestSupport
import ISLRHead
import CTCHead
import RetrievalHead
import TranslationHead
import BERTTextEncoder

/// Whole-model exports (encoder alone and with each head) against the engine's eval forward, in
/// onnxruntime, at opsets 17 and 20, batch 1 × 1 frame and batch 3 × 17 frames with a masked tail.
@Suite("ONNX export: whole models")
struct ModelExportTests {
    static let layout = "mslu-79"

    static func export(_ encoder: any PoseEncoder, _ head: (any TaskHead)?, opset: ONNXOpset, layout: String = layout,
                       decompose: Bool = false) throws -> [ExportedONNXModel] {
        try SignModelExport.export(encoder: encoder, head: head, layout: try PoseLayouts.named(layout),
                                   options: ONNXExportOptions(opset: opset, decomposeLayerNorm: decompose, metadata: ["zoo_id": "test.tiny@1"]))
    }

    @Test func encoderAlone() throws {
        let e = try TinyModels.encoder()
        try expectModelParity(make: { try Self.export(e, nil, opset: $0)[0].model }) { batch in
            let out = try e.encode(batch)
            return (["poses": batch.poses, "mask": batch.mask], ["tokens": out.tokens, "pooled": out.pooled])
        }
    }

    /// A layout without face and mouth: the learned `absent_non_manual` vector replaces the branch;
    /// with a learned position table, a temporal conv, LayerNorm graph blocks and decomposed LayerNorm.
    @Test func encoderWithoutNonManualVariant() throws {
        let e = try TinyModels.encoder("""
            {"type": "encoder/mslu", "gcnWidths": [6, 6, 10], "gcnNorm": "layer", "graphStrategy": "uniform", "branchDim": 8, "layers": 2,
             "heads": 2, "ffnDim": 16, "outputDim": 10, "positionEncoding": "learned", "maxFrames": 32, "temporalConv": true, "temporalKernel": 3}
            """, seed: 9)
        try expectModelParity(opsets: [.opset17], make: { try Self.export(e, nil, opset: $0, layout: "holistic-hands-body-75", decompose: true)[0].model }) { batch in
            let out = try e.encode(batch)
            return (["poses": batch.poses, "mask": batch.mask], ["tokens": out.tokens, "pooled": out.pooled])
        }
    }

    @Test func islr() throws {
        let e = try TinyModels.encoder()
        let h = try TinyModels.head(#"{"type": "head/islr"}"#, dim: e.outputDim, lists: ["labels": ["hello", "thanks", "yes", "no", "house"]])
        try expectModelParity(make: { try Self.export(e, h, opset: $0)[0].model }) { batch in
            let logits = try (h as! ISLRHead).inferenceLogits(try e.encode(batch))
            return (["poses": batch.poses, "mask": batch.mask], ["logits": logits])
        }
    }

    /// CTC with one temporal block (frames halved): sizes with ≥ 2 frames (the engine needs one
    /// frame after downsampling), and a head without downsampling at 1 frame.
    @Test func ctc() throws {
        let e = try TinyModels.encoder()
        let glosses = ["A", "B", "C", "D"]
        func feeds(_ h: any TaskHead) -> (PoseBatch) throws -> ([String: Tensor], [String: Tensor]) {
            { batch in
                let out = try (h as! CTCHead)(try e.encode(batch))
                return (["poses": batch.poses, "mask": batch.mask], ["log_probs": out.logProbs, "log_probs_mask": out.mask])
            }
        }
        let down = try TinyModels.head(#"{"type": "head/ctc", "downsample": 2, "dim": 12, "layers": 1, "heads": 2, "ffDim": 16}"#,
                                       dim: e.outputDim, lists: ["glosses": glosses])
        try expectModelParity(sizes: [([2], 2), ([17, 9, 2], 17)], make: { try Self.export(e, down, opset: $0)[0].model }, feeds: feeds(down))
        let flat = try TinyModels.head(#"{"type": "head/ctc", "downsample": 1, "dim": 8, "layers": 1, "heads": 2, "ffDim": 16}"#,
                                       dim: e.outputDim, lists: ["glosses": glosses])
        try expectModelParity(opsets: [.opset17], sizes: [([1], 1)], make: { try Self.export(e, flat, opset: $0)[0].model }, feeds: feeds(flat))
    }

    @Test(arguments: ["mean", "attention", "encoder"])
    func retrieval(_ pooling: String) throws {
        let e = try TinyModels.encoder()
        let h = try TinyModels.head(#"{"type": "head/retrieval", "pooling": "\#(pooling)", "embedDim": 8}"#, dim: e.outputDim, textDim: 10) as! RetrievalHead
        try expectModelParity(opsets: pooling == "mean" ? testedOpsets : [.opset17], make: { try Self.export(e, h, opset: $0)[0].model }) { batch in
            (["poses": batch.poses, "mask": batch.mask], ["embedding": try h.poseEmbedding(try e.encode(batch))])
        }
    }

    /// Translation: encoder_model.onnx gives the memory; decoder_model.onnx one step's logits, equal
    /// to the teacher-forced forward's logits at the last position.
    @Test(arguments: [true, false])
    func translation(_ tied: Bool) throws {
        let e = try TinyModels.encoder()
        let texts = ["the cat sat", "a dog ran home", "the dog sat on the mat"]
        let h = try TinyModels.head(#"{"type": "head/translation", "dModel": 8, "layers": 2, "heads": 2, "ffDim": 16, "tieEmbeddings": \#(tied)}"#,
                                    dim: e.outputDim, lists: ["texts": texts]) as! TranslationHead
        let opsets = tied ? testedOpsets : [.opset17]
        try expectModelParity(opsets: opsets, make: { try Self.export(e, h, opset: $0)[0].model }) { batch in
            (["poses": batch.poses, "mask": batch.mask], ["memory": try h.inputProj(try e.encode(batch).tokens)])
        }
        try expectModelParity(opsets: opsets, make: { try Self.export(e, h, opset: $0)[1].model }) { batch in
            let encoded = try e.encode(batch)
            let memory = try h.inputProj(encoded.tokens)
            let length = batch.frames == 1 ? 1 : 4
            var rng = RandomStream(seed: 77)
            let rows = (0..<batch.size).map { _ in [TextVocabulary.bosID] + (1..<length).map { _ in 3 + Int(rng.next() % UInt64(h.textVocabulary.count - 3)) } }
            let all = try h.forward(encoded, inputs: rows)
            let last = try all.slice(axis: 1, start: length - 1, end: length).reshaped([batch.size, h.textVocabulary.count])
            let ids = try Tensor(shape: [batch.size, length], data: rows.flatMap { $0.map(Float.init) })
            return (["memory": memory, "memory_mask": batch.mask, "input_ids": ids], ["logits": last])
        }
    }

    /// Retrieval text side over a Swift-native BERT: text_model.onnx (input_ids, attention_mask) →
    /// text_embedding, against BertModel + RetrievalHead.textEmbedding, with padded texts.
    @Test func retrievalTextSide() throws {
        let bert = try BertModel(BertConfig(vocabSize: 30, hiddenSize: 8, layers: 2, heads: 2, intermediateSize: 16, maxPositions: 24,
                                            typeVocabSize: 2, layerNormEps: 1e-12), seed: 4)
        TinyModels.perturbNorms(bert, seed: 5)
        bert.eval()
        let h = try TinyModels.head(#"{"type": "head/retrieval", "embedDim": 6}"#, dim: 12, textDim: 8) as! RetrievalHead
        for opset in testedOpsets {
            let model = try SignModelExport.retrievalTextModel(bert: bert, head: h, options: ONNXExportOptions(opset: opset)).model
            for (lengths, l) in [([1], 1), ([7, 4, 2], 7)] {
                var rng = RandomStream(seed: 9)
                let ids = (0..<(lengths.count * l)).map { _ in Int32(rng.next() % 30) }
                let mask = Tensor.zeros([lengths.count, l])
                for (b, n) in lengths.enumerated() { for j in 0..<n { mask.pointer[b * l + j] = 1 } }
                let expected = try withNoGrad {
                    try h.textEmbedding(TextFeatures(tokens: try bert(ids: try IndexTensor(shape: [lengths.count, l], values: ids), mask: mask), mask: mask))
                }
                let report = try runCheck(model, inputs: ["input_ids": try Tensor(shape: [lengths.count, l], data: ids.map(Float.init)), "attention_mask": mask],
                                          expected: ["text_embedding": expected])
                #expect(report.ok, "opset \(opset.version), lengths \(lengths): \(String(describing: report.summary))")
                #expect(report.outputs["text_embedding"].map { withinTolerance($0, expected) } == true)
            }
        }
    }
}
