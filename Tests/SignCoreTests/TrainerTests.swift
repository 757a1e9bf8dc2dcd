import Foundation
import Testing
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport

/// A toy objective: mean-pooled poses → Linear → dropout → Linear, MSE to a fixed projection of
/// the input. Exercises optimizer state, dropout reseeding and data order in resume tests.
final class ToyObjective: TrainingObjective {
    final class Net: Module {
        let first: Linear, drop: Dropout, second: Linear
        init(seed: UInt64) {
            var rng = RandomStream(seed: seed)
            first = Linear(6, 16, rng: &rng); drop = Dropout(p: 0.2, seed: seed); second = Linear(16, 1, rng: &rng)
            super.init()
        }
    }
    let net: Net
    var model: Module { net }
    var nanAtStep: Int?
    init(seed: UInt64) { net = Net(seed: seed) }

    func compute(_ batch: PoseBatch, step: Int, training: Bool) throws -> StepOutput {
        let b = batch.size
        let x = try batch.poses.slice(axis: 2, start: 0, end: 2).mean(axes: [1]).reshaped([b, 6])
        let target = try x.sum(axes: [1], keepDims: true).detached() * 0.5
        var loss = try mseLoss(try net.second(try net.drop(try net.first(x).relu())), target)
        if step == nanAtStep { loss = loss * Float.nan }
        return StepOutput(terms: ["toy.mse": loss], metrics: ["toy.batch": Float(b)])
    }
}

/// Deterministic random batches: batch i of epoch e depends only on (seed, e, i).
struct ToySource: BatchSource {
    let batches: Int, seed: UInt64
    let layout = try! PoseLayouts.named("holistic-hands-body-75")
    final class It: BatchIterator {
        let source: ToySource, epoch: Int
        var i = 0
        init(_ s: ToySource, _ e: Int) { source = s; epoch = e }
        func next() throws -> PoseBatch? {
            guard i < source.batches else { return nil }
            defer { i += 1 }
            var rng = RandomStream(seed: source.seed &+ UInt64(epoch * 1000 + i))
            let poses = Tensor.randn([4, 5, 75, 3], rng: &rng)
            return try PoseBatch(poses: poses, mask: .ones([4, 5]), layout: source.layout, ids: ["a", "b", "c", "d"])
        }
    }
    func makeIterator(epoch: Int) throws -> any BatchIterator { It(self, epoch) }
}

@Suite("Trainer")
struct TrainerTests {
    func config(steps: Int = 8) -> TrainerConfig {
        var c = TrainerConfig()
        c.steps = steps; c.learningRate = 1e-2; c.warmupSteps = 2; c.checkpointEvery = 2; c.keepLast = 2
        c.evalEvery = 4; c.logEvery = 1; c.accumulation = 2; c.seed = 3
        return c
    }

    func bits(_ m: Module) -> [[UInt32]] { m.stateDict().map { $0.1.toArray().map(\.bitPattern) } }

