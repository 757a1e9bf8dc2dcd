import Foundation
import ISLRHead
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport
import Testing

/// Clips with the unknown label −100 in ISLR training: ignored by the loss, dropped by fine-tuning,
/// and a batch without any label updates nothing and never gives NaN.
@Suite("ISLR unlabelled clips")
struct UnlabelledClipsTests {
    func head(dim: Int = 8, classes: Int = 3) throws -> ISLRHead {
        var config = ISLRConfig()
        config.dropout = 0
        var rng = RandomStream(seed: 4)
        return try ISLRHead(config: config, encoderDim: dim, labels: (0..<classes).map { "sign\($0)" }, rng: &rng)
    }

    func input(labels: [Int], frames: Int = 3, dim: Int = 8, seed: UInt64 = 1) throws -> HeadInput {
        var rng = RandomStream(seed: seed)
        let tokens = Tensor.randn([labels.count, frames, dim], rng: &rng)
        let mask = lengthMask(labels.indices.map { 1 + $0 % frames }, frames: frames)
        return HeadInput(encoded: try fakeEncoded(tokens, mask), batch: try fakeBatch(mask: mask, labels: labels))
    }

    @Test func aBatchWithoutAnyLabelGivesZeroLossAndZeroGradients() throws {
        let h = try head()
        let out = try h.loss(try input(labels: [-100, -100, -100]))
        let ce = try #require(out.terms["islr.ce"])
        #expect(ce.item == 0 && ce.item.isFinite)
        #expect(out.metrics["islr.acc"] == nil)
        try ce.backward()
        for (name, p) in h.namedParameters() {
            #expect(p.grad.map { $0.toArray().allSatisfy { $0 == 0 } } ?? true, "\(name) got a non-zero or NaN gradient")
        }
    }

    @Test func unlabelledClipsDoNotChangeTheLoss() throws {
        let h = try head()
        let mixed = try input(labels: [1, -100, 2, -100])
        let labelled = HeadInput(encoded: try fakeEncoded(try mixed.encoded.tokens.indexSelect(axis: 0, indices: [0, 2]),
                                                          try mixed.encoded.mask.indexSelect(axis: 0, indices: [0, 2])),
                                 batch: try mixed.batch.selecting([0, 2]))
        let a = try h.loss(mixed).terms["islr.ce"]!.item, b = try h.loss(labelled).terms["islr.ce"]!.item
        #expect(Swift.abs(a - b) <= 1e-6 * Swift.abs(b) && a > 0)
    }

    @Test func fineTuningDropsUnlabelledClipsBeforeTheEncoder() throws {
        let layout = try tinyLayout()
        let encoder = FakePoseEncoder(points: layout.pointCount, dim: 8, seed: 2)
        let objective = try FinetuneObjective(encoder: encoder, head: try head(), textEncoder: nil)
        var mixed = try syntheticBatch(layout: layout, lengths: [5, 3, 4, 2], frames: 5)
        mixed.labels = [0, -100, 2, -100]
        let out = try objective.compute(mixed, step: 1, training: true)
        var subset = try syntheticBatch(layout: layout, lengths: [5, 3, 4, 2], frames: 5).selecting([0, 2])
        subset.labels = [0, 2]
        let ref = try objective.compute(subset, step: 1, training: true)
        #expect(out.terms["islr.ce"]!.item.bitPattern == ref.terms["islr.ce"]!.item.bitPattern)
        // No label at all: no loss term (no update), the clips are counted as skipped.
        var none = mixed
        none.labels = [-100, -100, -100, -100]
        let skipped = try objective.compute(none, step: 1, training: true)
        #expect(skipped.terms.isEmpty && skipped.metrics["islr.skipped_clips"] == 4)
    }

    /// Batches cycling through mixed, unlabelled and labelled clips.
    struct MixedSource: BatchSource {
        let layout: PoseLayout
        final class It: BatchIterator {
            let layout: PoseLayout
            var i = 0
            init(_ layout: PoseLayout) { self.layout = layout }
            func next() throws -> PoseBatch? {
                guard i < 3 else { return nil }
                defer { i += 1 }
                var b = try syntheticBatch(layout: layout, lengths: [4, 3, 5], frames: 5, offset: (Float(i) * 0.1, 0))
                b.labels = [[0, -100, 1], [-100, -100, -100], [2, 1, 0]][i]
                return b
            }
        }
        func makeIterator(epoch: Int) throws -> any BatchIterator { It(layout) }
    }

