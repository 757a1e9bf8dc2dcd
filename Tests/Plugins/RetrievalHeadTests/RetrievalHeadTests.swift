import Foundation
import RetrievalHead
import SignCore
import SignNN
import SignTensor
import SignTestSupport
import SignTextContrastive
import Testing

@Suite("RetrievalHead")
struct RetrievalHeadTests {
    func makeHead(dim: Int, textDim: Int, embedDim: Int, pooling: RetrievalPooling = .mean, seed: UInt64 = 3) throws -> RetrievalHead {
        var config = RetrievalConfig()
        config.embedDim = embedDim
        config.pooling = pooling
        var rng = RandomStream(seed: seed)
        return try RetrievalHead(config: config, encoderDim: dim, textDim: textDim, rng: &rng)
    }

    /// A head with identity projections (D = D_text = E) and mean pooling: embeddings are the
    /// normalized pooled features.
    func identityHead(dim: Int) throws -> RetrievalHead {
        let head = try makeHead(dim: dim, textDim: dim, embedDim: dim)
        var eye = [Float](repeating: 0, count: dim * dim)
        for i in 0..<dim { eye[i * dim + i] = 1 }
        for p in [head.poseProjection, head.textProjection] {
            set(p.weight, eye)
            set(p.bias!, [Float](repeating: 0, count: dim))
        }
        return head
    }

    /// One-frame clips with the given pose vectors and one-token texts with the given text vectors.
    func vectorInput(poses: [[Float]], texts: [String], textVectors: [String: [Float]]) throws -> HeadInput {
        let d = poses[0].count, n = poses.count
        let mask = Tensor.ones([n, 1])
        let tokens = try Tensor(shape: [n, 1, d], data: poses.flatMap { $0 })
        let textTokens = try Tensor(shape: [n, 1, d], data: texts.flatMap { textVectors[$0]! })
        return HeadInput(encoded: try fakeEncoded(tokens, mask), batch: try fakeBatch(mask: mask, texts: texts),
                         text: TextFeatures(tokens: textTokens, mask: Tensor.ones([n, 1])))
    }

    func randomInput(lengths: [Int], frames: Int, dim: Int, texts: [String], textDim: Int, seed: UInt64) throws -> HeadInput {
        let mask = lengthMask(lengths, frames: frames)
        return HeadInput(encoded: try fakeEncoded(rand([lengths.count, frames, dim], seed: seed), mask),
                         batch: try fakeBatch(mask: mask, texts: texts), text: fakeTextFeatures(texts, dim: textDim))
    }

    // MARK: embeddings and loss

    @Test func embeddingsAreUnitRowsAndPoolingIgnoresPadding() throws {
        for pooling in RetrievalPooling.allCases where pooling != .encoder {
            let head = try makeHead(dim: 6, textDim: 5, embedDim: 4, pooling: pooling)
            let input = try randomInput(lengths: [4, 2, 1], frames: 4, dim: 6, texts: ["a b", "c", "d e f"], textDim: 5, seed: 2)
            let v = try head.poseEmbedding(input.encoded), t = try head.textEmbedding(input.text!)
            #expect(v.shape == [3, 4] && t.shape == [3, 4])
            for r in 0..<3 {
                #expect(Swift.abs((0..<4).map { v.pointer[r * 4 + $0] * v.pointer[r * 4 + $0] }.reduce(0, +) - 1) < 1e-5)
                #expect(Swift.abs((0..<4).map { t.pointer[r * 4 + $0] * t.pointer[r * 4 + $0] }.reduce(0, +) - 1) < 1e-5)
            }
            let changed = input.encoded.tokens.copy()
            for i in 0..<12 where input.encoded.mask.pointer[i] == 0 { for d in 0..<6 { changed.pointer[i * 6 + d] = 40 } }
            let v2 = try head.poseEmbedding(try fakeEncoded(changed, input.encoded.mask))
            #expect(v.toArray() == v2.toArray(), "\(pooling)")
            // Padded text tokens do not matter either.
            let f = input.text!
            let textChanged = f.tokens.copy()
            for i in 0..<(f.mask.count) where f.mask.pointer[i] == 0 { for d in 0..<5 { textChanged.pointer[i * 5 + d] = 9 } }
            #expect(maxAbsDiff(try head.textEmbedding(TextFeatures(tokens: textChanged, mask: f.mask)), t) < 1e-6)
        }
    }

