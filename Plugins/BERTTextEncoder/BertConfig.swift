import Foundation

/// The sizes of a BERT-family encoder, read from a Hugging Face `config.json` (`BertConfig` keys).
/// Only what this implementation computes is accepted: absolute position embeddings and exact
/// (erf) GELU; anything else is refused by name rather than computed differently.
public struct BertConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float

    public init(vocabSize: Int, hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int,
                maxPositions: Int = 512, typeVocabSize: Int = 2, layerNormEps: Float = 1e-12) {
        self.vocabSize = vocabSize; self.hiddenSize = hiddenSize; self.layers = layers; self.heads = heads
        self.intermediateSize = intermediateSize; self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize; self.layerNormEps = layerNormEps
    }

    /// Reads `config.json`; errors name the file and the key.
    public static func load(_ url: URL) throws -> BertConfig {
        let json = try readJSONObject(url)
        func int(_ key: String, default d: Int? = nil) throws -> Int {
            guard let v = try jsonInt(json, key, file: url) ?? d else { throw BERTError("\(url.path) has no \"\(key)\"") }
            guard v > 0 else { throw BERTError("\(url.path): \"\(key)\" must be positive, got \(v)") }
            return v
        }
        if let type = json["model_type"] as? String, type != "bert" {
            throw BERTError("\(url.path): model_type \(quoted(type)) is not supported (text/bert runs model_type \"bert\")")
        }
        if let act = json["hidden_act"] as? String, act != "gelu" {
            throw BERTError("\(url.path): hidden_act \(quoted(act)) is not supported (text/bert computes the exact erf GELU, \"gelu\")")
        }
        if let pos = json["position_embedding_type"] as? String, pos != "absolute" {
            throw BERTError("\(url.path): position_embedding_type \(quoted(pos)) is not supported (only \"absolute\")")
        }
        let eps = (json["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12
        let c = BertConfig(vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
                           layers: try int("num_hidden_layers"), heads: try int("num_attention_heads"),
                           intermediateSize: try int("intermediate_size"),
                           maxPositions: try int("max_position_embeddings", default: 512),
                           typeVocabSize: try int("type_vocab_size", default: 2), layerNormEps: eps)
        guard c.hiddenSize % c.heads == 0 else {
            throw BERTError("\(url.path): hidden_size \(c.hiddenSize) is not a multiple of num_attention_heads \(c.heads)")
        }
        return c
    }
}