    @Test func resumeContinuesWithTheSameBits() throws {
        let dirA = try makeTemporaryDirectory("trainA"), dirB = try makeTemporaryDirectory("trainB")
        let a = ToyObjective(seed: 1)
        let ta = try Trainer(objective: a, config: config(), train: ToySource(batches: 3, seed: 9), eval: ToySource(batches: 2, seed: 99), runDirectory: dirA)
        try ta.run()
        // Interrupted after step 5 (crossing an epoch boundary), then resumed in a fresh process-like setting.
        let b1 = ToyObjective(seed: 1)
        let tb1 = try Trainer(objective: b1, config: config(), train: ToySource(batches: 3, seed: 9), eval: ToySource(batches: 2, seed: 99), runDirectory: dirB)
        tb1.stopAfterStep = 5
        #expect(try tb1.run().step == 5)
        let b2 = ToyObjective(seed: 777)   // different init: everything must come from the checkpoint
        let tb2 = try Trainer(objective: b2, config: config(), train: ToySource(batches: 3, seed: 9), eval: ToySource(batches: 2, seed: 99), runDirectory: dirB)
        #expect(try tb2.resume())
        #expect(tb2.state.step == 5 && tb2.state.epoch == 3 && tb2.state.batchesIntoEpoch == 1)
        try tb2.run()
        #expect(bits(a.net) == bits(b2.net))
        #expect(bits(a.net) != bits(ToyObjective(seed: 1).net))
        // The logs agree line for line (apart from throughput).
        let strip = { (u: URL) -> [String] in
            String(decoding: try! Data(contentsOf: u.appendingPathComponent("metrics.jsonl")), as: UTF8.self).split(separator: "\n")
                .map { $0.replacingOccurrences(of: #""clips_per_s":[0-9.e+-]+,"#, with: "", options: .regularExpression) }
        }
        #expect(strip(dirA) == strip(dirB))
        // keep-last-K and the loss curve.
        let kept = try FileManager.default.contentsOfDirectory(atPath: dirA.appendingPathComponent("checkpoints").path).sorted()
        #expect(kept == ["step-00000006", "step-00000008"])
        let svg = try String(contentsOf: dirA.appendingPathComponent("loss.svg"), encoding: .utf8)
        #expect(svg.contains("<polyline") && svg.contains("toy.mse"))
    }

    /// Selection by a score that depends on the weights and is not monotone in the step.
    func selection(_ obj: ToyObjective) -> ModelSelection {
        ModelSelection(metric: SelectionMetric("score", higherIsBetter: true), evaluate: { _ in
            let w = obj.net.second.weight.toArray()
            return ["score": Double(Foundation.sin(w.reduce(0, +) * 40)), "other": 1]
        }, write: { folder, _ in try obj.net.save(to: folder.appendingPathComponent("model.safetensors")) })
    }

    /// The eval lines of a run's metrics.jsonl.
    func evalRecords(_ dir: URL) throws -> [(step: Int, values: [String: Double])] {
        String(decoding: try Data(contentsOf: dir.appendingPathComponent("metrics.jsonl")), as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], o["split"] as? String == "eval",
                  let step = o["step"] as? Int else { return nil }
            return (step, o.compactMapValues { ($0 as? NSNumber)?.doubleValue })
        }
    }

    func fileBits(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    @Test func bestCheckpointIsTheBestEvaluationAndSurvivesResume() throws {
        var c = config(); c.evalEvery = 1; c.checkpointEvery = 1; c.keepLast = 20
        let dirA = try makeTemporaryDirectory("bestA"), dirB = try makeTemporaryDirectory("bestB")
        let a = ToyObjective(seed: 1)
        let ta = try Trainer(objective: a, config: c, train: ToySource(batches: 3, seed: 9), eval: ToySource(batches: 2, seed: 99), runDirectory: dirA)
        ta.selection = selection(a)
        let stateA = try ta.run()
        // The kept step is the first maximum of the logged scores, and best/ holds that step's weights.
        let evals = try evalRecords(dirA)
        #expect(evals.count == 8 && evals.allSatisfy { $0.values["score"] != nil && $0.values["toy.mse"] != nil })
        let top = evals.map { $0.values["score"]! }.max()!
        let best = try #require(stateA.best)
        #expect(best.step == evals.first { $0.values["score"]! == top }!.step && Swift.abs(best.value - top) < 1e-12 && best.metrics["other"] == 1)
        let bestWeights = dirA.appendingPathComponent("best/model.safetensors")
        #expect(try fileBits(bestWeights) == fileBits(dirA.appendingPathComponent(String(format: "checkpoints/step-%08d/model.safetensors", best.step))))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dirA.appendingPathComponent("best/metrics.json"))) as! [String: Any]
        #expect(json["step"] as? Int == best.step && json["metric"] as? String == "score" && json["higher_is_better"] as? Bool == true)
        #expect(!FileManager.default.fileExists(atPath: dirA.appendingPathComponent(".best.partial").path))

        // Interrupted after step 5 and resumed with other initial weights: the same best, bit for bit.
        let b1 = ToyObjective(seed: 1)
        let tb1 = try Trainer(objective: b1, config: c, train: ToySource(batches: 3, seed: 9), eval: ToySource(batches: 2, seed: 99), runDirectory: dirB)
        tb1.selection = selection(b1)
        tb1.stopAfterStep = 5
        try tb1.run()
        let b2 = ToyObjective(seed: 777)
        let tb2 = try Trainer(objective: b2, config: c, train: ToySource(batches: 3, seed: 9), eval: ToySource(batches: 2, seed: 99), runDirectory: dirB)
        tb2.selection = selection(b2)
        #expect(try tb2.resume())
        #expect(tb2.state.best?.step == evals.prefix(5).max { $0.values["score"]! < $1.values["score"]! }?.step)
        let stateB = try tb2.run()
        #expect(stateB.best == best)
        #expect(try fileBits(dirB.appendingPathComponent("best/model.safetensors")) == fileBits(bestWeights))
        #expect(bits(a.net) == bits(b2.net))
    }

    @Test func selectionMetricMissingFromTheEvaluationIsAnError() throws {
        let obj = ToyObjective(seed: 1)
        let t = try Trainer(objective: obj, config: config(steps: 4), train: ToySource(batches: 3, seed: 9), eval: ToySource(batches: 2, seed: 99),
                            runDirectory: try makeTemporaryDirectory("bestMissing"))
        t.selection = ModelSelection(metric: SelectionMetric("wer", higherIsBetter: false), evaluate: { _ in ["bleu4": 1] }, write: { _, _ in })
        #expect(throws: RecipeError(path: "train", message: "best-checkpoint metric wer is not among the evaluation's metrics (bleu4)")) { try t.run() }
    }

    @Test func nonFiniteLossStopsNamingStepAndTermAndKeepsLastCheckpoint() throws {
        let dir = try makeTemporaryDirectory("trainNaN")
        let obj = ToyObjective(seed: 1)
        obj.nanAtStep = 3
        var c = config(); c.checkpointEvery = 1; c.accumulation = 1
        let t = try Trainer(objective: obj, config: c, train: ToySource(batches: 3, seed: 9), eval: nil, runDirectory: dir)
        #expect(throws: NonFiniteLossError.self) { try t.run() }
        do { try t.run() } catch { #expect("\(error)".contains("step 3: loss term 'toy.mse' is NaN")) }
        let kept = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("checkpoints").path).sorted()
        #expect(kept.last == "step-00000002")
        // The kept checkpoint loads into a fresh model.
        let fresh = ToyObjective(seed: 5)
        try fresh.net.load(from: dir.appendingPathComponent("checkpoints/step-00000002/model.safetensors"))
    }

    @Test func recipeConfigErrorsNameThePath() throws {
        let bad = try RecipeValue.parse(Data(#"{"optimizer": {"lr": "fast"}, "train": {"stepz": 3}}"#.utf8))
        #expect(throws: RecipeError(path: "optimizer.lr", message: "expected number, got string \"fast\"")) {
            try TrainerConfig(optimizer: bad.optional("optimizer"), train: nil)
        }
        #expect(throws: RecipeError.self) { try TrainerConfig(optimizer: nil, train: bad.optional("train")) }
        let good = try RecipeValue.parse(Data(#"{"optimizer": {"lr": 0.01, "betas": [0.9, 0.95]}, "train": {"steps": 7, "weights": {"contrastive": 0.5}}}"#.utf8))
        let c = try TrainerConfig(optimizer: good.optional("optimizer"), train: good.optional("train"))
        #expect(c.steps == 7 && c.beta2 == 0.95 && c.weight(of: "contrastive.infonce") == 0.5 && c.weight(of: "masked_pose.l1") == 1)
        #expect(c.layerDecay == nil)
    }

    @Test func layerDecayIsReadAndNeedsAnObjectiveWithDepths() throws {
        let recipe = try RecipeValue.parse(Data(#"{"optimizer": {"layerDecay": 0.75}, "bad": {"layerDecay": 0}, "worse": {"layerDecay": 2}}"#.utf8))
        var c = try TrainerConfig(optimizer: recipe.optional("optimizer"), train: nil)
        #expect(c.layerDecay == 0.75)
        #expect(throws: RecipeError(path: "bad.layerDecay", message: "expected a decay in (0, 1], got 0")) {
            try TrainerConfig(optimizer: recipe.optional("bad"), train: nil)
        }
        #expect(throws: RecipeError.self) { try TrainerConfig(optimizer: recipe.optional("worse"), train: nil) }
        c.steps = 2
        #expect(throws: RecipeError.self) {
            try Trainer(objective: ToyObjective(seed: 1), config: c, train: ToySource(batches: 2, seed: 1), eval: nil,
                        runDirectory: try makeTemporaryDirectory("trainDecay"))
        }
        c.layerDecay = 1   // no decay: nothing to ask the objective
        _ = try Trainer(objective: ToyObjective(seed: 1), config: c, train: ToySource(batches: 2, seed: 1), eval: nil,
                        runDirectory: try makeTemporaryDirectory("trainDecay1"))
    }
}
