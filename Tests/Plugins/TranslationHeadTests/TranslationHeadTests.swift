import Foundation
import Testing
import SignCore
import SignNN
import SignTensor
import SignTestSupport
import TranslationHead

@Suite("head/translation")
struct TranslationHeadTests {
    let texts = ["a b c", "b c d e"]

    func input(_ head: TranslationHead, lengths: [Int] = [5, 3], frames: Int = 5, seed: UInt64 = 9, texts: [String]? = nil) throws -> HeadInput {
        let t = texts ?? self.texts
        return HeadInput(encoded: try fakeEncoded(lengths: lengths, frames: frames, dim: head.encoderDim, seed: seed),
                         batch: try fakeBatch(texts: t, frames: frames))
    }

    @Test func gradCheckOfTheLossThroughParametersAndEncoderTokens() throws {
        for config in [tinyConfig(tied: true), tinyConfig(tied: false, activation: .relu)] {
            let head = try tinyHead(config)
            let x = try input(head)
            var params = [x.encoded.tokens, head.inputProj.weight, head.layers[0].selfAttn.inProjWeight,
                          head.layers[1].multiheadAttn.inProjWeight, head.layers[1].linear1.weight,
                          head.tokenEmbedding.weight, head.positionEmbedding.weight, head.norm.weight]
            if let out = head.outputProj { params.append(out.weight) }
            let report = try gradCheck(params, eps: 1e-2, maxPerInput: 24) { _ in try head.loss(x).terms["translation.ce"]! }
            #expect(report.passed, "tied=\(config.tieEmbeddings): \(report)")
            #expect(report.checked > 150)
        }
    }

    @Test func paddingIsIgnoredOnBothSides() throws {
        let head = try tinyHead()
        let x = try input(head)
        let both = try head.loss(x).terms["translation.ce"]!.item
        // Padded encoder frames (clip 1, frames 3…4) do not matter.
        let tokens = x.encoded.tokens.copy()
        for t in 3..<5 { for d in 0..<head.encoderDim { tokens.pointer[(1 * 5 + t) * head.encoderDim + d] = 100 } }
        let moved = HeadInput(encoded: EncoderOutput(tokens: tokens, mask: x.encoded.mask, pooled: x.encoded.pooled), batch: x.batch)
        #expect(abs(try head.loss(moved).terms["translation.ce"]!.item - both) < 1e-6)
        // The batch loss is the token-weighted mean of the per-sentence losses: target pads count nowhere.
        func single(_ b: Int) throws -> Float {
            let enc = EncoderOutput(tokens: try x.encoded.tokens.slice(axis: 0, start: b, end: b + 1),
                                    mask: try x.encoded.mask.slice(axis: 0, start: b, end: b + 1), pooled: Tensor.zeros([1, head.encoderDim]))
            return try head.loss(HeadInput(encoded: enc, batch: try fakeBatch(texts: [texts[b]], frames: 5))).terms["translation.ce"]!.item
        }
        let n = texts.map { head.textVocabulary.encode($0).count + 1 }   // + <eos>
        let expected = (Float(n[0]) * (try single(0)) + Float(n[1]) * (try single(1))) / Float(n[0] + n[1])
        #expect(abs(both - expected) < 1e-5)
        #expect(try head.loss(x).metrics["translation.token_acc"] != nil)
    }

    @Test func targetsAreCutToMaxLength() throws {
        var c = tinyConfig()
        c.maxLength = 3
        let head = try tinyHead(c)
        let (inputs, targets) = head.teacherForcing(["a b c d e"])
        #expect(inputs == [[TextVocabulary.bosID] + head.textVocabulary.encode("a b")])
        #expect(targets == [head.textVocabulary.encode("a b") + [TextVocabulary.eosID]])
    }

    /// Teacher-forced log-probabilities of a token sequence (the reference the KV cache must match).
    func scoreByForward(_ head: TranslationHead, _ encoded: EncoderOutput, clip: Int, tokens: [Int]) throws -> (logp: Double, argmax: [Int]) {
        let enc = EncoderOutput(tokens: try encoded.tokens.slice(axis: 0, start: clip, end: clip + 1),
                                mask: try encoded.mask.slice(axis: 0, start: clip, end: clip + 1), pooled: Tensor.zeros([1, head.encoderDim]))
        head.eval()
        defer { head.train() }
        let z = try withNoGrad { try head.forward(enc, inputs: [[TextVocabulary.bosID] + tokens.dropLast()]).logSoftmax(axis: -1) }
        let v = head.textVocabulary.count
        var s = 0.0
        for (i, t) in tokens.enumerated() { s += Double(z.pointer[i * v + t]) }
        return (s, z.argmaxLastAxis())
    }

