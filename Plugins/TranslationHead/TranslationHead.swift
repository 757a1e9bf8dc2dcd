import Foundation
import SignCore
import SignNN
import SignTensor

/// `head/translation`: gloss-free sign language translation from the encoder's pose tokens with a
/// small Transformer decoder trained from scratch (paper notes §5: GF-SLT; the paper's mBART is
/// replaced by this decoder over a vocabulary built from the training sentences).
///
///   memory  = input_proj(tokens)                                      [B, T, d]  (encoder mask kept)
///   x_0     = √d · token_embedding(y_<i) + position_embedding(i)      [B, L, d]  (dropout)
///   x_l     = pre-LN decoder layer l (causal self-attention, cross-attention over memory with the
///             encoder's mask, feed-forward)                            l = 1…N
///   logits  = norm(x_N) · Eᵀ (tied to token_embedding) or output_proj(norm(x_N))
///
/// Training (teacher forcing): input `<bos> y_1 … y_n`, target `y_1 … y_n <eos>` (targets cut to
/// `maxLength` tokens with `<eos>`), loss `translation.ce` = label-smoothed cross-entropy over the
/// non-pad positions. Parameters: `input_proj.*`, `token_embedding.weight`,
/// `position_embedding.weight`, `layers.N.*` (PyTorch `nn.TransformerDecoderLayer(norm_first=True)`
/// names), `norm.*`, and `output_proj.*` when untied. Token and position embeddings start from
/// N(0, 1/d) (fairseq's init), so the tied output projection starts with logits of O(1).
///
/// Inference uses a key/value cache (`IncrementalDecoder`): the memory's cross-attention keys and
/// values are projected once per clip, and each step runs only the new position through the layers,
/// appending its self-attention key/value. Per generated token and layer that costs
/// O(R·d² + R·t·d + R·T·d) for R = B·beam rows (t tokens so far, T frames) instead of the
/// O(R·t·d² + R·T·d²) of re-running the whole prefix and re-projecting the memory.
public final class TranslationHead: Module, TaskHead {
    public let inputProj: Linear
    public let tokenEmbedding: Embedding
    public let positionEmbedding: Embedding
    public let dropout: Dropout
    public let layers: [TransformerDecoderLayer]
    public let norm: LayerNorm
    public let outputProj: Linear?

    public let config: TranslationConfig
    public let textVocabulary: TextVocabulary
    public let encoderDim: Int

    public var termPrefix: String { "translation" }
    public var needsText: Bool { false }
    public var vocabulary: [String: [String]] { ["vocabulary": textVocabulary.tokens] }
    /// Positions the position table covers: max(maxLength, maxDecodeLength).
    public var maxPositions: Int { positionEmbedding.weight.shape[0] }

    public init(config: TranslationConfig, vocabulary: TextVocabulary, encoderDim: Int, rng: inout RandomStream) throws {
        try config.validate()
        guard encoderDim >= 1 else { throw TensorError("head/translation", "encoder width must be ≥ 1, got \(encoderDim)") }
        let d = config.dModel, v = vocabulary.count
        inputProj = Linear(encoderDim, d, rng: &rng)
        tokenEmbedding = Embedding(v, d, rng: &rng)
        positionEmbedding = Embedding(Swift.max(config.maxLength, config.maxDecodeLength), d, rng: &rng)
        let scale = 1 / Float(d).squareRoot()
        for e in [tokenEmbedding.weight, positionEmbedding.weight] { for i in 0..<e.count { e.pointer[i] *= scale } }
        dropout = Dropout(p: Float(config.dropout), seed: rng.next())
        layers = try (0..<config.layers).map { _ in
            try TransformerDecoderLayer(dModel: d, heads: config.heads, ffDim: config.ffDim, dropout: Float(config.dropout),
                                        activation: config.activation, normFirst: true, rng: &rng)
        }
        norm = LayerNorm(d)
        outputProj = config.tieEmbeddings ? nil : Linear(d, v, rng: &rng)
        self.config = config
        self.textVocabulary = vocabulary
        self.encoderDim = encoderDim
        super.init()
    }

    // MARK: - Forward

    /// memory = input_proj(tokens), after checking the encoder output against the batch size.
    func memory(_ encoded: EncoderOutput, batch: Int? = nil) throws -> Tensor {
        let t = encoded.tokens
        guard t.rank == 3, t.shape[2] == encoderDim, batch == nil || t.shape[0] == batch else {
            throw TensorError("head/translation", "encoder tokens must be [\(batch.map(String.init) ?? "B"), T, \(encoderDim)], got \(t.shape)")
        }
        guard encoded.mask.shape == [t.shape[0], t.shape[1]] else {
            throw TensorError("head/translation", "encoder mask must be [\(t.shape[0]), \(t.shape[1])], got \(encoded.mask.shape)")
        }
        return try inputProj(t)
    }

    /// Embedded decoder input: √d·E[ids] + P[offset ..< offset + L], ids [B, L] → [B, L, d].
    func embed(_ ids: [Int], rows: Int, length: Int, offset: Int = 0) throws -> Tensor {
        guard offset + length <= maxPositions else {
            throw TensorError("head/translation", "position \(offset + length - 1) is beyond the \(maxPositions) learned positions")
        }
        let tok = try tokenEmbedding(try IndexTensor(shape: [rows, length], values: ids))
        let pos = try positionEmbedding(try IndexTensor(shape: [length], values: Array(offset..<(offset + length))))
        return try tok * Float(config.dModel).squareRoot() + pos
    }

