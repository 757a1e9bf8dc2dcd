import Foundation
import Testing
import CTCHead
import SignCore
import SignNN
import SignTensor
import SignTestSupport

@Suite("CTC head")
struct CTCHeadTests {
    // MARK: - Recipe and registration

    @Test func defaultsAndRecipeFields() throws {
        let d = try CTCHeadConfig(recipe: try headNode(#"{"type": "ctc"}"#))
        #expect(d.downsample == 4 && d.dim == 256 && d.model == .transformer && d.layers == 2 && d.heads == 4)
        #expect(d.ffDim == 1024 && d.beam == 1 && d.decoding == .greedy && d.zeroInfinity && d.lossReduction == .mean)
        let c = try CTCHeadConfig(recipe: try headNode(#"{"type": "ctc", "downsample": 2, "dim": 64, "model": "none", "beam": 5, "insertionBonus": 0.5, "zeroInfinity": false, "lossReduction": "clip_mean"}"#))
        #expect(c.downsample == 2 && c.temporalBlocks == 1 && c.dim == 64 && c.ffDim == 256 && c.model == .none)
        #expect(c.decoding == .beamSearch(width: 5, insertionBonus: 0.5) && !c.zeroInfinity && c.lossReduction == .clipMean)
        #expect(CTCHeadPlugin.info.parameters.map(\.name) == ["downsample", "dim", "model", "layers", "heads", "ffDim", "dropout",
                                                             "beam", "insertionBonus", "zeroInfinity", "lossReduction"])
    }

    @Test(arguments: [
        (#"{"type": "ctc", "downsample": 3}"#, "head.downsample: expected 1, 2 or 4, got 3"),
        (#"{"type": "ctc", "beem": 4}"#, #"head.beem: unknown field (did you mean "beam"?)"#),
        (#"{"type": "ctc", "dim": 30, "heads": 4}"#, "head.heads: expected a divisor of dim 30, got 4"),
        (#"{"type": "ctc", "dim": 30}"#, "head.heads: expected a divisor of dim 30, got 4"),
        (#"{"type": "ctc", "model": "bilstm"}"#, #"head.model: unknown sequence model "bilstm" (transformer, none)"#),
        (#"{"type": "ctc", "beam": 0}"#, "head.beam: expected an integer in 1…10000, got 0"),
        (#"{"type": "ctc", "zeroInfinity": "yes"}"#, #"head.zeroInfinity: expected boolean, got string "yes""#),
        (#"{"type": "ctc", "lossReduction": "sum"}"#, #"head.lossReduction: unknown loss reduction "sum" (mean, clip_mean)"#),
        (#"{"type": "ctc", "dropout": 1.5}"#, "head.dropout: expected a number in 0.0…0.9, got 1.5"),
    ])
    func recipeErrorsNameTheirPath(_ json: String, _ message: String) throws {
        do {
            _ = try CTCHeadConfig(recipe: try headNode(json))
            Issue.record("accepted \(json)")
        } catch let e as RecipeError {
            #expect(e.description.hasPrefix(message), "\(e)")
        }
    }

    @Test func registersAsHeadCTC() throws {
        var registry = Registry()
        try CTCHeadPlugin.register(in: &registry)
        #expect(try registry.info(key: "head/ctc").origin == "CTCHead")
        #expect(throws: RegistryError.self) { try CTCHeadPlugin.register(in: &registry) }
        let context = BuildContext(seed: 3, dimensions: ["encoder.dim": 12], lists: ["glosses": ["A", "B", "C"]])
        let node = try headNode(#"{"type": "head/ctc", "dim": 16, "layers": 1}"#)
        let head = try registry.build(.head, from: node, context: context, as: (any TaskHead).self)
        #expect(head.termPrefix == "ctc" && !head.needsText)
        #expect(head.vocabulary == ["glosses": ["A", "B", "C"]])
        #expect((head as? CTCHead)?.classifier.weight.shape == [4, 16])
        // The same seed builds the same parameters.
        let again = try registry.build(.head, from: node, context: context, as: (any TaskHead).self)
        #expect(zip(head.parameters(), again.parameters()).allSatisfy { $0.toArray() == $1.toArray() })
        // What the context must provide.
        #expect(throws: RegistryError.self) {
            try registry.build(.head, from: node, context: BuildContext(dimensions: ["encoder.dim": 12]), as: (any TaskHead).self)
        }
        #expect(throws: RegistryError.self) {
            try registry.build(.head, from: node, context: BuildContext(lists: ["glosses": ["A"]]), as: (any TaskHead).self)
        }
        do {
            _ = try registry.build(.head, from: node, context: BuildContext(dimensions: ["encoder.dim": 12], lists: ["glosses": ["A", "B", "A"]]),
                                   as: (any TaskHead).self)
            Issue.record("a repeated gloss was accepted")
        } catch let e as RecipeError {
            #expect(e.description == #"head: gloss "A" appears twice in the gloss list"#)
        }
    }

    @Test func parameterNamesFollowPyTorch() throws {
        let names = try buildHead(#"{"type": "ctc", "dim": 8, "heads": 2, "layers": 1}"#, dim: 6, glosses: 3).stateDict().map(\.0)
        for expected in ["temporal.0.conv.weight", "temporal.1.norm.running_mean", "layers.0.self_attn.in_proj_weight",
                         "norm.weight", "classifier.weight", "classifier.bias"] {
            #expect(names.contains(expected), "\(names)")
        }
        let flat = try buildHead(#"{"type": "ctc", "downsample": 1, "model": "none", "dim": 8}"#, dim: 6, glosses: 3).stateDict().map(\.0)
        #expect(flat == ["input_projection.weight", "input_projection.bias", "classifier.weight", "classifier.bias"])
    }

    // MARK: - Forward

    @Test(arguments: [(1, 19, [19, 10, 3]), (2, 9, [9, 5, 1]), (4, 4, [4, 2, 0])])
    func shapesAndLengthsFollowDownsampling(_ downsample: Int, _ frames: Int, _ lengths: [Int]) throws {
        let head = try buildHead(#"{"type": "ctc", "downsample": \#(downsample), "dim": 16, "layers": 1}"#, dim: 10, glosses: 5)
        let input = try headInput(tokens: randomTokens([3, 19, 10], seed: 2), lengths: [19, 10, 3], glosses: nil)
        let out = try head(input.encoded)
        #expect(out.logProbs.shape == [3, frames, 6])
        #expect(out.lengths == lengths)
        #expect(out.mask.shape == [3, frames])
        for b in 0..<3 { for t in 0..<frames { #expect(out.mask[b, t] == (t < lengths[b] ? 1 : 0)) } }
        // Rows are log-probabilities.
        for r in 0..<(3 * frames) {
            let s = (0..<6).reduce(Float(0)) { $0 + expf(out.logProbs.pointer[r * 6 + $1]) }
            #expect(Swift.abs(s - 1) < 1e-5)
        }
    }

    /// In eval mode (running statistics) a clip's log-probabilities do not depend on the rest of the
    /// batch nor on what its padding tokens hold.
    @Test func clipOutputIgnoresPaddingAndBatch() throws {
        let head = try buildHead(#"{"type": "ctc", "downsample": 4, "dim": 16, "layers": 2}"#, dim: 10, glosses: 5)
        head.eval()
        let tokens = randomTokens([2, 24, 10], seed: 4)
        let batched = try head(try headInput(tokens: tokens, lengths: [24, 13], glosses: nil).encoded)
        let alone = try head(try headInput(tokens: try tokens.slice(axis: 0, start: 1, end: 2).slice(axis: 1, start: 0, end: 13),
                                           lengths: [13], glosses: nil).encoded)
        #expect(batched.lengths == [6, 3] && alone.lengths == [3])
        let a = try batched.logProbs.slice(axis: 0, start: 1, end: 2).slice(axis: 1, start: 0, end: 3)
        #expect(maxAbsDiff(a, alone.logProbs) < 1e-5)
    }

    @Test func rejectsBadEncoderOutputs() throws {
        let head = try buildHead(#"{"type": "ctc", "dim": 16, "layers": 1}"#, dim: 10, glosses: 5)
        let good = try headInput(tokens: randomTokens([2, 8, 10], seed: 1), lengths: [8, 5], glosses: [[1], [2]])
        var holes = good.encoded
        holes.mask = try Tensor(shape: [2, 8], data: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0])
        do { _ = try head(holes); Issue.record("a mask with holes was accepted") } catch let e as TensorError {
            #expect(e.message.contains("clip 1 of the encoder mask has a valid frame 2 after padding at frame 1"), "\(e)")
        }
        #expect(throws: TensorError.self) { try head(try headInput(tokens: randomTokens([2, 8, 9], seed: 1), lengths: [8, 5], glosses: nil).encoded) }
        #expect(throws: TensorError.self) { try head(try headInput(tokens: randomTokens([2, 3, 10], seed: 1), lengths: [3, 3], glosses: nil).encoded) }
        let noGlosses = try headInput(tokens: randomTokens([2, 8, 10], seed: 1), lengths: [8, 5], glosses: nil)
        #expect(throws: TensorError.self) { try head.loss(noGlosses) }
        let outOfRange = try headInput(tokens: randomTokens([2, 8, 10], seed: 1), lengths: [8, 5], glosses: [[1], [5]])
        do { _ = try head.loss(outOfRange); Issue.record("gloss id 5 of 5 accepted") } catch let e as TensorError {
            #expect(e.message == "clip clip1 has gloss id 5, outside the 5 glosses of the head")
        }
    }

    // MARK: - Loss

    @Test func lossIsCTCOverShiftedGlossIdsAndReachesEveryParameter() throws {
        let head = try buildHead(#"{"type": "ctc", "downsample": 2, "dim": 16, "layers": 1, "dropout": 0}"#, dim: 10, glosses: 5)
        let input = try headInput(tokens: randomTokens([3, 16, 10], seed: 9), lengths: [16, 11, 6], glosses: [[0, 4, 4], [2], [1, 1, 1, 3]])
        let step = try head.loss(input)
        let loss = try #require(step.terms["ctc.loss"])
        #expect(loss.shape == [] && loss.item.isFinite && loss.item > 0)
        // Clip 2 has 3 frames after downsampling but needs 4 + 2 = 6: infeasible, zeroed.
        #expect(step.metrics["ctc.infeasible"] == 1)
        #expect(step.metrics["ctc.frames"] == Float(8 + 5 + 3) / 3)
        #expect(step.metrics["ctc.greedy_wer"] != nil)
        // The same number from the head's output and ctcLoss directly (gloss g is class g + 1).
        head.eval()
        let evalLoss = try head.loss(input).terms["ctc.loss"]!
        let out = try head(input.encoded)
        let direct = try ctcLoss(logProbs: out.logProbs, inputLengths: out.lengths, targets: [[1, 5, 5], [3], [2, 2, 2, 4]], zeroInfinity: true)
        #expect(Swift.abs(evalLoss.item - direct.item) < 1e-6)
        head.train()
        try loss.backward()
        for (name, p) in head.namedParameters() {
            let g = try #require(p.grad, "\(name) got no gradient")
            #expect(g.toArray().contains { $0 != 0 }, "\(name) gradient is zero")
        }
    }

    @Test func clipMeanReductionAveragesClipLosses() throws {
        let json = #"{"type": "ctc", "downsample": 1, "dim": 8, "layers": 1, "heads": 2, "dropout": 0, "lossReduction": "clip_mean"}"#
        let head = try buildHead(json, dim: 6, glosses: 4)
        let input = try headInput(tokens: randomTokens([2, 7, 6], seed: 5), lengths: [7, 5], glosses: [[0, 1, 2], [3]])
        let l = try head.loss(input).terms["ctc.loss"]!
        let out = try head(input.encoded)
        let perClip = try ctcLoss(logProbs: out.logProbs, inputLengths: out.lengths, targets: [[1, 2, 3], [4]], reduction: .none)
        #expect(Swift.abs(l.item - (perClip.pointer[0] + perClip.pointer[1]) / 2) < 1e-5)
    }

    /// Finite differences of the head's loss with respect to the encoder tokens (no pooling, so no
    /// arg-max kinks; dropout 0).
    @Test func gradCheckThroughTheHead() throws {
        let head = try buildHead(#"{"type": "ctc", "downsample": 1, "dim": 8, "heads": 2, "layers": 1, "dropout": 0}"#, dim: 6, glosses: 3)
        let tokens = randomTokens([2, 6, 6], seed: 8)
        let report = try gradCheck([tokens], eps: 1e-2, atol: 2e-3, rtol: 2e-2, maxPerInput: 72) { x in
            let input = try headInput(tokens: x[0], lengths: [6, 4], glosses: [[0, 2], [1]])
            return try head.loss(input).terms["ctc.loss"]!
        }
        #expect(report.passed, "\(report)")
    }

    // MARK: - Prediction and evaluation

    /// A head whose output is set by hand: no downsampling, no sequence model, identity projection and
    /// classifier 10·I, so frame tokens one-hot in channel k decode as class k (0 = blank, g + 1 = gloss g).
    func transparentHead(glosses: [String], beam: Int = 1) throws -> CTCHead {
        let d = glosses.count + 1
        let json = #"{"type": "ctc", "downsample": 1, "model": "none", "dim": \#(d), "beam": \#(beam)}"#
        let head = try CTCHeadPlugin.build(try headNode(json), BuildContext(dimensions: ["encoder.dim": d], lists: ["glosses": glosses]))
        let projection = try #require(head.inputProjection)
        for (w, scale) in [(projection.weight, Float(1)), (head.classifier.weight, 10)] {
            for i in 0..<d { for j in 0..<d { w.pointer[i * d + j] = i == j ? scale : 0 } }
        }
        projection.bias!.pointer.update(repeating: 0, count: d)
        head.classifier.bias!.pointer.update(repeating: 0, count: d)
        return head
    }

    /// Tokens [B, T, D] one-hot in the given channels (frame lists padded with blanks = channel 0).
    func oneHot(_ frames: [[Int]], channels: Int) throws -> (Tensor, [Int]) {
        let t = frames.map(\.count).max()!
        let tokens = Tensor.zeros([frames.count, t, channels])
        for (b, f) in frames.enumerated() { for (j, k) in f.enumerated() { tokens.pointer[(b * t + j) * channels + k] = 1 } }
        return (tokens, frames.map(\.count))
    }

    @Test func predictReturnsGlossNames() throws {
        let names = ["HEUTE", "REGEN", "NORD"]
        let head = try transparentHead(glosses: names)
        let (tokens, lengths) = try oneHot([[1, 1, 0, 2, 2, 0, 2], [3, 3, 0, 0]], channels: 4)
        let input = try headInput(tokens: tokens, lengths: lengths, glosses: nil)
        #expect(try head.predict(input, topK: 1) == [.glosses(["HEUTE", "REGEN", "REGEN"]), .glosses(["NORD"])])
        #expect(head.isTraining)   // predict restores the mode it found
        let beamHead = try transparentHead(glosses: names, beam: 4)
        #expect(try beamHead.predict(input, topK: 1) == [.glosses(["HEUTE", "REGEN", "REGEN"]), .glosses(["NORD"])])
    }

    /// Two clips: reference "A B C D" decoded as "A X C" (C S C D: 1 sub, 1 del) and reference
    /// "E F" decoded as "F X" (group costs: D C I; Levenshtein: S S). N = 6.
    /// Group: S 1, D 2, I 1 → WER 4/6; Levenshtein: 4 errors → 4/6 as well, sub 3/6 there.
    @Test func evaluatorReportsGroupAndLevenshteinRates() throws {
        let names = ["A", "B", "C", "D", "E", "F", "X"]
        let head = try transparentHead(glosses: names)
        let id = { (g: String) in names.firstIndex(of: g)! }
        let (tokens, lengths) = try oneHot([[id("A") + 1, 0, id("X") + 1, id("C") + 1], [id("F") + 1, 0, id("X") + 1, 0]], channels: 8)
        let input = try headInput(tokens: tokens, lengths: lengths,
                                  glosses: [["A", "B", "C", "D"].map(id), ["E", "F"].map(id)])
        let evaluator = head.makeEvaluator()
        try evaluator.add(input)
        let m = try evaluator.metrics()
        #expect(Swift.abs(m["wer"]! - 100 * 4 / 6) < 1e-9)
        #expect(Swift.abs(m["sub"]! - 100 * 1 / 6) < 1e-9)
        #expect(Swift.abs(m["del"]! - 100 * 2 / 6) < 1e-9)
        #expect(Swift.abs(m["ins"]! - 100 * 1 / 6) < 1e-9)
        #expect(Swift.abs(m["wer_levenshtein"]! - 100 * 4 / 6) < 1e-9)
        #expect(m["clips"] == 2 && m["reference_glosses"] == 6)
        let tsv = try #require(try evaluator.artefacts()["ctc_predictions.tsv"])
        #expect(tsv == "id\treference\thypothesis\nclip0\tA B C D\tA X C\nclip1\tE F\tF X\n")
        // A second batch accumulates.
        try evaluator.add(input)
        #expect(try evaluator.metrics()["reference_glosses"] == 12)
    }
}