    @Test func kvCachedDecodingMatchesTheTeacherForcedForward() throws {
        let head = try tinyHead(tinyConfig(dropout: 0.3))   // dropout must be off while decoding
        let enc = try fakeEncoded(lengths: [5, 2, 4], frames: 5, dim: head.encoderDim, seed: 21)
        let greedy = try head.decode(enc, decoding: .greedy)
        for (b, seq) in greedy.enumerated() {
            let ref = try scoreByForward(head, enc, clip: b, tokens: seq.tokens)
            #expect(abs(ref.logp - seq.logProbability) < 1e-4, "clip \(b): \(ref.logp) vs cached \(seq.logProbability)")
            #expect(ref.argmax == seq.tokens)
        }
        // Beam search reorders the caches: every returned hypothesis still scores the same by forward.
        let beam = try head.decode(enc, decoding: .beam, beamWidth: 3, alpha: 0.6)
        for (b, seq) in beam.enumerated() {
            let ref = try scoreByForward(head, enc, clip: b, tokens: seq.tokens)
            #expect(abs(ref.logp - seq.logProbability) < 1e-4, "clip \(b): \(ref.logp) vs beam \(seq.logProbability)")
        }
        #expect(head.isTraining)
    }

    @Test func beamWidthOneEqualsGreedyOnTheHead() throws {
        let head = try tinyHead()
        let enc = try fakeEncoded(lengths: [5, 3, 1, 4], frames: 5, dim: head.encoderDim, seed: 33)
        let greedy = try head.decode(enc, decoding: .greedy)
        let beam = try head.decode(enc, decoding: .beam, beamWidth: 1)
        #expect(greedy.map(\.tokens) == beam.map(\.tokens))
        for (g, b) in zip(greedy, beam) { #expect(abs(g.logProbability - b.logProbability) < 1e-9) }
    }

    @Test func predictReturnsTextAndEvaluatorReportsBLEUAndRouge() throws {
        let head = try tinyHead()
        let x = try input(head)
        let predictions = try head.predict(x, topK: 1)
        #expect(predictions.count == 2)
        let sentences = try head.translate(x.encoded)
        #expect(predictions == sentences.map { HeadPrediction.text($0) })
        let evaluator = head.makeEvaluator()
        try evaluator.add(x)
        let m = try evaluator.metrics()
        #expect(Set(m.keys) == ["bleu1", "bleu2", "bleu3", "bleu4", "rouge_l"])
        var bleu = try CorpusBLEU()
        for (h, r) in zip(sentences, texts) { try bleu.add(hypothesis: h, references: [r]) }
        #expect(m["bleu2"] == (try bleu.score(order: 2).score))
        let tsv = try evaluator.artefacts()["translations.tsv"]!
        #expect(tsv.split(separator: "\n").count == 3)
    }

    @Test func evaluatorScoresWordsWith13aAndChineseByCharacters() throws {
        let head = try tinyHead()
        let ev = TranslationEvaluator(head: head)
        try ev.add(hypotheses: ["the cat sat on the mat.", ""], references: ["the cat is on the mat.", "nothing"], ids: ["a", "b"])
        #expect(ev.bleuTokenizer == .thirteenA)
        let m = try ev.metrics()
        var bleu = try CorpusBLEU(tokenizer: .thirteenA)
        try bleu.add(hypothesis: "the cat sat on the mat.", references: ["the cat is on the mat."])
        try bleu.add(hypothesis: "", references: ["nothing"])
        #expect(abs(m["bleu4"]! - (try bleu.score().score)) < 1e-12)
        // Words (13a is not applied to ROUGE: "mat." is one word): LCS 5 of 6 both ways → F = 5/6; mean with 0.
        #expect(abs(m["rouge_l"]! - 100 * (5.0 / 6) / 2) < 1e-9)

        var zhConfig = tinyConfig()
        zhConfig.tokenization = .char
        let zhHead = try tinyHead(zhConfig, texts: ["今天天气很好", "下雨了"])
        let zh = TranslationEvaluator(head: zhHead)
        try zh.add(hypotheses: ["今天天气好"], references: ["今天的天气很好"], ids: ["z"])
        #expect(zh.bleuTokenizer == .zh)
        // Characters: P = 1, R = 5/7 → F = 12.2/15.08 (β = 1.2).
        #expect(abs(try zh.metrics()["rouge_l"]! - 100 * 12.2 / 15.08) < 1e-9)
        // A German head sees Chinese through the batch languages.
        let mixed = TranslationEvaluator(head: head)
        try mixed.add(hypotheses: ["今天"], references: ["今天"], ids: ["m"], languages: ["zh"])
        #expect(mixed.bleuTokenizer == .zh)
        #expect(throws: (any Error).self) { _ = try TranslationEvaluator(head: head).metrics() }
    }
}
