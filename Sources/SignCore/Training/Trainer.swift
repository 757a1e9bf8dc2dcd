import Foundation
import SignNN
import SignTensor

/// Runs an objective's optimization: AdamW with warm-up + cosine, clipping, gradient accumulation,
/// periodic evaluation on a held-out source, atomic keep-last-K checkpoints with everything an
/// exact resume needs, a JSONL metrics log, a progress line, a loss curve and two stops:
/// a NaN/Inf loss term (naming the step and term; the last good checkpoint stays) and SIGINT
/// (saves, then returns). With `selection` set, every evaluation also scores the held-out source
/// with the selection's evaluator and keeps the best weights in `<run>/best/` (`ModelSelection`).
///
/// Randomness depends only on (seed, step): data order comes from the source's (seed, epoch),
/// masking from the objective's step argument, and dropout is reseeded every step.
public final class Trainer {
    public let objective: TrainingObjective
    public let config: TrainerConfig
    public let train: BatchSource
    public let eval: BatchSource?
    public let runDirectory: URL
    public let optimizer: AdamW
    public private(set) var state: TrainerState
    /// Called with each training log record (tests and the CLI's progress line listen).
    public var onLog: ((MetricsRecord) -> Void)?
    /// Stops after this step as SIGINT would (save, then return); for tests and time-boxed runs.
    public var stopAfterStep: Int?
    /// Files written at each checkpoint besides weights (e.g. the recipe as config.json).
    public var checkpointConfig: [String: Any] = [:]
    /// Best-checkpoint selection on the held-out source (nil: none; needs `eval`).
    public var selection: ModelSelection?
    let checkpoints: CheckpointRotation
    let log: MetricsLog

    public init(objective: TrainingObjective, config: TrainerConfig, train: BatchSource, eval: BatchSource?, runDirectory: URL) throws {
        self.objective = objective
        self.config = config
        self.train = train
        self.eval = eval
        self.runDirectory = runDirectory
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        optimizer = try AdamW(parameters: objective.model.namedParameters().filter { $0.1.requiresGrad },
                              learningRate: config.learningRate, betas: (config.beta1, config.beta2), eps: config.eps,
                              weightDecay: config.weightDecay)
        if let d = config.layerDecay, d != 1 {
            guard let layered = objective as? LayerDecaying else {
                throw RecipeError(path: "optimizer.layerDecay", message: "layer-wise decay needs an objective with layer depths (fine-tuning); \(type(of: objective)) has none")
            }
            try optimizer.setLearningRateScales(try layered.learningRateScales(layerDecay: d, parameters: optimizer.parameters.map(\.0)))
        }
        state = TrainerState(config: config)
        checkpoints = CheckpointRotation(directory: runDirectory.appendingPathComponent("checkpoints"), keep: config.keepLast)
        log = MetricsLog(url: runDirectory.appendingPathComponent("metrics.jsonl"))
    }

    /// Restores weights, optimizer state and trainer state from the newest checkpoint of the run.
    /// Returns false when the run has none.
    @discardableResult
    public func resume() throws -> Bool {
        guard let dir = try checkpoints.latest() else { return false }
        let restored = try checkpoints.load(dir, into: objective.model, optimizer: optimizer)
        state = restored
        state.config = config
        try log.truncate(afterStep: state.step)
        return true
    }

    /// Trains until `config.steps` optimizer steps are done (or SIGINT). Returns the final state.
    @discardableResult
    public func run() throws -> TrainerState {
        let schedule = WarmupCosine(baseLR: config.learningRate, warmupSteps: config.warmupSteps,
                                    totalSteps: config.steps, minLR: config.minLearningRate)
        let interrupt = InterruptFlag.install()
        defer { interrupt.uninstall() }
        var iterator = try train.makeIterator(epoch: state.epoch)
        for _ in 0..<state.batchesIntoEpoch { _ = try iterator.next() }   // resume mid-epoch
        let model = objective.model
        model.train()
        let progress = ProgressLine(total: config.steps)
        var window = ThroughputWindow()
        while state.step < config.steps {
            let step = state.step + 1
            model.reseedStochasticLayers(seed: config.seed &+ UInt64(step) &* 0x9E37_79B9)
            optimizer.zeroGrad()
            var sums: [String: Double] = [:], metricSums: [String: Double] = [:]
            var clipsThisStep = 0
            for _ in 0..<config.accumulation {
                guard let batch = try nextBatch(&iterator) else { throw TrainerError.emptySource }
                let out = try objective.compute(batch, step: step, training: true)
                var total: Tensor? = nil
                for (name, term) in out.terms.sorted(by: { $0.key < $1.key }) {
                    try checkFinite(term, step: step, term: name)
                    sums[name, default: 0] += Double(term.item) / Double(config.accumulation)
                    let weighted = term * (config.weight(of: name) / Float(config.accumulation))
                    total = try total.map { try $0 + weighted } ?? weighted
                }
                for (k, v) in out.metrics { metricSums[k, default: 0] += Double(v) / Double(config.accumulation) }
                if let total { try total.backward() }
                clipsThisStep += batch.size
            }
            optimizer.learningRate = schedule.learningRate(at: step)
            let gradNorm = config.clipNorm > 0 ? clipGradNorm(optimizer.parameters.map(\.1), maxNorm: config.clipNorm) : 0
            try optimizer.step()
            state.step = step
            state.clips += clipsThisStep
            window.add(clips: clipsThisStep)
            if step % config.logEvery == 0 || step == config.steps || step == 1 {
                var values = sums.merging(metricSums) { a, _ in a }
                values["lr"] = Double(optimizer.learningRate)
                values["grad_norm"] = Double(gradNorm)
                values["clips_per_s"] = window.rate
                let record = MetricsRecord(step: step, split: "train", values: values)
                try log.append(record)
                onLog?(record)
                progress.update(step: step, values: sums, clipsPerSecond: window.rate)
            }
            if let eval, config.evalEvery > 0, step % config.evalEvery == 0 || step == config.steps {
                var means = try evaluate(eval, step: step)
                if let selection { try select(selection, eval: eval, step: step, into: &means, progress: progress) }
                state.lastEval = means
                let record = MetricsRecord(step: step, split: "eval", values: means)
                try log.append(record)
                onLog?(record)
                progress.note("eval @ \(step): " + means.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: "  "))
            }
            let interrupted = interrupt.isSet || stopAfterStep == step
            if interrupted || step == config.steps || (config.checkpointEvery > 0 && step % config.checkpointEvery == 0) {
                try checkpoints.save(model: model, optimizer: optimizer, state: state, config: checkpointConfig)
            }
            if interrupted {
                progress.note("interrupted: saved step \(step) in \(checkpoints.directory.path)")
                break
            }
        }
        progress.finish()
        try LossCurve.write(records: try log.read(), to: runDirectory.appendingPathComponent("loss.svg"))
        return state

