import Foundation
import SignNN
import SignTensor

/// Retrieval scores of one direction over a split.
public struct RetrievalSummary: Codable, Equatable, Sendable {
    public var queries: Int
    public var gallery: Int
    public var r1: Double
    public var r5: Double
    public var r10: Double
    public var medianRank: Double
    /// Expected R@1 of a random ranking: mean over queries of (matching items / gallery size).
    public var chanceR1: Double

    /// From the 1-based ranks of each query's first match and each query's number of matches.
    public init(ranks: [Int], matches: [Int], gallery: Int) throws {
        queries = ranks.count
        self.gallery = gallery
        r1 = try recallAtK(ranks: ranks, k: 1)
        r5 = try recallAtK(ranks: ranks, k: 5)
        r10 = try recallAtK(ranks: ranks, k: 10)
        medianRank = try SignCore.medianRank(ranks)
        chanceR1 = matches.reduce(0.0) { $0 + Double($1) / Double(gallery) } / Double(matches.count)
    }
}

/// A pre-training checkpoint evaluated on a whole split (`signzoo eval` on a pre-training run).
public struct PretrainingReport: Codable, Equatable, Sendable {
    public var clips: Int
    public var clipsWithText: Int
    public var distinctTexts: Int
    /// Masked pose modeling on the split (one fixed masking, step 0), each averaged over the masked
    /// positions of all batches: the model's confidence-weighted L1, copying the nearest visible
    /// frame, and linear interpolation between the visible frames on either side.
    public var maskedL1: Double?
    public var copyNearestL1: Double?
    public var interpolateL1: Double?
    /// Text → pose: each distinct text queries all captioned clips; every clip carrying that text is a
    /// match (duplicates handled), the rank is that of the best-placed match. Pose → text: each
    /// captioned clip queries the distinct texts; its own text is the one match. Ties pessimistic.
    public var textToPose: RetrievalSummary?
    public var poseToText: RetrievalSummary?
    /// Any other metric the tasks report, averaged over batches.
    public var batchMetrics: [String: Double]
}

/// Evaluates a pre-training objective on a held-out source: masked pose modeling against its two
/// baselines and, when a task implements `SignTextScoring`, text↔pose retrieval over every captioned
/// clip of the source (not in-batch).
public enum PretrainingEvaluation {
    public static func run(_ objective: PretrainingObjective, source: BatchSource) throws -> PretrainingReport {
        let model = objective.model
        model.eval()
        defer { model.train() }
        let scorer = objective.tasks.lazy.compactMap { $0.task as? SignTextScoring }.first
        var clips = 0
        var maskedSums = [String: Double](), maskedWeight = 0.0
        var sums = [String: Double](), counts = [String: Int]()
        var poseSets: [EmbeddedTokens] = [], clipTexts: [String] = []
        try withNoGrad {
            let it = try source.makeIterator(epoch: 0)
            while let batch = try it.next() {
                clips += batch.size
                let out = try objective.compute(batch, step: 0, training: false)
                let values = out.terms.mapValues { Double($0.item) }.merging(out.metrics.mapValues(Double.init)) { a, _ in a }
                if let w = values["masked_pose.masked_points"], w > 0 {
                    maskedWeight += w
                    for key in ["masked_pose.l1", "masked_pose.copy_nearest_l1", "masked_pose.interpolate_l1"] {
                        if let v = values[key] { maskedSums[key, default: 0] += v * w }
                    }
                }
                for (k, v) in values { sums[k, default: 0] += v; counts[k, default: 0] += 1 }
                if let scorer, let all = batch.clipTexts {
                    let rows = batch.textIndices
                    guard !rows.isEmpty else { continue }
                    let encoded = try objective.encoder.encode(batch)
                    let embedded = try scorer.embedPoses(encoded)
                    poseSets.append(rows.count == batch.size ? embedded
                                    : EmbeddedTokens(tokens: try embedded.tokens.indexSelect(axis: 0, indices: rows),
                                                     mask: try embedded.mask.indexSelect(axis: 0, indices: rows)))
                    clipTexts += rows.map { all[$0]! }
                }
            }
        }
        let masked = { (key: String) -> Double? in maskedWeight > 0 ? maskedSums[key].map { $0 / maskedWeight } : nil }
        var report = PretrainingReport(clips: clips, clipsWithText: clipTexts.count, distinctTexts: Set(clipTexts).count,
                                       maskedL1: masked("masked_pose.l1"), copyNearestL1: masked("masked_pose.copy_nearest_l1"),
                                       interpolateL1: masked("masked_pose.interpolate_l1"),
                                       batchMetrics: Dictionary(uniqueKeysWithValues: sums.map { ($0.key, $0.value / Double(counts[$0.key]!)) }))
        if let scorer, let textEncoder = objective.textEncoder, Set(clipTexts).count >= 2 {
            let (t2p, p2t) = try retrieval(scorer: scorer, textEncoder: textEncoder, poseSets: poseSets, clipTexts: clipTexts)
            report.textToPose = t2p
            report.poseToText = p2t
        }
        return report
    }

