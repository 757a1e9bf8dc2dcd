import Foundation
import Testing
import SignCore
import SignNN
import SignTensor
import TranslationHead

/// A toy translation task: the pose tokens spell the sentence. Word i of a 3–5 word sentence is
/// written into frame block i (3 frames): each frame holds the word's fixed random code plus the
/// block's position code plus noise; frames after the sentence are padding (mask 0).
struct ToySpelling {
    static let words = ["red", "blue", "green", "cat", "dog", "runs", "sleeps", "big", "small", "today"]
    static let dim = 16, block = 3, maxWords = 5
    static var frames: Int { block * maxWords }
    let wordCodes: [[Float]]
    let positionCodes: [[Float]]

    init(seed: UInt64) {
        var rng = RandomStream(seed: seed)
        wordCodes = Self.words.map { _ in (0..<Self.dim).map { _ in rng.normal() } }
        positionCodes = (0..<Self.maxWords).map { _ in (0..<Self.dim).map { _ in rng.normal() * 0.7 } }
    }

    func sentences(_ n: Int, rng: inout RandomStream) -> [[Int]] {
        (0..<n).map { _ in (0..<(3 + rng.int(3))).map { _ in rng.int(Self.words.count) } }
    }

    func batch(_ sentences: [[Int]], rng: inout RandomStream) throws -> HeadInput {
        let b = sentences.count, t = Self.frames, d = Self.dim
        let tokens = Tensor.zeros([b, t, d]), mask = Tensor.zeros([b, t])
        for (i, s) in sentences.enumerated() {
            for (w, word) in s.enumerated() {
                for f in 0..<Self.block {
                    let frame = w * Self.block + f
                    mask.pointer[i * t + frame] = 1
                    for k in 0..<d { tokens.pointer[(i * t + frame) * d + k] = wordCodes[word][k] + positionCodes[w][k] + 0.1 * rng.normal() }
                }
            }
        }
        let texts = sentences.map { $0.map { Self.words[$0] }.joined(separator: " ") }
        return HeadInput(encoded: EncoderOutput(tokens: tokens, mask: mask, pooled: Tensor.zeros([b, d])),
                         batch: try fakeBatch(texts: texts, frames: t))
    }
}

@Suite("head/translation training sanity")
struct TrainingSanityTests {
    /// 200 AdamW steps (batch 16, lr 3e-3) on the toy spelling task; BLEU-4 on 48 held-out sentences.
    /// Measured: see the printed line (greedy and beam BLEU-4, loss before/after).
    @Test func twoHundredStepsLearnToSpellTheSentence() throws {
        let task = ToySpelling(seed: 1)
        var dataRNG = RandomStream(seed: 2)
        var c = TranslationConfig()
        c.tokenization = .word
        c.dModel = 32; c.heads = 4; c.layers = 2; c.ffDim = 64
        c.dropout = 0; c.labelSmoothing = 0.1; c.maxLength = 8; c.maxDecodeLength = 8; c.beamWidth = 3
        let vocab = try TextVocabulary.build(texts: [ToySpelling.words.joined(separator: " ")], tokenization: .word)
        var rng = RandomStream(seed: 3)
        let head = try TranslationHead(config: c, vocabulary: vocab, encoderDim: ToySpelling.dim, rng: &rng)
        let optimizer = try AdamW(parameters: head.namedParameters(), learningRate: 3e-3, weightDecay: 0.01)
        let held = try task.batch(task.sentences(48, rng: &dataRNG), rng: &dataRNG)
        let initial = try withNoGrad { try head.loss(held).terms["translation.ce"]!.item }
        let start = Date()
        for _ in 0..<200 {
            let x = try task.batch(task.sentences(16, rng: &dataRNG), rng: &dataRNG)
            let loss = try head.loss(x).terms["translation.ce"]!
            optimizer.zeroGrad()
            try loss.backward()
            try optimizer.step()
        }
        let seconds = Date().timeIntervalSince(start)
        let final = try withNoGrad { try head.loss(held).terms["translation.ce"]!.item }
        func bleu4(_ decoding: TranslationDecoding) throws -> Double {
            let hyps = try head.decode(held.encoded, decoding: decoding).map { vocab.decode($0.tokens) }
            return try CorpusBLEU.score(hypotheses: hyps, references: held.batch.texts!).score
        }
        let greedy = try bleu4(.greedy), beam = try bleu4(.beam)
        print("toy spelling: loss \(initial) → \(final), BLEU-4 greedy \(greedy), beam \(beam), 200 steps in \(String(format: "%.1f", seconds)) s")
        #expect(final < initial / 3)
        #expect(greedy > 40)
        #expect(beam > 40)
    }
}