    @Test func lossIsSymmetricInfoNCEOfTheCosinesWithDuplicatesMasked() throws {
        let head = try makeHead(dim: 6, textDim: 5, embedDim: 4)
        let texts = ["a b", "c", "a b", "d"]
        let input = try randomInput(lengths: [4, 2, 3, 4], frames: 4, dim: 6, texts: texts, textDim: 5, seed: 3)
        let out = try head.loss(input)
        #expect(Set(out.terms.keys) == ["retrieval.infonce"])
        #expect(Set(out.metrics.keys) == ["retrieval.r1_v2t", "retrieval.r1_t2v", "retrieval.tau"])
        #expect(Swift.abs(out.metrics["retrieval.tau"]! - 0.07) < 1e-6)
        let s = try head.poseEmbedding(input.encoded).matmul(try head.textEmbedding(input.text!), transposeOther: true)
        // By hand from the cosines: z = s/τ with the duplicate pairs (0, 2), (2, 0) left out.
        let n = 4, scale = 1 / Double(head.temperature)
        var total = 0.0
        for a in 0..<n {
            let row = (0..<n).filter { !(texts[$0] == texts[a] && $0 != a) }.map { Double(s.pointer[a * n + $0]) * scale }
            let col = (0..<n).filter { !(texts[$0] == texts[a] && $0 != a) }.map { Double(s.pointer[$0 * n + a]) * scale }
            let diag = Double(s.pointer[a * n + a]) * scale
            total += Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +)) - diag
            total += Foundation.log(col.map { Foundation.exp($0) }.reduce(0, +)) - diag
        }
        #expect(Swift.abs(Double(out.terms["retrieval.infonce"]!.item) - total / Double(2 * n)) < 1e-4)
        #expect(head.termPrefix == "retrieval" && head.needsText && head.vocabulary.isEmpty)
    }

    @Test func gradCheckLossThroughProjectionsTemperatureAndTokens() throws {
        let head = try makeHead(dim: 5, textDim: 4, embedDim: 3)
        let input = try randomInput(lengths: [3, 2, 3], frames: 3, dim: 5, texts: ["x", "y z", "x"], textDim: 4, seed: 5)
        let tokens = input.encoded.tokens
        let report = try gradCheck([head.poseProjection.weight, head.poseProjection.bias!, head.textProjection.weight,
                                    head.textProjection.bias!, head.logitScale, tokens], eps: 1e-3, atol: 1e-3, rtol: 1e-2) { _ in
            try head.loss(HeadInput(encoded: try fakeEncoded(tokens, input.encoded.mask), batch: input.batch, text: input.text)).terms["retrieval.infonce"]!
        }
        #expect(report.passed, "\(report)")
    }

    @Test func gradCheckWithAttentionPooling() throws {
        let head = try makeHead(dim: 5, textDim: 4, embedDim: 3, pooling: .attention)
        let input = try randomInput(lengths: [3, 1, 2], frames: 3, dim: 5, texts: ["x", "y z", "w"], textDim: 4, seed: 6)
        let tokens = input.encoded.tokens
        let pooling = try #require(head.pooling)
        let report = try gradCheck([pooling.score.weight, pooling.score.bias!, head.poseProjection.weight, tokens],
                                   eps: 1e-3, atol: 1e-3, rtol: 1e-2) { _ in
            try head.loss(HeadInput(encoded: try fakeEncoded(tokens, input.encoded.mask), batch: input.batch, text: input.text)).terms["retrieval.infonce"]!
        }
        #expect(report.passed, "\(report)")
        // Text features are frozen: no gradient flows back into them.
        let features = input.text!
        features.tokens.requiresGrad = true
        try head.loss(input).terms["retrieval.infonce"]!.backward()
        #expect(features.tokens.grad == nil && head.textProjection.weight.grad != nil)
    }

    @Test func missingTextsAreClearErrors() throws {
        let head = try makeHead(dim: 4, textDim: 3, embedDim: 2)
        let mask = Tensor.ones([2, 1])
        let encoded = try fakeEncoded(rand([2, 1, 4], seed: 1), mask)
        let e1 = tensorError { _ = try head.loss(HeadInput(encoded: encoded, batch: try fakeBatch(mask: mask, texts: nil), text: fakeTextFeatures(["a", "b"], dim: 3))) }
        #expect(e1?.message == "the batch carries no texts (clips clip0, clip1); retrieval needs a text per clip")
        let e2 = tensorError { _ = try head.loss(HeadInput(encoded: encoded, batch: try fakeBatch(mask: mask, texts: ["a", "b"]))) }
        #expect(e2?.message == "the head input has no text features; the recipe needs a \"text\" component (a text/* encoder)")
        let e3 = tensorError { _ = try head.loss(HeadInput(encoded: encoded, batch: try fakeBatch(mask: mask, texts: ["a", "b"]), text: fakeTextFeatures(["a", "b"], dim: 5))) }
        #expect(e3?.message.hasPrefix("expects text features [B, L, 3] with a [B, L] mask") == true)
    }

    @Test func predictReturnsThePoseEmbedding() throws {
        let head = try makeHead(dim: 6, textDim: 5, embedDim: 4, pooling: .attention)
        let input = try randomInput(lengths: [4, 2], frames: 4, dim: 6, texts: ["a", "b"], textDim: 5, seed: 7)
        let preds = try head.predict(input, topK: 1)
        let v = try head.poseEmbedding(input.encoded)
        #expect(preds == [.embedding(Array(v.toArray()[0..<4])), .embedding(Array(v.toArray()[4..<8]))])
        #expect(head.isTraining)
    }

    // MARK: evaluator

    /// Hand-made split (identity projections, embeddings = normalized vectors), s = 1/√2:
    ///   clips p0 = (1, 0) "a", p1 = (0, 1) "b", p2 = (s, s) "a", p3 = (s, −s) "c"; texts a = (1, 0), b = (0, 1), c = (−1, 0).
    ///   pose → text (columns a, b, c): p0 (1, 0, −1) → a rank 1; p1 (0, 1, 0) → b rank 1;
    ///     p2 (s, s, −s) → a ties b → rank 2; p3 (s, −s, −s) → c below a, tied with b → rank 3.
    ///   text → pose: a (1, 0, s, s) matches p0 or p2 → rank 1; b (0, 1, s, −s) → p1 rank 1;
    ///     c (−1, 0, −s, −s) matches p3 (−s): p1 above, p2 tied → rank 3.
    @Test func evaluatorOnAHandMadeSplitWithDuplicatesAndTies() throws {
        let head = try identityHead(dim: 2)
        let evaluator = head.makeEvaluator()
        let vectors: [String: [Float]] = ["a": [1, 0], "b": [0, 1], "c": [-1, 0]]
        try evaluator.add(try vectorInput(poses: [[1, 0], [0, 1]], texts: ["a", "b"], textVectors: vectors))
        try evaluator.add(try vectorInput(poses: [[1, 1], [1, -1]], texts: ["a", "c"], textVectors: vectors))
        let e = try #require(evaluator as? RetrievalEvaluator)
        let ranks = try e.ranks()
        #expect(ranks.poseToText == [1, 1, 2, 3] && ranks.textToPose == [1, 1, 3])
        #expect(e.distinctTexts == ["a", "b", "c"])
        let expected: [String: Double] = ["v2t_r1": 0.5, "v2t_r5": 1, "v2t_r10": 1, "v2t_medr": 1.5,
                                          "t2v_r1": 2.0 / 3, "t2v_r5": 1, "t2v_r10": 1, "t2v_medr": 1,
                                          "clips": 4, "texts": 3]
        #expect(try evaluator.metrics() == expected)
        #expect(tensorError { _ = try head.makeEvaluator().metrics() }?.message == "no clip was evaluated")
    }

    /// The evaluator against numpy at test time: the script gets every clip's pose and text
    /// embedding and text, de-duplicates the texts itself (first occurrence), and ranks pessimistically.
    @Test func evaluatorAgreesWithNumpy() throws {
        let head = try makeHead(dim: 6, textDim: 5, embedDim: 4, pooling: .attention, seed: 13)
        let evaluator = head.makeEvaluator()
        var allPoses: [[Float]] = [], allTexts: [[Float]] = [], texts: [String] = []
        for b in 0..<4 {
            let batchTexts = (0..<8).map { "sentence \(($0 * 5 + b * 3) % 13)" }   // 13 distinct, many repeated
            let input = try randomInput(lengths: (0..<8).map { 1 + ($0 + b) % 5 }, frames: 5, dim: 6, texts: batchTexts, textDim: 5, seed: 40 + UInt64(b))
            try evaluator.add(input)
            let v = try head.poseEmbedding(input.encoded), t = try head.textEmbedding(input.text!)
            for r in 0..<8 {
                allPoses.append(Array(v.toArray()[(r * 4)..<(r * 4 + 4)]))
                allTexts.append(Array(t.toArray()[(r * 4)..<(r * 4 + 4)]))
            }
            texts += batchTexts
        }
        func rows(_ m: [[Float]]) -> String { "[" + m.map { "[" + $0.map { "\(Double($0))" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]" }
        let json = "{\"poses\": \(rows(allPoses)), \"text_embeddings\": \(rows(allTexts)), \"texts\": [\(texts.map { "\"\($0)\"" }.joined(separator: ", "))]}"
        let dir = try makeTemporaryDirectory("retrieval-numpy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("split.json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            import numpy as np
            d = json.load(open(sys.argv[1]))
            P = np.array(d["poses"]); E = np.array(d["text_embeddings"]); texts = d["texts"]
            uniq = list(dict.fromkeys(texts)); T = E[[texts.index(u) for u in uniq]]
            S = P @ T.T
            def rank(scores, pos):
                neg = np.ones(len(scores), bool); neg[pos] = False
                return 1 + int((scores[neg] >= scores[pos].max()).sum())
            v2t = np.array([rank(S[i], [uniq.index(texts[i])]) for i in range(len(texts))])
            t2v = np.array([rank(S[:, u], [i for i, t in enumerate(texts) if t == uniq[u]]) for u in range(len(uniq))])
            out = {"clips": len(texts), "texts": len(uniq)}
            for name, r in (("v2t", v2t), ("t2v", t2v)):
                for k in (1, 5, 10): out[f"{name}_r{k}"] = float((r <= k).mean())
                out[f"{name}_medr"] = float(np.median(r))
            print(json.dumps(out))
            """
        let output = try Python.run(script, arguments: [file.path], requiring: ["numpy"])
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double])
        let m = try evaluator.metrics()
        #expect(Set(m.keys) == Set(reference.keys))
        for (key, value) in reference { #expect(Swift.abs(m[key]! - value) < 1e-12, "\(key): \(m[key]!) vs numpy \(value)") }
        #expect(m["texts"] == 13 && m["clips"] == 32)
    }

    // MARK: registration

    @Test func registrationBuildsFromARecipeAndValidatesFields() throws {
        var registry = Registry()
        try RetrievalHeadPlugin.register(in: &registry)
        let info = try registry.info(.head, "retrieval")
        #expect(info.parameters.map(\.name) == ["embedDim", "pooling", "temperature", "minTemperature", "learnTemperature"])
        let context = BuildContext(seed: 5, dimensions: ["encoder.dim": 8, "text.dim": 6])
        let recipe = try RecipeValue.parse(Data(#"{"head": {"type": "head/retrieval", "embedDim": 4, "pooling": "attention", "temperature": 0.1}}"#.utf8))
        let built = try registry.build(.head, from: try recipe.required("head"), context: context, as: (any TaskHead).self)
        let head = try #require(built as? RetrievalHead)
        #expect(head.poseProjection.weight.shape == [4, 8] && head.textProjection.weight.shape == [4, 6] && head.pooling != nil)
        #expect(Swift.abs(head.temperature - 0.1) < 1e-6)
        #expect(Set(head.namedParameters().map(\.0)) == ["pooling.score.weight", "pooling.score.bias", "pose_projection.weight",
                                                          "pose_projection.bias", "text_projection.weight", "text_projection.bias", "logit_scale"])
        let plain = try RetrievalHeadPlugin.build(try RecipeValue.parse(Data(#"{"type": "retrieval"}"#.utf8)), context)
        #expect(plain.config.embedDim == 512 && plain.config.pooling == .mean && plain.pooling == nil)

        func error(_ json: String) throws -> RecipeError? {
            let node = try RecipeValue.parse(Data(json.utf8)).required("head")
            do { _ = try registry.build(.head, from: node, context: context, as: (any TaskHead).self); return nil }
            catch let e as RecipeError { return e }
        }
        #expect(try error(#"{"head": {"type": "retrieval", "pooling": "max"}}"#)?.description
                == #"head.pooling: expected one of "mean", "attention", "encoder", got "max""#)
        #expect(try error(#"{"head": {"type": "retrieval", "temperature": 0.001}}"#)?.description
                == "head.temperature: expected a number in 0.01…1.0, got 0.001")
        #expect(try error(#"{"head": {"type": "retrieval", "embedDim": 0}}"#)?.description == "head.embedDim: expected an integer ≥ 1, got 0")
        #expect(try error(#"{"head": {"type": "retrieval", "embed_dim": 8}}"#)?.path == "head.embed_dim")
        #expect(throws: RegistryError.self) {
            _ = try registry.build(.head, from: try RecipeValue.parse(Data(#"{"type": "retrieval"}"#.utf8)),
                                   context: BuildContext(dimensions: ["encoder.dim": 8]), as: (any TaskHead).self)
        }
    }

    // MARK: training sanity

    /// Toy data: a clip's valid frames are a fixed random linear map of its text's pooled features
    /// plus noise; padded frames are decoys. 100 AdamW steps on the head alone must give held-out
    /// (unseen texts) R@1 far above chance (1/24) in both directions.
    @Test func hundredAdamWStepsLearnToyRetrieval() throws {
        let d = 12, dt = 10, t = 5
        let map = rand([dt, d], seed: 50, std: 0.5)
        var rng = RandomStream(seed: 51)
        func split(_ texts: [String]) throws -> HeadInput {
            let features = fakeTextFeatures(texts, dim: dt)
            let signal = try features.pooled().matmul(map)      // [B, D]
            let n = texts.count
            let tokens = Tensor.zeros([n, t, d]), mask = Tensor.zeros([n, t])
            for b in 0..<n {
                let length = 1 + rng.int(t)
                for f in 0..<t {
                    mask.pointer[b * t + f] = f < length ? 1 : 0
                    for k in 0..<d {
                        tokens.pointer[(b * t + f) * d + k] = f < length ? signal.pointer[b * d + k] + 0.3 * rng.normal() : 5 * rng.normal()
                    }
                }
            }
            return HeadInput(encoded: try fakeEncoded(tokens, mask), batch: try fakeBatch(mask: mask, texts: texts), text: features)
        }
        let train = try (0..<4).map { b in try split((0..<16).map { "train \(($0 + 16 * b) % 48)" }) }   // 48 texts, one repeat per 64 clips
        let test = try split((0..<24).map { "test \($0)" })
        let head = try makeHead(dim: d, textDim: dt, embedDim: 16, pooling: .attention, seed: 52)
        let optimizer = try AdamW(parameters: head.namedParameters(), learningRate: 1e-2, weightDecay: 0.01)
        func recall() throws -> (Double, Double) {
            let e = head.makeEvaluator()
            try e.add(test)
            let m = try e.metrics()
            return (m["v2t_r1"]!, m["t2v_r1"]!)
        }
        let before = try recall()
        for step in 0..<100 {
            optimizer.zeroGrad()
            try head.loss(train[step % train.count]).terms["retrieval.infonce"]!.backward()
            try optimizer.step()
        }
        let after = try recall()
        #expect(after.0 >= 0.5 && after.1 >= 0.5, "held-out R@1 v2t, t2v \(before) → \(after) (chance 1/24)")
    }
}
