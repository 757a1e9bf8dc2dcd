import Foundation
import Testing
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport
import SignTextContrastive

@Suite("SignTextContrastive")
struct SignTextContrastiveTests {
    // MARK: similarity

    /// 2 clips × 2 texts of 2-D unit vectors, one padded token on each side placed where it would win
    /// a max if it were not masked out.
    ///   clip 0: (1, 0), (0, 1)          clip 1: (0.6, 0.8), pad (1, 0)
    ///   text 0: (1, 0), (0.8, 0.6)      text 1: (0, 1), pad (1, 0)
    /// s(0,0) = ½[(1 + 0.6)/2 + (1 + 0.8)/2] = 0.85     s(0,1) = ½[(0 + 1)/2 + 1] = 0.75
    /// s(1,0) = ½[0.96 + (0.6 + 0.96)/2] = 0.87          s(1,1) = ½[0.8 + 0.8] = 0.8
    @Test func fineGrainedSimilarityHandExample() throws {
        let pose = try Tensor(shape: [2, 2, 2], data: [1, 0, 0, 1, 0.6, 0.8, 1, 0])
        let text = try Tensor(shape: [2, 2, 2], data: [1, 0, 0.8, 0.6, 0, 1, 1, 0])
        let s = try fineGrainedSimilarity(pose: pose, poseMask: try Tensor(shape: [2, 2], data: [1, 1, 1, 0]),
                                          text: text, textMask: try Tensor(shape: [2, 2], data: [1, 1, 1, 0]))
        #expect(s.shape == [2, 2])
        #expect(allClose(s, [0.85, 0.75, 0.87, 0.8], tol: 1e-6))
        // Without the masks the padded tokens win some maxima: the value changes.
        let unmasked = try fineGrainedSimilarity(pose: pose, poseMask: Tensor.ones([2, 2]), text: text, textMask: Tensor.ones([2, 2]))
        #expect(!allClose(unmasked, [0.85, 0.75, 0.87, 0.8], tol: 1e-3))
        #expect(tensorError { try fineGrainedSimilarity(pose: pose, poseMask: try Tensor(shape: [2, 2], data: [1, 1, 0, 0]),
                                                         text: text, textMask: Tensor.ones([2, 2])) }?.message == "pose clip 1 has no valid token")
    }

    @Test func l2NormalizedHasUnitRows() throws {
        let x = try l2Normalized(try Tensor(shape: [2, 2], data: [3, 4, 0, -2]))
        #expect(allClose(x, [0.6, 0.8, 0, -1], tol: 1e-6))
    }

    // MARK: reference against PyTorch

    /// B = 3, T′ = 4, D = 5, E = 3, L = 3, D_text = 4, texts ["a", "b", "a"] (clips 0 and 2 share a
    /// text). Inputs and weights from `formula`; LayerNorm at its init (1, 0). Reference: a one-off
    /// torch (float64) script that builds the dense [B, B, T′, L] similarity with einsum, masks by
    /// boolean indexing, uses F.layer_norm, F.normalize and F.cross_entropy with −inf fills:
    ///   fine s = [0.77849097, 0.52361034, 0.52378471, 0.59413856, −0.45224531, 0.75640470, 0.78119165, 0.38140475, 0.45239273]
    ///   fine loss 6.030837801500178 (duplicates excluded), 6.887191960928501 (not excluded)
    ///   global s = [−0.48957683, 0.64274031, −0.46390491, 0.98582220, −0.99919128, 0.98201576, −0.86662163, 0.76320411, −0.88196810]
    ///   global loss 23.624868771333375 (excluded), 23.624868794223328 (not excluded)
    struct Reference {
        let task: SignTextContrastive
        let encoded: EncoderOutput
        let text: TextFeatures

        init(similarity: ContrastiveSimilarity) throws {
            var config = ContrastiveConfig()
            config.embedDim = 3
            config.similarity = similarity
            var rng = RandomStream(seed: 1)
            task = try SignTextContrastive(config: config, encoderDim: 5, textDim: 4, rng: &rng)
            assign(task.poseProjection.weight, formula([3, 5], 0.91, 0.3))
            assign(task.poseProjection.bias!, formula([3], 1.3, 0.2, scale: 0.1))
            assign(task.textProjection.weight, formula([3, 4], 0.53, 0.9))
            assign(task.textProjection.bias!, formula([3], 0.77, 0.4, scale: 0.1))
            let tokens = formula([3, 4, 5], 0.37, 0.1)
            let mask = try Tensor(shape: [3, 4], data: [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0])
            let m = try mask.reshaped([3, 4, 1])
            let pooled = try (tokens * m).sum(axes: [1]) / (try m.sum(axes: [1]))
            encoded = EncoderOutput(tokens: tokens, mask: mask, pooled: pooled)
            text = TextFeatures(tokens: formula([3, 3, 4], 0.29, 0.5), mask: try Tensor(shape: [3, 3], data: [1, 1, 1, 1, 0, 0, 1, 1, 0]))
        }

        func loss(texts: [String]) throws -> Tensor {
            let s = try task.similarity(encoded: encoded, text: text)
            return try symmetricInfoNCE(similarity: s, scale: task.scale(), excluded: try duplicateTextMask(texts)).loss
        }
    }

    @Test func fineGrainedLossMatchesTorch() throws {
        let ref = try Reference(similarity: .fineGrained)
        let s = try ref.task.similarity(encoded: ref.encoded, text: ref.text)
        #expect(allClose(s, [0.7784909732922825, 0.5236103385424375, 0.5237847089317343, 0.5941385597547553, -0.45224530618086495,
                             0.7564046970139426, 0.7811916545865665, 0.3814047454861099, 0.45239273303210753], tol: 2e-6))
        #expect(Swift.abs(try ref.loss(texts: ["a", "b", "a"]).item - 6.030837801500178) < 2e-5)
        #expect(Swift.abs(try ref.loss(texts: ["a", "b", "c"]).item - 6.887191960928501) < 2e-5)
    }

    @Test func globalLossMatchesTorch() throws {
        let ref = try Reference(similarity: .global)
        let s = try ref.task.similarity(encoded: ref.encoded, text: ref.text)
        #expect(allClose(s, [-0.4895768311267479, 0.6427403133720785, -0.46390491418108837, 0.9858221985793634, -0.9991912776142402,
                             0.9820157625202173, -0.8666216276694851, 0.7632041083596508, -0.8819681017452317], tol: 2e-6))
        #expect(Swift.abs(try ref.loss(texts: ["a", "b", "a"]).item - 23.624868771333375) < 1e-4)
    }

    // MARK: InfoNCE

    /// s = [[1, 0, 0.5], [0, 1, 0], [0.5, 0, 1]], scale 1, texts ["x", "y", "x"]. The matrix is
    /// symmetric, so both directions agree:
    ///   plain:      L = ⅓[2·(ln(e + 1 + e^0.5) − 1) + (ln(e + 2) − 1)]
    ///   duplicates: pairs (0, 2) and (2, 0) leave the denominators:
    ///               L = ⅓[2·(ln(e + 1) − 1) + (ln(e + 2) − 1)]
    @Test func duplicateTextsLeaveTheDenominatorsAsComputedByHand() throws {
        let s = try Tensor(shape: [3, 3], data: [1, 0, 0.5, 0, 1, 0, 0.5, 0, 1])
        let e = M_E
        let plain = (2 * (Foundation.log(e + 1 + Foundation.exp(0.5)) - 1) + (Foundation.log(e + 2) - 1)) / 3
        let masked = (2 * (Foundation.log(e + 1) - 1) + (Foundation.log(e + 2) - 1)) / 3
        let one = Tensor(1)
        let lp = try symmetricInfoNCE(similarity: s, scale: one, excluded: try duplicateTextMask(["x", "y", "z"])).loss.item
        let lm = try symmetricInfoNCE(similarity: s, scale: one, excluded: try duplicateTextMask(["x", "y", "x"])).loss.item
        #expect(Swift.abs(Double(lp) - plain) < 1e-6)
        #expect(Swift.abs(Double(lm) - masked) < 1e-6)
        #expect(try duplicateTextMask(["x", "y", "x"]).toArray() == [0, 0, 1, 0, 0, 0, 1, 0, 0])

        // Excluded pairs get no gradient; the others do.
        let sg = s.copy(); sg.requiresGrad = true
        try symmetricInfoNCE(similarity: sg, scale: one, excluded: try duplicateTextMask(["x", "y", "x"])).loss.backward()
        let g = sg.grad!
        #expect(g[0, 2] == 0 && g[2, 0] == 0)
        #expect(g[0, 1] != 0 && g[0, 0] != 0)
    }

    @Test func recallAtOneCountsDiagonalWinners() throws {
        // Row 1's best column is 0; column 0's best row is 1.
        let z = try Tensor(shape: [3, 3], data: [2, 0, 0, 3, 1, 0, 0, 0, 1])
        let r = inBatchRecallAt1(z)
        #expect(Swift.abs(r.poseToText - 2.0 / 3) < 1e-6)
        #expect(Swift.abs(r.textToPose - 2.0 / 3) < 1e-6)
    }

    // MARK: temperature

    @Test func temperatureStartsAtInitAndIsClampedAtTheMinimum() throws {
        var rng = RandomStream(seed: 3)
        let task = try SignTextContrastive(config: ContrastiveConfig(), encoderDim: 4, textDim: 4, rng: &rng)
        #expect(Swift.abs(task.temperature - 0.07) < 1e-6)
        #expect(Swift.abs(task.logitScale.item - Float(Foundation.log(1 / 0.07))) < 1e-6)
        #expect(Swift.abs(task.scale().item - 1 / 0.07) < 1e-3)

        // Unclamped: the scale tracks the parameter's gradient, d scale / dθ = scale.
        try task.scale().backward()
        #expect(Swift.abs(task.logitScale.grad!.item - 1 / 0.07) < 1e-3)

        // Beyond log(1/0.01): τ = 0.01 exactly, scale 100, no gradient to the parameter.
        task.logitScale.grad = nil
        task.logitScale.pointer[0] = Float(Foundation.log(1 / 0.005))
        #expect(Swift.abs(task.temperature - 0.01) < 1e-7)
        let clamped = task.scale()
        #expect(Swift.abs(clamped.item - 100) < 1e-3)
        #expect(!clamped.requiresGrad)
        let ref = try Reference(similarity: .fineGrained)
        ref.task.logitScale.pointer[0] = 10
        try ref.loss(texts: ["a", "b", "c"]).backward()
        #expect(ref.task.logitScale.grad == nil)
        #expect(ref.task.poseProjection.weight.grad != nil)
    }

    // MARK: gradients

    @Test func gradCheckFineGrainedLossThroughProjectionsTemperatureAndEncoderOutput() throws {
        let ref = try Reference(similarity: .fineGrained)
        let inputs = [ref.task.poseProjection.weight, ref.task.textProjection.weight, ref.task.logitScale, ref.encoded.tokens,
                      ref.task.poseNorm!.weight]
        let report = try gradCheck(inputs, eps: 1e-3, atol: 1e-3, rtol: 1e-2) { _ in try ref.loss(texts: ["a", "b", "a"]) }
        #expect(report.passed, "\(report)")
    }

    @Test func gradCheckGlobalLoss() throws {
        let ref = try Reference(similarity: .global)
        let report = try gradCheck([ref.task.poseProjection.weight, ref.task.textProjection.bias!, ref.task.logitScale],
                                   eps: 1e-3, atol: 1e-3, rtol: 1e-2) { _ in try ref.loss(texts: ["a", "b", "a"]) }
        #expect(report.passed, "\(report)")
    }

    @Test func gradCheckThroughTheFakeEncoder() throws {
        let layout = try tinyLayout()
        let batch = try syntheticBatch(layout: layout, lengths: [6, 4, 5, 6], frames: 6,
                                       texts: ["a red cup", "the dog runs", "a red cup", "hello"])
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 6, seed: 11, positional: false)
        var config = ContrastiveConfig()
        config.embedDim = 5
        var rng = RandomStream(seed: 12)
        let task = try SignTextContrastive(config: config, encoderDim: 6, textDim: 7, rng: &rng)
        let text = FakeTextEncoder(dim: 7)
        let report = try gradCheck([encoder.proj.weight, task.poseProjection.bias!, task.textProjection.weight],
                                   eps: 1e-3, atol: 1e-3, rtol: 1e-2, maxPerInput: 48) { _ in
            let context = PretextContext(encoder: encoder, batch: batch, textEncoder: text, rng: RandomStream(seed: 0))
            return try task.compute(context).terms["contrastive.infonce"]!
        }
        #expect(report.passed, "\(report)")
    }

    // MARK: compute()

    @Test func computeReportsTermsAndMetricsAndKeepsTextFrozen() throws {
        let layout = try tinyLayout()
        let texts = ["a red cup", "the dog runs", "a red cup", "hello"]
        let batch = try syntheticBatch(layout: layout, lengths: [6, 4, 5, 6], frames: 6, texts: texts)
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 6, seed: 11, positional: false)
        var rng = RandomStream(seed: 12)
        let task = try SignTextContrastive(config: ContrastiveConfig(), encoderDim: 6, textDim: 7, rng: &rng)
        let text = FakeTextEncoder(dim: 7)
        let context = PretextContext(encoder: encoder, batch: batch, textEncoder: text, rng: RandomStream(seed: 0))
        let result = try task.compute(context)
        #expect(Set(result.terms.keys) == ["contrastive.infonce"])
        #expect(Set(result.metrics.keys) == ["contrastive.r1_pose_to_text", "contrastive.r1_text_to_pose", "contrastive.tau", "contrastive.pairs"])
        #expect(result.metrics["contrastive.pairs"] == 4)
        #expect(Swift.abs(result.metrics["contrastive.tau"]! - 0.07) < 1e-6)
        #expect(task.termPrefix == "contrastive" && task.needsText)

        // The same loss composed by hand from the pieces.
        let features = try text.encode(texts)
        let s = try task.similarity(encoded: try encoder.encode(batch), text: features)
        let expected = try symmetricInfoNCE(similarity: s, scale: task.scale(), excluded: try duplicateTextMask(texts)).loss
        #expect(Swift.abs(result.terms["contrastive.infonce"]!.item - expected.item) < 1e-6)

        try result.terms["contrastive.infonce"]!.backward()
        #expect(encoder.proj.weight.grad != nil && task.textProjection.weight.grad != nil)
    }

    @Test func missingTextsOrTextEncoderAreClearErrors() throws {
        let layout = try tinyLayout()
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 6, seed: 11, positional: false)
        var rng = RandomStream(seed: 12)
        let task = try SignTextContrastive(config: ContrastiveConfig(), encoderDim: 6, textDim: 7, rng: &rng)
        let noTexts = try syntheticBatch(layout: layout, lengths: [3, 2], frames: 3)
        #expect(try task.compute(PretextContext(encoder: encoder, batch: noTexts, textEncoder: FakeTextEncoder(dim: 7), rng: RandomStream(seed: 0))).terms.isEmpty)
        let withTexts = try syntheticBatch(layout: layout, lengths: [3, 2], frames: 3, texts: ["a", "b"])
        let e2 = tensorError { try task.compute(PretextContext(encoder: encoder, batch: withTexts, textEncoder: nil, rng: RandomStream(seed: 0))) }
        #expect(e2?.message.contains("no text encoder") == true)
        let e3 = tensorError { try task.compute(PretextContext(encoder: encoder, batch: withTexts, textEncoder: FakeTextEncoder(dim: 9), rng: RandomStream(seed: 0))) }
        #expect(e3?.message == "the text projection expects 7-wide features, text encoder fake-text-9 gives 9")
    }

    // MARK: mixed batches (clips without text)

    /// A batch of 5 clips of which 3 have text: the loss equals the loss of the 3-clip batch made of
    /// those clips alone (same encoder, seed-fixed), gradients reach only the captioned clips' rows,
    /// and the text-less clips never reach the text encoder.
    @Test func mixedBatchUsesOnlyTheCaptionedClips() throws {
        let layout = try tinyLayout()
        let clipTexts: [String?] = ["a red cup", nil, "the dog runs", nil, "hello"]
        let lengths = [6, 4, 5, 6, 3]
        let full = try syntheticBatch(layout: layout, lengths: lengths, frames: 6)
        let mixed = try PoseBatch(poses: full.poses, mask: full.mask, layout: layout, ids: full.ids, clipTexts: clipTexts)
        #expect(mixed.texts == nil && mixed.textIndices == [0, 2, 4])
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 6, seed: 11, positional: false)
        var rng = RandomStream(seed: 12)
        let task = try SignTextContrastive(config: ContrastiveConfig(), encoderDim: 6, textDim: 7, rng: &rng)
        let text = FakeTextEncoder(dim: 7)
        let result = try task.compute(PretextContext(encoder: encoder, batch: mixed, textEncoder: text, rng: RandomStream(seed: 0)))
        #expect(result.metrics["contrastive.pairs"] == 3)

        let keep = [0, 2, 4]
        let subset = try PoseBatch(poses: try full.poses.indexSelect(axis: 0, indices: keep), mask: try full.mask.indexSelect(axis: 0, indices: keep),
                                   layout: layout, ids: keep.map { full.ids[$0] }, texts: keep.map { clipTexts[$0]! })
        let alone = try task.compute(PretextContext(encoder: encoder, batch: subset, textEncoder: text, rng: RandomStream(seed: 0)))
        #expect(Swift.abs(result.terms["contrastive.infonce"]!.item - alone.terms["contrastive.infonce"]!.item) < 1e-6)

        // Gradient w.r.t. the poses: zero on the text-less clips, non-zero on the others.
        let poses = full.poses.detached()
        poses.requiresGrad = true
        let tracked = try PoseBatch(poses: poses, mask: full.mask, layout: layout, ids: full.ids, clipTexts: clipTexts)
        try task.compute(PretextContext(encoder: encoder, batch: tracked, textEncoder: text, rng: RandomStream(seed: 0)))
            .terms["contrastive.infonce"]!.backward()
        let g = try #require(poses.grad)
        let per = g.count / 5
        let norms = (0..<5).map { b in (0..<per).reduce(Float(0)) { $0 + Swift.abs(g.pointer[b * per + $1]) } }
        #expect(norms[1] == 0 && norms[3] == 0 && norms[0] > 0 && norms[2] > 0 && norms[4] > 0, "\(norms)")
    }

    /// Fewer than two captioned clips (or a batch without any text): no term and no metric (nothing to contrast), no error.
    @Test func fewerThanTwoCaptionedClipsGiveNoTerm() throws {
        let layout = try tinyLayout()
        let full = try syntheticBatch(layout: layout, lengths: [3, 2, 3], frames: 3)
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 6, seed: 11, positional: false)
        var rng = RandomStream(seed: 12)
        let task = try SignTextContrastive(config: ContrastiveConfig(), encoderDim: 6, textDim: 7, rng: &rng)
        let text = FakeTextEncoder(dim: 7)
        for clipTexts: [String?]? in [[nil, "only one", nil], [nil, nil, nil], nil] {
            let batch = try PoseBatch(poses: full.poses, mask: full.mask, layout: layout, ids: full.ids, clipTexts: clipTexts)
            let result = try task.compute(PretextContext(encoder: encoder, batch: batch, textEncoder: text, rng: RandomStream(seed: 0)))
            #expect(result.terms.isEmpty && result.metrics.isEmpty)
        }
        #expect(text.calls == 0)
    }

    // MARK: registration

    @Test func registrationBuildsFromARecipeAndValidatesFields() throws {
        var registry = Registry()
        try SignTextContrastivePlugin.register(in: &registry)
        let info = try registry.info(.pretext, "sign-text-contrastive")
        #expect(info.parameters.map(\.name) == ["embedDim", "poseLayerNorm", "similarity", "temperature", "minTemperature", "learnTemperature"])
        let context = BuildContext(seed: 5, dimensions: ["encoder.dim": 8, "text.dim": 6])
        let recipe = try RecipeValue.parse(Data(#"""
            {"pretext": [{"type": "pretext/sign-text-contrastive", "embedDim": 4, "similarity": "global", "poseLayerNorm": false, "temperature": 0.1}]}
            """#.utf8))
        let task = try registry.build(.pretext, from: try recipe.required("pretext").items[0], context: context, as: (any PretextTask).self)
        let stc = try #require(task as? SignTextContrastive)
        #expect(stc.config.similarity == .global && stc.poseNorm == nil && stc.poseProjection.weight.shape == [4, 8])
        #expect(stc.textProjection.weight.shape == [4, 6] && Swift.abs(stc.temperature - 0.1) < 1e-6)
        #expect(Set(stc.namedParameters().map(\.0)) == ["pose_projection.weight", "pose_projection.bias", "text_projection.weight",
                                                         "text_projection.bias", "logit_scale"])

        func error(_ json: String) throws -> RecipeError? {
            let node = try RecipeValue.parse(Data(json.utf8)).required("pretext").items[0]
            do { _ = try registry.build(.pretext, from: node, context: context, as: (any PretextTask).self); return nil }
            catch let e as RecipeError { return e }
        }
        #expect(try error(#"{"pretext": [{"type": "sign-text-contrastive", "temperature": 0.001}]}"#)?.description
                == "pretext[0].temperature: expected a number in 0.01…1.0, got 0.001")
        #expect(try error(#"{"pretext": [{"type": "sign-text-contrastive", "similarity": "coarse"}]}"#)?.description
                == #"pretext[0].similarity: expected one of "fine-grained", "global", got "coarse""#)
        #expect(try error(#"{"pretext": [{"type": "sign-text-contrastive", "embedDim": 0}]}"#)?.description
                == "pretext[0].embedDim: expected an integer ≥ 1, got 0")
        #expect(try error(#"{"pretext": [{"type": "sign-text-contrastive", "temprature": 0.1}]}"#)?.path == "pretext[0].temprature")
        #expect(throws: RegistryError.self) {
            _ = try registry.build(.pretext, from: try RecipeValue.parse(Data(#"{"type": "sign-text-contrastive"}"#.utf8)),
                                   context: BuildContext(dimensions: ["encoder.dim": 8]), as: (any PretextTask).self)
        }
    }

    // MARK: training sanity

    @Test func fiftyAdamWStepsReduceTheLoss() throws {
        let layout = try tinyLayout()
        let texts = ["one", "two words", "three words here", "four", "five five", "six", "seven is long", "eight"]
        let batch = try syntheticBatch(layout: layout, lengths: [8, 7, 6, 8, 5, 8, 7, 6], frames: 8, texts: texts)
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 16, seed: 21, positional: false)
        var config = ContrastiveConfig()
        config.embedDim = 16
        var rng = RandomStream(seed: 22)
        let task = try SignTextContrastive(config: config, encoderDim: 16, textDim: 12, rng: &rng)
        let text = FakeTextEncoder(dim: 12)
        let optimizer = try AdamW(parameters: encoder.namedParameters() + task.namedParameters(), learningRate: 1e-2, weightDecay: 0)
        func step() throws -> (Float, Float) {
            let result = try task.compute(PretextContext(encoder: encoder, batch: batch, textEncoder: text, rng: RandomStream(seed: 0)))
            return (result.terms["contrastive.infonce"]!.item, result.metrics["contrastive.r1_pose_to_text"]!)
        }
        let (initial, _) = try step()
        for _ in 0..<50 {
            optimizer.zeroGrad()
            let result = try task.compute(PretextContext(encoder: encoder, batch: batch, textEncoder: text, rng: RandomStream(seed: 0)))
            try result.terms["contrastive.infonce"]!.backward()
            try optimizer.step()
        }
        let (final, recall) = try step()
        #expect(final < 0.5 * initial, "loss \(initial) → \(final)")
        #expect(recall == 1, "in-batch R@1 \(recall)")
    }
}
