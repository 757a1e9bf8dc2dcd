import Foundation
import SignNN

/// The metric that picks the best checkpoint, and which way is better.
public struct SelectionMetric: Codable, Equatable, Sendable {
    /// A key of the evaluator's metrics (`top1`, `wer`, `t2v_r1`, `bleu4`).
    public var name: String
    public var higherIsBetter: Bool
    public init(_ name: String, higherIsBetter: Bool) { self.name = name; self.higherIsBetter = higherIsBetter }

    /// Strictly better (a tie keeps the earlier checkpoint); NaN is never better.
    public func isBetter(_ a: Double, than b: Double) -> Bool { higherIsBetter ? a > b : a < b }
}

/// The best evaluation so far (kept in `TrainerState`, so a resumed run knows it).
public struct BestCheckpoint: Codable, Equatable, Sendable {
    public var step: Int
    public var metric: SelectionMetric
    public var value: Double
    /// Every metric of that evaluation.
    public var metrics: [String: Double]
    public init(step: Int, metric: SelectionMetric, value: Double, metrics: [String: Double]) {
        self.step = step; self.metric = metric; self.value = value; self.metrics = metrics
    }
}

/// Best-checkpoint selection for the Trainer: at every evaluation (`train.evalEvery` and the last
/// step) `evaluate` scores the held-out source; when `metric` improves on the best so far (strictly;
/// non-finite values never count), `write` saves a loadable checkpoint of the current weights into a
/// fresh folder, which the Trainer completes with `metrics.json` and renames to `<run>/best/`
/// (replacing the previous best only once complete).
public struct ModelSelection {
    public var metric: SelectionMetric
    public var evaluate: (BatchSource) throws -> [String: Double]
    public var write: (_ folder: URL, _ best: BestCheckpoint) throws -> Void
    public init(metric: SelectionMetric, evaluate: @escaping (BatchSource) throws -> [String: Double],
                write: @escaping (_ folder: URL, _ best: BestCheckpoint) throws -> Void) {
        self.metric = metric; self.evaluate = evaluate; self.write = write
    }

    /// `<run>/best/metrics.json`: `{"step": …, "metric": …, "higher_is_better": …, "value": …, "metrics": {…}}`.
    static func metricsJSON(_ best: BestCheckpoint) throws -> Data {
        let object: [String: Any] = ["step": best.step, "metric": best.metric.name, "higher_is_better": best.metric.higherIsBetter,
                                     "value": best.value, "metrics": best.metrics]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// Writes `best` into `<run>/best/` through a temporary folder renamed into place.
    func save(_ best: BestCheckpoint, runDirectory: URL) throws {
        let fm = FileManager.default
        let final = runDirectory.appendingPathComponent("best"), temp = runDirectory.appendingPathComponent(".best.partial")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        try write(temp, best)
        try AtomicFile.write(try Self.metricsJSON(best), to: temp.appendingPathComponent("metrics.json"))
        let old = runDirectory.appendingPathComponent(".best.old")
        try? fm.removeItem(at: old)
        if fm.fileExists(atPath: final.path) { try fm.moveItem(at: final, to: old) }
        try fm.moveItem(at: temp, to: final)
        try? fm.removeItem(at: old)
    }
}