        func nextBatch(_ it: inout any BatchIterator) throws -> PoseBatch? {
            if let b = try it.next() { state.batchesIntoEpoch += 1; return b }
            state.epoch += 1
            state.batchesIntoEpoch = 0
            it = try train.makeIterator(epoch: state.epoch)
            guard let b = try it.next() else { return nil }
            state.batchesIntoEpoch = 1
            return b
        }
    }

    /// Scores the held-out source for selection, adds the scores to the eval record (loss terms win on
    /// a name clash) and saves `<run>/best/` when the metric improved.
    func select(_ selection: ModelSelection, eval: BatchSource, step: Int, into means: inout [String: Double], progress: ProgressLine) throws {
        let model = objective.model
        model.eval()
        let scores: [String: Double]
        do { defer { model.train() }; scores = try withNoGrad { try selection.evaluate(eval) } }
        means.merge(scores) { loss, _ in loss }
        let name = selection.metric.name
        guard let value = scores[name] else {
            throw RecipeError(path: "train", message: "best-checkpoint metric \(name) is not among the evaluation's metrics (\(scores.keys.sorted().joined(separator: ", ")))")
        }
        guard value.isFinite, state.best.map({ selection.metric.isBetter(value, than: $0.value) }) ?? true else { return }
        let best = BestCheckpoint(step: step, metric: selection.metric, value: value, metrics: scores)
        try selection.save(best, runDirectory: runDirectory)
        state.best = best
        progress.note("best \(name) \(String(format: "%.4f", value)) at step \(step): saved \(runDirectory.appendingPathComponent("best").path)")
    }

    /// Mean loss terms and metrics over the held-out source (each over the batches that produced it),
    /// in eval mode, with the objective's randomness fixed (step 0) so successive evaluations are comparable.
    public func evaluate(_ source: BatchSource, step: Int) throws -> [String: Double] {
        let model = objective.model
        model.eval()
        defer { model.train() }
        let it = try source.makeIterator(epoch: 0)
        var sums: [String: Double] = [:], counts: [String: Int] = [:], count = 0
        try withNoGrad {
            while config.evalBatches == 0 || count < config.evalBatches, let batch = try it.next() {
                let out = try objective.compute(batch, step: 0, training: false)
                for (k, t) in out.terms { sums[k, default: 0] += Double(t.item); counts[k, default: 0] += 1 }
                for (k, v) in out.metrics { sums[k, default: 0] += Double(v); counts[k, default: 0] += 1 }
                count += 1
            }
        }
        return Dictionary(uniqueKeysWithValues: sums.map { ($0.key, $0.value / Double(max(counts[$0.key] ?? 1, 1))) })
    }
}

public enum TrainerError: Error, CustomStringConvertible {
    case emptySource
    public var description: String { "training data yielded no batch (is the train split empty?)" }
}

/// Clips per second over the last few steps.
struct ThroughputWindow {
    var marks: [(Double, Int)] = []
    mutating func add(clips: Int) {
        marks.append((Date().timeIntervalSince1970, clips))
        if marks.count > 20 { marks.removeFirst() }
    }
    var rate: Double {
        guard marks.count >= 2 else { return 0 }
        let dt = marks.last!.0 - marks.first!.0
        return dt > 0 ? Double(marks.dropFirst().reduce(0) { $0 + $1.1 }) / dt : 0
    }
}