    /// Output logits of final-normed decoder states h [.., d] → [.., V].
    func logits(_ h: Tensor) throws -> Tensor {
        if let outputProj { return try outputProj(h) }
        return try h.linear(weight: tokenEmbedding.weight)
    }

    /// Teacher-forced logits [B, L, V] for decoder inputs `inputs` [B][L] (padded with `<pad>`).
    public func forward(_ encoded: EncoderOutput, inputs: [[Int]]) throws -> Tensor {
        let b = inputs.count
        let mem = try memory(encoded, batch: b)
        let l = inputs.map(\.count).max() ?? 0
        guard l >= 1 else { throw TensorError("head/translation", "decoder inputs are empty") }
        var flat: [Int] = [], mask: [Float] = []
        for row in inputs {
            flat += row + Array(repeating: TextVocabulary.padID, count: l - row.count)
            mask += Array(repeating: 1, count: row.count) + Array(repeating: 0, count: l - row.count)
        }
        var x = try dropout(try embed(flat, rows: b, length: l))
        let selfMask = try Tensor(shape: [b, l], data: mask)
        for layer in layers {
            x = try layer(x, memory: mem, selfKeyMask: selfMask, memoryKeyMask: encoded.mask, causal: true)
        }
        return try logits(try norm(x))
    }

    /// Decoder inputs and targets of sentences: `<bos> y_1 … y_n` and `y_1 … y_n <eos>`, with n cut to
    /// `maxLength − 1`.
    public func teacherForcing(_ texts: [String]) -> (inputs: [[Int]], targets: [[Int]]) {
        var inputs: [[Int]] = [], targets: [[Int]] = []
        for text in texts {
            let y = Array(textVocabulary.encode(text).prefix(config.maxLength - 1))
            inputs.append([TextVocabulary.bosID] + y)
            targets.append(y + [TextVocabulary.eosID])
        }
        return (inputs, targets)
    }

    // MARK: - TaskHead

    public func loss(_ input: HeadInput) throws -> StepOutput {
        guard let texts = input.batch.texts else {
            throw TensorError("head/translation", "the batch carries no texts (clips \(input.batch.ids.prefix(4).joined(separator: ", "))…); translation needs a target sentence per clip")
        }
        let (inputs, targets) = teacherForcing(texts)
        let z = try forward(input.encoded, inputs: inputs)
        let l = z.shape[1]
        var flat: [Int] = []
        for row in targets { flat += row + Array(repeating: TextVocabulary.padID, count: l - row.count) }
        let ce = try crossEntropy(logits: z, targets: flat, labelSmoothing: Float(config.labelSmoothing), ignoreIndex: TextVocabulary.padID)
        // Token accuracy of the arg-max over non-pad positions.
        let predicted = z.argmaxLastAxis()
        var hits = 0, counted = 0
        for (p, t) in zip(predicted, flat) where t != TextVocabulary.padID {
            counted += 1
            if p == t { hits += 1 }
        }
        return StepOutput(terms: ["translation.ce": ce],
                          metrics: ["translation.token_acc": counted > 0 ? Float(hits) / Float(counted) : 0])
    }

    /// One `.text` per clip, decoded as the recipe says; `topK` is ignored (one sentence per clip).
    public func predict(_ input: HeadInput, topK: Int) throws -> [HeadPrediction] {
        try translate(input.encoded).map { .text($0) }
    }

    public func makeEvaluator() -> HeadEvaluator { TranslationEvaluator(head: self) }

    /// Best-checkpoint selection: corpus BLEU-4, higher is better.
    public var selectionMetric: SelectionMetric? { SelectionMetric("bleu4", higherIsBetter: true) }
    /// Clips without it are dropped from fine-tuning batches.
    public var target: HeadTarget { .text }

    // MARK: - Decoding

    /// Sentences for a batch of encoder outputs, decoded as the config says (eval mode, no gradient).
    public func translate(_ encoded: EncoderOutput) throws -> [String] {
        try decode(encoded, decoding: config.decoding, beamWidth: config.beamWidth, alpha: config.lengthPenalty)
            .map { textVocabulary.decode($0.tokens) }
    }

    /// Token sequences (with their scores) by greedy or beam search over the KV-cached decoder.
    public func decode(_ encoded: EncoderOutput, decoding: TranslationDecoding, beamWidth: Int? = nil, alpha: Double? = nil,
                       maxLength: Int? = nil) throws -> [DecodedSequence] {
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        return try withNoGrad {
            let b = encoded.tokens.rank == 3 ? encoded.tokens.shape[0] : 0
            let width = decoding == .greedy ? 1 : (beamWidth ?? config.beamWidth)
            let limit = Swift.min(maxLength ?? config.maxDecodeLength, maxPositions)
            let search = try SequenceSearch(bos: TextVocabulary.bosID, eos: TextVocabulary.eosID, pad: TextVocabulary.padID, maxLength: limit)
            let state = try IncrementalDecoder(head: self, encoded: encoded, beams: width)
            let model = SearchModel(vocabularySize: textVocabulary.count, step: { try state.step($0) }, reorder: { try state.reorder($0) })
            let a = alpha ?? config.lengthPenalty
            return decoding == .greedy ? try search.greedy(batch: b, model: model, alpha: a)
                                       : try search.beam(batch: b, width: width, alpha: a, model: model)
        }
    }
}