    /// Scores every captioned clip against every distinct text and ranks both ways.
    static func retrieval(scorer: SignTextScoring, textEncoder: TextEncoder, poseSets: [EmbeddedTokens], clipTexts: [String])
        throws -> (RetrievalSummary, RetrievalSummary) {
        var distinct: [String] = [], index: [String: Int] = [:]
        for t in clipTexts where index[t] == nil { index[t] = distinct.count; distinct.append(t) }
        let (n, m) = (clipTexts.count, distinct.count)
        let scores = Tensor.zeros([n, m])
        try withNoGrad {
            var textSets: [EmbeddedTokens] = []
            for start in stride(from: 0, to: m, by: 64) {
                let chunk = Array(distinct[start..<Swift.min(m, start + 64)])
                let f = try textEncoder.encode(chunk)
                textSets.append(try scorer.embedTexts(TextFeatures(tokens: f.tokens.detached(), mask: f.mask.detached())))
            }
            let texts = try EmbeddedTokens.concatenated(textSets)
            var row = 0
            for set in poseSets {
                let s = try scorer.scores(poses: set, texts: texts)
                (scores.pointer + row * m).update(from: s.pointer, count: set.count * m)
                row += set.count
            }
        }
        let own = clipTexts.map { index[$0]! }
        let p2tRanks = try retrievalRanks(scores: scores, positives: own.map { [$0] }, ties: .pessimistic)
        var clipsOf = [[Int]](repeating: [], count: m)
        for (clip, t) in own.enumerated() { clipsOf[t].append(clip) }
        let t2pRanks = try retrievalRanks(scores: try scores.transposed(), positives: clipsOf, ties: .pessimistic)
        return (try RetrievalSummary(ranks: t2pRanks, matches: clipsOf.map(\.count), gallery: n),
                try RetrievalSummary(ranks: p2tRanks, matches: [Int](repeating: 1, count: n), gallery: m))
    }
}

extension PretrainedCheckpoint {
    /// Whether `dir/config.json` describes a pre-training checkpoint (`kind: pretrained`).
    public static func isPretrained(_ dir: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("config.json").path),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return obj["kind"] as? String == "pretrained"
    }

    /// Rebuilds a pre-training run's objective (encoder, text encoder, pretext tasks) from the recipe in
    /// its config and loads its weights strictly.
    public static func load(_ dir: URL, registry: Registry) throws -> (objective: PretrainingObjective, recipe: PretrainingRecipe) {
        let configURL = dir.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configURL.path),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let recipe = obj["recipe"] else {
            throw CheckpointError(file: configURL.path, reason: "missing or without a recipe (is \(dir.path) a pre-training run?)")
        }
        let parsed = try PretrainingRecipe(data: try JSONSerialization.data(withJSONObject: recipe), source: "\(configURL.path):recipe")
        let objective = try parsed.buildObjective(registry: registry)
        try objective.model.load(from: dir.appendingPathComponent("model.safetensors"))
        return (objective, parsed)
    }
}
