import Foundation
import ISLRHead
import SignCore
import SignNN
import SignTensor
import SignTestSupport
import Testing

@Suite("ISLRHead")
struct ISLRHeadTests {
    /// A head with the given widths; dropout off unless asked.
    func makeHead(dim: Int, labels: [String], dropout: Double = 0, smoothing: Double = 0.1, seed: UInt64 = 3) throws -> ISLRHead {
        var config = ISLRConfig()
        config.dropout = dropout
        config.labelSmoothing = smoothing
        var rng = RandomStream(seed: seed)
        return try ISLRHead(config: config, encoderDim: dim, labels: labels, rng: &rng)
    }

    /// A head whose logits are the tokens' attention-pooled values: D = C, uniform attention scores
    /// (score weights 0), identity classifier. With one frame per clip the logits are the tokens exactly.
    func identityHead(labels: [String]) throws -> ISLRHead {
        let c = labels.count
        let head = try makeHead(dim: c, labels: labels)
        set(head.pooling.score.weight, [Float](repeating: 0, count: c))
        set(head.pooling.score.bias!, [0])
        var eye = [Float](repeating: 0, count: c * c)
        for i in 0..<c { eye[i * c + i] = 1 }
        set(head.classifier.weight, eye)
        set(head.classifier.bias!, [Float](repeating: 0, count: c))
        return head
    }

    /// Clips of one frame whose logits (through `identityHead`) are `rows`.
    func logitInput(_ rows: [[Float]], labels: [Int]) throws -> HeadInput {
        let tokens = try Tensor(shape: [rows.count, 1, rows[0].count], data: rows.flatMap { $0 })
        let mask = Tensor.ones([rows.count, 1])
        return HeadInput(encoded: try fakeEncoded(tokens, mask), batch: try fakeBatch(mask: mask, labels: labels))
    }

    // MARK: attention pooling

    @Test func attentionPoolingHandExample() throws {
        // Score = first coordinate: frames x0 = (0, 1), x1 = (ln 3, 5), x2 padded.
        // softmax(0, ln 3) = (1/4, 3/4) → y = (¾·ln 3, ¼·1 + ¾·5) = (0.823959…, 4).
        var rng = RandomStream(seed: 1)
        let pool = AttentionPooling(2, rng: &rng)
        set(pool.score.weight, [1, 0])
        set(pool.score.bias!, [0])
        let ln3 = Float(Foundation.log(3.0))
        let tokens = try Tensor(shape: [1, 3, 2], data: [0, 1, ln3, 5, 100, -100])
        let mask = try Tensor(shape: [1, 3], data: [1, 1, 0])
        let w = try pool.weights(tokens, mask: mask)
        #expect(maxAbsDiff(w, try Tensor(shape: [1, 3], data: [0.25, 0.75, 0])) < 1e-6)
        #expect(w.pointer[2] == 0)
        let y = try pool(tokens, mask: mask)
        #expect(maxAbsDiff(y, try Tensor(shape: [1, 2], data: [0.75 * ln3, 4])) < 1e-5)
    }

