import BERTTextEncoder
import RetrievalHead
import SignNN
import SignTensor

/// `text/bert` (Plugins/BERTTextEncoder/BertModel.swift) in eval mode and the retrieval head's text
/// side over it, for a `text_model.onnx` beside a retrieval export. Tokenization (WordPiece) stays in
/// the host: inputs are `input_ids` int64 [B, L] and `attention_mask` float [B, L] (1 = token).
extension ONNXGraphBuilder {
    /// BERT hidden states [B, L, D]:
    ///   x = LayerNorm(E_word[ids] + E_pos[0:L] + E_type[0])
    ///   per layer: a = LN(dense(SDPA(q(x), k(x), v(x), keyMask)) + x);  x = LN(dense(GELU(dense(a))) + a)
    /// SDPA as the engine's: softmax(QKᵀ/√dh + (mask − 1)·10⁹)·mask (a row with no token gives 0).
    public func lower(_ bert: BertModel, inputIDs: String, attentionMask: String) throws -> String {
        let d = bert.config.hiddenSize, heads = bert.config.heads, dh = d / heads
        var x = try scope("embeddings") {
            let words = try scope("word_embeddings") { try lower(bert.embeddings.wordEmbeddings, ids: inputIDs) }
            let table = try scope("position_embeddings") { try parameter(bert.embeddings.positionEmbeddings.weight, "weight") }
            let positions = try apply("Slice", [table, try constant(ints: [0]), try shape(inputIDs, start: 1, end: 2), try constant(ints: [0])])
            let type0 = try scope("token_type_embeddings") {
                try slice(try parameter(bert.embeddings.tokenTypeEmbeddings.weight, "weight"), axis: 0, start: 0, end: 1)
            }
            return try scope("LayerNorm") { try lower(bert.embeddings.layerNorm, try add(words, try add(positions, type0))) }
        }
        for (i, layer) in bert.encoder.layer.enumerated() {
            x = try scope("encoder.layer.\(i)") {
                let a = try scope("attention") {
                    let context = try scope("self") {
                        let s = layer.attention.selfAttention
                        func heads4(_ m: Linear, _ name: String, perm: [Int]) throws -> String {
                            try transpose(try reshape(try scope(name) { try lower(m, x) }, [0, 0, heads, dh]), perm: perm)
                        }
                        let q = try heads4(s.query, "query", perm: [0, 2, 1, 3])
                        let kt = try heads4(s.key, "key", perm: [0, 2, 3, 1])
                        let v = try heads4(s.value, "value", perm: [0, 2, 1, 3])
                        let scores = try mul(try matmul(q, kt), 1 / Float(dh).squareRoot())
                        let probs = try maskedAttentionProbabilities(scores, keyMask: attentionMask, causal: false)
                        return try reshape(try transpose(try matmul(probs, v), perm: [0, 2, 1, 3]), [0, 0, d])
                    }
                    return try scope("output") {
                        let o = layer.attention.output
                        return try scope("LayerNorm") { try lower(o.layerNorm, try add(try scope("dense") { try lower(o.dense, context) }, x)) }
                    }
                }
                let h = try scope("intermediate.dense") { try gelu(try lower(layer.intermediate.dense, a)) }
                return try scope("output") {
                    let o = layer.output
                    return try scope("LayerNorm") { try lower(o.layerNorm, try add(try scope("dense") { try lower(o.dense, h) }, a)) }
                }
            }
        }
        return x
    }
}

extension SignModelExport {
    /// `text_model.onnx` of a retrieval export: (`input_ids` int64 [batch, length], `attention_mask`
    /// float [batch, length]) → `text_embedding` [batch, E] = l2Normalized(text_projection(masked mean
    /// of the BERT states)), the vector `embedding` (pose side) is compared with.
    public static func retrievalTextModel(bert: BertModel, head: RetrievalHead, options: ONNXExportOptions = ONNXExportOptions()) throws -> ExportedONNXModel {
        let b = ONNXGraphBuilder(opset: options.opset, decomposeLayerNorm: options.decomposeLayerNorm, graphName: "signzoo_retrieval_text")
        let ids = try b.input("input_ids", shape: ["batch", "length"], type: .int64)
        let mask = try b.input("attention_mask", shape: ["batch", "length"])
        let states = try b.scope("text.model") { try b.lower(bert, inputIDs: ids, attentionMask: mask) }
        let embedding = try b.scope("head") { try b.lowerTextSide(head, features: states, mask: mask) }
        try b.output(embedding, name: "text_embedding", shape: ["batch", .fixed(head.config.embedDim)])
        var metadata = options.metadata
        metadata["engine_version"] = engineVersion
        metadata["role"] = "text_model"
        metadata["head"] = "head/retrieval"
        metadata["inputs"] = "input_ids [batch, length] int64 (the text encoder's WordPiece ids, [CLS] … [SEP]); attention_mask [batch, length] float, 1 = token"
        metadata["outputs"] = "text_embedding [batch, \(head.config.embedDim)] L2-normalized; cosine with the pose model's embedding = dot product"
        return ExportedONNXModel(fileName: "text_model.onnx", model: try b.model(metadata: metadata, producerVersion: engineVersion))
    }
}
