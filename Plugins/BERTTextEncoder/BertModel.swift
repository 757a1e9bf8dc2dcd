import SignNN
import SignTensor

/// A BERT-family encoder (Hugging Face `BertModel` without its pooler), post-LN:
///
///   x₀ = LayerNorm(E_word[ids] + E_pos[0 ..< L] + E_type[0])
///   per layer:  a = LayerNorm(x + W_o·Attention(W_q x, W_k x, W_v x; key mask) + b_o)
///               x = LayerNorm(a + W_2·GELU(W_1 a + b_1) + b_2)
/// Attention is multi-head scaled dot-product attention; padded keys (mask 0) get no weight.
/// GELU is the exact erf form; LayerNorm uses the config's ε (1e-12 for BERT).
///
/// The module tree mirrors Hugging Face's so `model.safetensors` loads by name; two of its names are
/// not Swift property names, and `BertWeightNames` maps them: `self` (here `self_attention`) and
/// `LayerNorm` (here `layer_norm`).
public final class BertModel: Module {
    public let embeddings: BertEmbeddings
    public let encoder: BertEncoder
    public let config: BertConfig

    public init(_ config: BertConfig, seed: UInt64 = 0) throws {
        var rng = RandomStream(seed: seed)
        self.config = config
        embeddings = BertEmbeddings(config, rng: &rng)
        encoder = try BertEncoder(config, rng: &rng)
        super.init()
    }

    /// Last hidden state [B, L, D] of `ids` [B, L] with `mask` [B, L] (1 = token, 0 = padding).
    public func callAsFunction(ids: IndexTensor, mask: Tensor) throws -> Tensor {
        try encoder(try embeddings(ids), mask: mask)
    }
}

/// Word, position and token-type embeddings, summed and layer-normalized (token type 0 everywhere).
public final class BertEmbeddings: Module {
    public let wordEmbeddings: Embedding
    public let positionEmbeddings: Embedding
    public let tokenTypeEmbeddings: Embedding
    public let layerNorm: LayerNorm

    init(_ c: BertConfig, rng: inout RandomStream) {
        wordEmbeddings = Embedding(c.vocabSize, c.hiddenSize, rng: &rng)
        positionEmbeddings = Embedding(c.maxPositions, c.hiddenSize, rng: &rng)
        tokenTypeEmbeddings = Embedding(c.typeVocabSize, c.hiddenSize, rng: &rng)
        layerNorm = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        super.init()
    }

    /// ids [B, L] → [B, L, D].
    public func callAsFunction(_ ids: IndexTensor) throws -> Tensor {
        guard ids.rank == 2 else { throw BERTError("BERT ids must be [batch, length], got \(ids.shape)") }
        let length = ids.shape[1]
        let maxPositions = positionEmbeddings.weight.shape[0]
        guard length <= maxPositions else {
            throw BERTError("a sequence of \(length) tokens exceeds the model's \(maxPositions) positions")
        }
        let words = try wordEmbeddings(ids)
        let positions = try positionEmbeddings(try IndexTensor(shape: [length], values: Array(0..<length)))
        let typeZero = try tokenTypeEmbeddings.weight.slice(axis: 0, start: 0, end: 1)
        return try layerNorm(try words + (try positions + typeZero))
    }
}

/// The stack of Transformer layers (`encoder.layer.N`).
public final class BertEncoder: Module {
    public let layer: [BertLayer]

    init(_ c: BertConfig, rng: inout RandomStream) throws {
        layer = try (0..<c.layers).map { _ in try BertLayer(c, rng: &rng) }
        super.init()
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor) throws -> Tensor {
        var h = x
        for l in layer { h = try l(h, mask: mask) }
        return h
    }
}

/// One post-LN Transformer layer: self-attention block, then feed-forward block.
public final class BertLayer: Module {
    public let attention: BertAttention
    public let intermediate: BertIntermediate
    public let output: BertOutput

    init(_ c: BertConfig, rng: inout RandomStream) throws {
        attention = BertAttention(c, rng: &rng)
        intermediate = BertIntermediate(c, rng: &rng)
        output = BertOutput(c, rng: &rng)
        super.init()
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor) throws -> Tensor {
        let a = try attention(x, mask: mask)
        return try output(try intermediate(a), residual: a)
    }
}

/// Self-attention (`attention.self`) and its output projection + residual + LayerNorm (`attention.output`).
public final class BertAttention: Module {
    public let selfAttention: BertSelfAttention
    public let output: BertSelfOutput

    init(_ c: BertConfig, rng: inout RandomStream) {
        selfAttention = BertSelfAttention(c, rng: &rng)
        output = BertSelfOutput(c, rng: &rng)
        super.init()
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor) throws -> Tensor {
        try output(try selfAttention(x, mask: mask), residual: x)
    }
}

/// Q, K, V projections and multi-head scaled dot-product attention with a key-padding mask.
public final class BertSelfAttention: Module {
    public let query: Linear
    public let key: Linear
    public let value: Linear
    public let heads: Int

    init(_ c: BertConfig, rng: inout RandomStream) {
        query = Linear(c.hiddenSize, c.hiddenSize, rng: &rng)
        key = Linear(c.hiddenSize, c.hiddenSize, rng: &rng)
        value = Linear(c.hiddenSize, c.hiddenSize, rng: &rng)
        heads = c.heads
        super.init()
    }

    public func callAsFunction(_ x: Tensor, mask: Tensor) throws -> Tensor {
        try scaledDotProductAttention(query: try query(x), key: try key(x), value: try value(x), heads: heads, keyMask: mask)
    }
}

/// LayerNorm(dense(h) + residual) after attention.
public final class BertSelfOutput: Module {
    public let dense: Linear
    public let layerNorm: LayerNorm

    init(_ c: BertConfig, rng: inout RandomStream) {
        dense = Linear(c.hiddenSize, c.hiddenSize, rng: &rng)
        layerNorm = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        super.init()
    }

    public func callAsFunction(_ h: Tensor, residual: Tensor) throws -> Tensor {
        try layerNorm(try dense(h) + residual)
    }
}

/// GELU(dense(x)), D → intermediate size.
public final class BertIntermediate: Module {
    public let dense: Linear

    init(_ c: BertConfig, rng: inout RandomStream) {
        dense = Linear(c.hiddenSize, c.intermediateSize, rng: &rng)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor { try dense(x).gelu() }
}

/// LayerNorm(dense(h) + residual), intermediate size → D.
public final class BertOutput: Module {
    public let dense: Linear
    public let layerNorm: LayerNorm

    init(_ c: BertConfig, rng: inout RandomStream) {
        dense = Linear(c.intermediateSize, c.hiddenSize, rng: &rng)
        layerNorm = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        super.init()
    }

    public func callAsFunction(_ h: Tensor, residual: Tensor) throws -> Tensor {
        try layerNorm(try dense(h) + residual)
    }
}