    @Test func trainingOnAMixOfLabelledAndUnlabelledBatchesStaysFinite() throws {
        let layout = try tinyLayout()
        let h = try head()
        let objective = try FinetuneObjective(encoder: FakePoseEncoder(points: layout.pointCount, dim: 8, seed: 2), head: h, textEncoder: nil)
        var c = TrainerConfig()
        c.steps = 6; c.warmupSteps = 1; c.evalEvery = 3; c.checkpointEvery = 0; c.logEvery = 1; c.learningRate = 0.01
        let before = h.classifier.weight.toArray()
        let t = try Trainer(objective: objective, config: c, train: MixedSource(layout: layout), eval: MixedSource(layout: layout),
                            runDirectory: try makeTemporaryDirectory("islrMixed"))
        var records: [MetricsRecord] = []
        t.onLog = { records.append($0) }
        let state = try t.run()
        #expect(state.step == 6)
        let after = h.classifier.weight.toArray()
        #expect(after != before && after.allSatisfy(\.isFinite))
        // Steps 2 and 5 saw only unlabelled clips: logged without a loss; evaluations average the labelled batches.
        let train = records.filter { $0.split == "train" }
        #expect(train.filter { $0.values["islr.ce"] == nil }.map(\.step) == [2, 5])
        #expect(train.allSatisfy { $0.values.values.allSatisfy(\.isFinite) })
        let evals = records.filter { $0.split == "eval" }
        #expect(evals.count == 2 && evals.allSatisfy { ($0.values["islr.ce"] ?? .nan).isFinite && $0.values["islr.skipped_clips"] == 3 })
    }
}

/// A pose encoder with a BatchNorm over its per-frame features (frame → Linear → BatchNorm1d).
final class NormedEncoder: Module, PoseEncoder {
    let proj: Linear
    let norm: BatchNorm1d
    var outputDim: Int { 8 }
    init(points: Int) {
        var rng = RandomStream(seed: 9)
        proj = Linear(points * 3, 8, rng: &rng)
        norm = BatchNorm1d(8)
        super.init()
    }
    func encode(_ batch: PoseBatch, masking: PoseMasking?) throws -> EncoderOutput {
        let (b, t) = (batch.size, batch.frames)
        let h = try norm(try proj(try batch.poses.reshaped([b * t, batch.layout.pointCount * 3]))).reshaped([b, t, 8])
        return try fakeEncoded(h, batch.mask)
    }
}

@Suite("Fine-tuning with frozen BatchNorm")
struct FrozenBatchNormTests {
    @Test func frozenBatchNormUsesAndKeepsTheRunningStatistics() throws {
        let layout = try tinyLayout()
        var config = ISLRConfig()
        config.dropout = 0
        var batch = try syntheticBatch(layout: layout, lengths: [4, 3], frames: 4, offset: (3, -2))
        batch.labels = [0, 1]
        for frozen in [false, true] {
            let encoder = NormedEncoder(points: layout.pointCount)
            var rng = RandomStream(seed: 4)
            let head = try ISLRHead(config: config, encoderDim: 8, labels: ["a", "b"], rng: &rng)
            let objective = try FinetuneObjective(encoder: encoder, head: head, textEncoder: nil, frozenBatchNorm: frozen)
            let before = encoder.norm.runningMean.toArray()
            let loss = try objective.compute(batch, step: 1, training: true).terms["islr.ce"]!
            try loss.backward()
            #expect((encoder.norm.runningMean.toArray() == before) == frozen)
            #expect(encoder.norm.isTraining && encoder.isTraining)               // the mode is restored
            #expect(encoder.proj.weight.grad != nil && encoder.norm.weight!.grad != nil)   // γ, β and the rest still learn
            // Frozen: the same loss as the model in eval mode.
            if frozen {
                let evalLoss = try withNoGrad { () throws -> Float in
                    objective.model.eval(); defer { objective.model.train() }
                    return try head.loss(try objective.headInput(batch, encoderGrad: false)).terms["islr.ce"]!.item
                }
                #expect(evalLoss == loss.item)
            }
        }
    }
}
