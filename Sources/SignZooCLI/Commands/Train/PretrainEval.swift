import Foundation
import SignCore
import SignNN
import SignPose

/// `signzoo eval` on a pre-training run (config kind `pretrained`): `PretrainingEvaluation` over one
/// split — masked pose L1 against the copy-nearest and interpolation baselines, and text↔pose
/// retrieval R@1/5/10 + median rank over every captioned clip of the split — printed and written as JSON.
enum PretrainEval {
    static func run(checkpoint: String, data: String, split: String, batchSize: Int, output: String?) throws {
        let dir = URL(fileURLWithPath: checkpoint)
        let (objective, recipe) = try PretrainedCheckpoint.load(dir, registry: try ActivePlugins.registry())
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("signzoo-eval-\(getpid())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let pack = try TrainingData.openPack(data, cache: cache, layout: recipe.pipeline.layout) { _ in }
        guard pack.header.splits.contains(split) else {
            throw CheckpointError(file: data, reason: "no split \"\(split)\" (splits: \(pack.header.splits.joined(separator: ", ")))")
        }
        let source = try PackBatchSource(pack: pack, pipeline: recipe.pipeline, batchSize: batchSize, splits: [split], training: false, seed: 0)
        let report = try PretrainingEvaluation.run(objective, source: source)
        print("\(recipe.name) (pre-trained) on \(data) [\(split)]: \(report.clips) clips, \(report.clipsWithText) with text, \(report.distinctTexts) distinct texts")
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "—" }
        if report.maskedL1 != nil {
            print("  masked pose L1 \(f(report.maskedL1))   copy-nearest \(f(report.copyNearestL1))   interpolation \(f(report.interpolateL1))")
        }
        for (name, r) in [("text → pose", report.textToPose), ("pose → text", report.poseToText)] {
            guard let r else { continue }
            print("  \(name): R@1 \(f(r.r1))  R@5 \(f(r.r5))  R@10 \(f(r.r10))  MedR \(r.medianRank)  "
                  + "(\(r.queries) queries, gallery \(r.gallery), chance R@1 \(f(r.chanceR1)))")
        }
        let out = output.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent("eval-\(split).json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let body = try JSONSerialization.jsonObject(with: try encoder.encode(report))
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: ["split": split, "data": data, "kind": "pretrained", "report": body],
                                                        options: [.prettyPrinted, .sortedKeys]), to: out)
        print("wrote \(out.path)")
    }
}
