import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor
import TranslationHead

/// A batch of zero poses in the 49-point MASA layout: only the ids, texts and languages matter to the
/// head, which reads the (fake) encoder output.
func fakeBatch(texts: [String], frames: Int, languages: [String]? = nil) throws -> PoseBatch {
    let layout = try PoseLayouts.named("masa-49")
    let b = texts.count
    return try PoseBatch(poses: Tensor.zeros([b, frames, layout.pointCount, 3]), mask: Tensor.ones([b, frames]), layout: layout,
                         ids: (0..<b).map { "clip\($0)" }, texts: texts, languages: languages)
}

/// Random encoder tokens [B, T, D] with `lengths[b]` valid frames (mask 1), the rest padding.
func fakeEncoded(lengths: [Int], frames: Int, dim: Int, seed: UInt64) throws -> EncoderOutput {
    var rng = RandomStream(seed: seed)
    let b = lengths.count
    let tokens = Tensor.randn([b, frames, dim], rng: &rng)
    let mask = Tensor.zeros([b, frames])
    for clip in 0..<b { for t in 0..<lengths[clip] { mask.pointer[clip * frames + t] = 1 } }
    return EncoderOutput(tokens: tokens, mask: mask, pooled: Tensor.zeros([b, dim]))
}

/// A tiny configuration for gradient checks and decoding tests.
func tinyConfig(tied: Bool = true, dropout: Double = 0, activation: Activation = .gelu) -> TranslationConfig {
    var c = TranslationConfig()
    c.tokenization = .word
    c.dModel = 8
    c.heads = 2
    c.layers = 2
    c.ffDim = 16
    c.dropout = dropout
    c.activation = activation
    c.labelSmoothing = 0.1
    c.tieEmbeddings = tied
    c.maxLength = 8
    c.maxDecodeLength = 7
    return c
}

func tinyHead(_ config: TranslationConfig = tinyConfig(), texts: [String] = ["a b c", "b c d e", "a . d !"], encoderDim: Int = 6,
              seed: UInt64 = 3) throws -> TranslationHead {
    let vocab = try TextVocabulary.build(texts: texts, tokenization: config.tokenization ?? .word)
    var rng = RandomStream(seed: seed)
    return try TranslationHead(config: config, vocabulary: vocab, encoderDim: encoderDim, rng: &rng)
}

/// A search model whose next-token distribution is a function of each row's prefix (tokens fed after
/// `<bos>`), for testing the searches without a network.
final class TableModel {
    let vocabularySize: Int
    let distribution: ([Int]) -> [Int: Double]
    var prefixes: [[Int]]
    var steps = 0

    init(rows: Int, vocabularySize: Int, distribution: @escaping ([Int]) -> [Int: Double]) {
        self.vocabularySize = vocabularySize
        self.distribution = distribution
        prefixes = Array(repeating: [], count: rows)
    }

    var model: SearchModel {
        SearchModel(vocabularySize: vocabularySize, step: { [self] tokens in
            self.steps += 1
            var out: [Float] = []
            for (r, t) in tokens.enumerated() {
                if t != TextVocabulary.bosID && t != TextVocabulary.padID { prefixes[r].append(t) }
                let p = distribution(prefixes[r])
                for j in 0..<vocabularySize { out.append(Float(Foundation.log(p[j] ?? 1e-9))) }
            }
            return out
        }, reorder: { [self] origin in
            prefixes = origin.map { prefixes[$0] }
        })
    }
}