    @Test func attentionPoolingIgnoresPaddedFrames() throws {
        let head = try makeHead(dim: 6, labels: ["a", "b", "c", "d"])
        head.eval()
        let mask = lengthMask([5, 3, 1], frames: 5)
        let tokens = rand([3, 5, 6], seed: 4)
        let before = try head.logits(try fakeEncoded(tokens, mask))
        let weights = try head.pooling.weights(tokens, mask: mask)
        let changed = tokens.copy()
        var rng = RandomStream(seed: 9)
        for i in 0..<15 where mask.pointer[i] == 0 { for d in 0..<6 { changed.pointer[i * 6 + d] = 50 * rng.normal() } }
        let after = try head.logits(try fakeEncoded(changed, mask))
        #expect(before.toArray() == after.toArray())   // bit for bit
        for b in 0..<3 {
            let row = (0..<5).map { weights.pointer[b * 5 + $0] }
            #expect(Swift.abs(row.reduce(0, +) - 1) < 1e-6)
            for t in 0..<5 where mask.pointer[b * 5 + t] == 0 { #expect(row[t] == 0) }
        }
        // And no gradient reaches a padded token.
        let x = tokens.copy()
        x.requiresGrad = true
        head.train()
        try head.loss(HeadInput(encoded: try fakeEncoded(x, mask), batch: try fakeBatch(mask: mask, labels: [0, 1, 2]))).terms["islr.ce"]!.backward()
        let g = try #require(x.grad)
        for i in 0..<15 where mask.pointer[i] == 0 { for d in 0..<6 { #expect(g.pointer[i * 6 + d] == 0) } }
    }

    @Test func poolingRefusesAClipWithoutFrames() throws {
        let head = try makeHead(dim: 4, labels: ["a", "b"])
        let e = tensorError { _ = try head.logits(try fakeEncoded(rand([2, 3, 4], seed: 1), lengthMask([3, 0], frames: 3))) }
        #expect(e?.message == "clip 1 of the batch has no valid frame (its mask is all 0)")
    }

    // MARK: loss

    @Test func gradCheckLossThroughHeadParametersAndTokens() throws {
        let head = try makeHead(dim: 5, labels: ["a", "b", "c", "d"], smoothing: 0.1)
        let mask = lengthMask([4, 2, 3], frames: 4)
        let tokens = rand([3, 4, 5], seed: 8)
        let batch = try fakeBatch(mask: mask, labels: [2, -100, 0])
        let inputs = [head.pooling.score.weight, head.pooling.score.bias!, head.classifier.weight, head.classifier.bias!, tokens]
        let report = try gradCheck(inputs, eps: 1e-3, atol: 1e-3, rtol: 1e-2) { _ in
            try head.loss(HeadInput(encoded: try fakeEncoded(tokens, mask), batch: batch)).terms["islr.ce"]!
        }
        #expect(report.passed, "\(report)")
    }

    @Test func lossIsLabelSmoothedCrossEntropyAndAccuracyCountsLabelledClips() throws {
        let head = try identityHead(labels: ["a", "b", "c"])
        let input = try logitInput([[2, 0, 0], [0, 1, 3], [0, 0, 0], [1, 0, 5]], labels: [0, 1, -100, 2])
        let out = try head.loss(input)
        #expect(Set(out.terms.keys) == ["islr.ce"] && Set(out.metrics.keys) == ["islr.acc"])
        // Hand: rows 0, 1, 3 with ε = 0.1, C = 3: loss_r = lse_r − 0.9·x_{r,y} − 0.1·mean_c x_rc.
        func lse(_ r: [Double]) -> Double { Foundation.log(r.map { Foundation.exp($0) }.reduce(0, +)) }
        let rows: [([Double], Int)] = [([2, 0, 0], 0), ([0, 1, 3], 1), ([1, 0, 5], 2)]
        let expected = rows.map { r, y in lse(r) - 0.9 * r[y] - 0.1 * r.reduce(0, +) / 3 }.reduce(0, +) / 3
        #expect(Swift.abs(Double(out.terms["islr.ce"]!.item) - expected) < 1e-5)
        #expect(out.metrics["islr.acc"] == Float(2) / 3)   // rows 0 and 3 right, row 1 wrong
        #expect(head.termPrefix == "islr" && !head.needsText && head.vocabulary == ["labels": ["a", "b", "c"]])
    }

    @Test func missingOrOutOfRangeLabelsAreClearErrors() throws {
        let head = try identityHead(labels: ["a", "b", "c"])
        let mask = Tensor.ones([2, 1])
        let encoded = try fakeEncoded(rand([2, 1, 3], seed: 1), mask)
        let e1 = tensorError { _ = try head.loss(HeadInput(encoded: encoded, batch: try fakeBatch(mask: mask, labels: nil))) }
        #expect(e1?.message == "the batch carries no labels (clips clip0, clip1); ISLR needs a class per clip (−100 for unknown)")
        let e2 = tensorError { _ = try head.loss(HeadInput(encoded: encoded, batch: try fakeBatch(mask: mask, labels: [0, 3]))) }
        #expect(e2?.message == "clip clip1 has label 3, outside 0..<3 (−100 marks an unknown label)")
        let e3 = tensorError { _ = try head.logits(try fakeEncoded(rand([2, 1, 4], seed: 1), mask)) }
        #expect(e3?.message == "expects encoder tokens [B, T, 3], got [2, 1, 4]")
        #expect(tensorError { _ = try makeHead(dim: 3, labels: ["a", "b", "a"]) }?.message
                == "label \"a\" appears twice in the label list (again at index 2)")
    }

    // MARK: predict

    @Test func predictionsAreSortedTopKWithSoftmaxProbabilities() throws {
        let labels = ["a", "b", "c", "d", "e"]
        let head = try identityHead(labels: labels)
        head.train()
        let rows: [[Float]] = [[0.1, 2, -1, 2, 0.5], [3, 2, 1, 0, -1]]
        let preds = try head.predict(try logitInput(rows, labels: [0, 0]), topK: 3)
        #expect(head.isTraining)   // predict restores the mode
        guard case .classes(let first) = preds[0], case .classes(let second) = preds[1] else { Issue.record("not classes"); return }
        // Equal logits (b, d) come in class order.
        #expect(first.map(\.label) == ["b", "d", "e"] && second.map(\.label) == ["a", "b", "c"])
        let z = rows[0].map { Double($0) }, total = z.map { Foundation.exp($0) }.reduce(0, +)
        for (label, p) in first {
            #expect(Swift.abs(Double(p) - Foundation.exp(z[labels.firstIndex(of: label)!]) / total) < 1e-6)
        }
        for list in [first, second] { #expect(zip(list, list.dropFirst()).allSatisfy { $0.probability >= $1.probability }) }
        // k beyond C is capped; k < 1 is refused.
        guard case .classes(let all) = try head.predict(try logitInput(rows, labels: [0, 0]), topK: 9)[1] else { return }
        #expect(all.count == 5 && Swift.abs(all.map(\.probability).reduce(0, +) - 1) < 1e-6)
        #expect(tensorError { _ = try head.predict(try logitInput(rows, labels: [0, 0]), topK: 0) }?.message == "topK must be ≥ 1, got 0")
    }

    // MARK: evaluator

    @Test func evaluatorMetricsAndConfusionOnAHandMadeSplit() throws {
        let names = ["hello", "thank you", "yes, no", "say \"hi\"", "e", "f"]
        let head = try identityHead(labels: names)
        let evaluator = head.makeEvaluator()
        // Ranks by hand (ties by class index): 1, 6, 1, 2, 4, 3, 1; the last clip is unlabelled.
        try evaluator.add(try logitInput([[5, 4, 3, 2, 1, 0], [0, 5, 4, 3, 2, 1], [1, 2, 0, 0, 0, 0], [3, 2, 1, 0, 0, 0]],
                                         labels: [0, 0, 1, 1]))
        try evaluator.add(try logitInput([[0, 0, 1, 2, 3, 4], [1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 0, 0], [9, 0, 0, 0, 0, 0]],
                                         labels: [2, 2, 3, -100]))
        let m = try evaluator.metrics()
        let perClassTop1: Double = (0.5 + 0.5 + 0 + 1) / 4     // classes 0…3: 1/2, 1/2, 0/2, 1/1
        let perClassTop5: Double = (0.5 + 1 + 1 + 1) / 4       // 1/2, 2/2, 2/2, 1/1
        let expectedMetrics: [String: Double] = ["top1": 3.0 / 7, "top5": 6.0 / 7, "per_class_top1": perClassTop1,
                                                 "per_class_top5": perClassTop5, "clips": 7, "unlabelled_clips": 1]
        #expect(m == expectedMetrics)
        // Targets 0 0 1 1 2 2 3, arg-max predictions 0 1 1 0 5 0 3 → classes 0, 1, 2, 3, 5.
        let csv = try evaluator.artefacts()["confusion_matrix.csv"]
        let expected = [#"true\predicted,hello,thank you,"yes, no","say ""hi""",f"#,
                        "hello,1,1,0,0,0",
                        "thank you,1,1,0,0,0",
                        #""yes, no",1,0,0,0,1"#,
                        #""say ""hi""",0,0,0,1,0"#,
                        "f,0,0,0,0,0"]
        #expect(csv == expected.joined(separator: "\n") + "\n")
    }

    @Test func evaluatorRefusesAnEmptySplit() throws {
        let head = try identityHead(labels: ["a", "b"])
        let evaluator = head.makeEvaluator()
        try evaluator.add(try logitInput([[1, 0]], labels: [-100]))
        #expect(tensorError { _ = try evaluator.metrics() }?.message == "no labelled clip was evaluated (1 clips had the unknown label −100)")
        #expect(try evaluator.artefacts().isEmpty)
    }

    /// P-I / P-C top-1 / top-5 and the confusion matrix against scikit-learn, run at test time
    /// (`accuracy_score`, `top_k_accuracy_score`, `balanced_accuracy_score`, per-class
    /// `top_k_accuracy_score`, `confusion_matrix`). Fails when Python or scikit-learn is missing.
    @Test func evaluatorAgreesWithScikitLearn() throws {
        let c = 12, n = 240
        let names = (0..<c).map { "sign\($0)" }
        let head = try identityHead(labels: names)
        let evaluator = head.makeEvaluator()
        var rng = RandomStream(seed: 77)
        var allScores: [[Float]] = [], allLabels: [Int] = []
        for batchIndex in 0..<6 {
            let rows = (0..<(n / 6)).map { _ in (0..<c).map { _ in rng.normal() } }
            // Classes 10 and 11 never occur as labels (they may be predicted); a few clips are unlabelled.
            var labels = rows.map { _ in rng.int(10) }
            if batchIndex == 2 { labels[0] = -100; labels[5] = -100 }
            // Make the labelled class likelier so the accuracies are not all near chance.
            let boosted = zip(rows, labels).map { row, y in y < 0 ? row : row.enumerated().map { $0.offset == y ? $0.element + 1.2 : $0.element } }
            try evaluator.add(try logitInput(boosted, labels: labels))
            for (row, y) in zip(boosted, labels) where y >= 0 { allScores.append(row); allLabels.append(y) }
        }
        let dir = try makeTemporaryDirectory("islr-sklearn")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("scores.json")
        let json = "{\"labels\": \(allLabels), \"names\": [\(names.map { "\"\($0)\"" }.joined(separator: ", "))], \"scores\": ["
            + allScores.map { "[" + $0.map { "\(Double($0))" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]}"
        try json.write(to: file, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            import numpy as np
            from sklearn.metrics import accuracy_score, top_k_accuracy_score, balanced_accuracy_score, confusion_matrix
            from sklearn.utils.multiclass import unique_labels
            d = json.load(open(sys.argv[1]))
            s = np.array(d["scores"], dtype=np.float64); y = np.array(d["labels"]); names = d["names"]
            labels = np.arange(s.shape[1]); pred = s.argmax(axis=1)
            out = {"top1": accuracy_score(y, pred), "top5": top_k_accuracy_score(y, s, k=5, labels=labels),
                   "per_class_top1": balanced_accuracy_score(y, pred),
                   "per_class_top5": float(np.mean([top_k_accuracy_score(y[y == c], s[y == c], k=5, labels=labels) for c in np.unique(y)]))}
            classes = unique_labels(y, pred); cm = confusion_matrix(y, pred)
            lines = ["true\\\\predicted," + ",".join(names[c] for c in classes)]
            lines += [names[c] + "," + ",".join(str(v) for v in row) for c, row in zip(classes, cm)]
            out["csv"] = "\\n".join(lines) + "\\n"
            print(json.dumps(out))
            """
        let output = try Python.run(script, arguments: [file.path], requiring: ["numpy", "sklearn"])
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let m = try evaluator.metrics()
        for key in ["top1", "top5", "per_class_top1", "per_class_top5"] {
            let expected = try #require(reference[key] as? Double)
            #expect(Swift.abs(m[key]! - expected) < 1e-12, "\(key): \(m[key]!) vs scikit-learn \(expected)")
        }
        #expect(m["clips"] == Double(allLabels.count) && m["unlabelled_clips"] == 2)
        #expect(m["top1"]! > 0.2 && m["top5"]! < 1 && m["per_class_top1"] != m["top1"])   // a case that tells them apart
        #expect(try evaluator.artefacts()["confusion_matrix.csv"] == reference["csv"] as? String)
    }

    // MARK: registration

    @Test func registrationBuildsFromARecipeAndValidatesFields() throws {
        var registry = Registry()
        try ISLRHeadPlugin.register(in: &registry)
        let info = try registry.info(.head, "islr")
        #expect(info.parameters.map(\.name) == ["labelSmoothing", "dropout"])
        let context = BuildContext(seed: 5, dimensions: ["encoder.dim": 8], lists: ["labels": ["hello", "bye", "yes"]])
        let recipe = try RecipeValue.parse(Data(#"{"head": {"type": "head/islr", "labelSmoothing": 0.2, "dropout": 0.3}}"#.utf8))
        let built = try registry.build(.head, from: try recipe.required("head"), context: context, as: (any TaskHead).self)
        let head = try #require(built as? ISLRHead)
        #expect(head.config.labelSmoothing == 0.2 && head.dropout.p == Float(0.3) && head.classifier.weight.shape == [3, 8])
        #expect(head.vocabulary == ["labels": ["hello", "bye", "yes"]])
        #expect(Set(head.namedParameters().map(\.0)) == ["pooling.score.weight", "pooling.score.bias", "classifier.weight", "classifier.bias"])
        // Same seed, same weights.
        let again = try registry.build(.head, from: try recipe.required("head"), context: context, as: (any TaskHead).self) as! ISLRHead
        #expect(again.classifier.weight.toArray() == head.classifier.weight.toArray())

        func error(_ json: String) throws -> RecipeError? {
            let node = try RecipeValue.parse(Data(json.utf8)).required("head")
            do { _ = try registry.build(.head, from: node, context: context, as: (any TaskHead).self); return nil }
            catch let e as RecipeError { return e }
        }
        #expect(try error(#"{"head": {"type": "islr", "labelSmoothing": 1.5}}"#)?.description
                == "head.labelSmoothing: expected a number in 0.0…1.0, got 1.5")
        #expect(try error(#"{"head": {"type": "islr", "dropout": "high"}}"#)?.description
                == #"head.dropout: expected number, got string "high""#)
        #expect(try error(#"{"head": {"type": "islr", "labelSmothing": 0.1}}"#)?.path == "head.labelSmothing")
        #expect(throws: RegistryError.self) {
            _ = try registry.build(.head, from: try RecipeValue.parse(Data(#"{"type": "islr"}"#.utf8)),
                                   context: BuildContext(dimensions: ["encoder.dim": 8]), as: (any TaskHead).self)
        }
    }

    // MARK: training sanity

    /// Toy data: each class has a prototype token; valid frames are prototype + noise, padded frames
    /// carry another class's prototype (×3) as a decoy. 100 AdamW steps on the head alone must reach
    /// a held-out accuracy far above chance (1/5).
    @Test func hundredAdamWStepsLearnToyClasses() throws {
        let c = 5, d = 8, t = 6
        var rng = RandomStream(seed: 31)
        let prototypes = (0..<c).map { _ in (0..<d).map { _ in 1.5 * rng.normal() } }
        func split(_ clips: Int) throws -> HeadInput {
            let tokens = Tensor.zeros([clips, t, d]), mask = Tensor.zeros([clips, t])
            var labels: [Int] = []
            for b in 0..<clips {
                let y = rng.int(c), length = 2 + rng.int(t - 1)
                labels.append(y)
                for f in 0..<t {
                    let valid = f < length
                    mask.pointer[b * t + f] = valid ? 1 : 0
                    for k in 0..<d {
                        tokens.pointer[(b * t + f) * d + k] = valid ? prototypes[y][k] + 0.8 * rng.normal() : 3 * prototypes[(y + 1) % c][k]
                    }
                }
            }
            return HeadInput(encoded: try fakeEncoded(tokens, mask), batch: try fakeBatch(mask: mask, labels: labels))
        }
        let train = try (0..<5).map { _ in try split(20) }
        let test = try split(100)
        let head = try makeHead(dim: d, labels: (0..<c).map { "class\($0)" }, dropout: 0.1, smoothing: 0.1, seed: 32)
        let optimizer = try AdamW(parameters: head.namedParameters(), learningRate: 1e-2, weightDecay: 0.01)
        func accuracy() throws -> Double {
            let e = head.makeEvaluator()
            try e.add(test)
            return try e.metrics()["top1"]!
        }
        let before = try accuracy()
        head.train()
        for step in 0..<100 {
            head.reseedStochasticLayers(seed: UInt64(step))
            optimizer.zeroGrad()
            try head.loss(train[step % train.count]).terms["islr.ce"]!.backward()
            try optimizer.step()
        }
        let after = try accuracy()
        #expect(after >= 0.9, "held-out accuracy \(before) → \(after) (chance 0.2)")
    }
}
