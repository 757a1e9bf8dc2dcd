import Foundation
import Testing
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport
import SignZooCLI

// Evidence that pre-training works (issue 4), on a fixed-seed synthetic corpus and held-out signers:
// a small MSLU encoder trained with masked pose modeling + sign–text contrastive learning
// 1. reconstructs masked keypoints of held-out clips better than copying the nearest visible frame;
// 2. retrieves held-out clips from their texts with R@1 ≥ 10× chance over the whole held-out split.
// Texts are encoded by `FakeTextEncoder` (fixed random token features per distinct text, registered
// as `text/fake` from this file), so the test needs no model download; texts name the sign.

/// `text/fake`: `FakeTextEncoder` of the recipe's `dim`.
enum FakeTextPlugin {
    static func register(in registry: inout Registry) throws {
        try registry.register(PluginInfo(kind: .text, id: "fake", summary: "fixed random token features per text (tests)",
                                         origin: "ExternalPluginExampleTests")) { (node: RecipeValue, _: BuildContext) throws -> any TextEncoder in
            try node.rejectUnknownKeys(["type", "dim"])
            return FakeTextEncoder(dim: try node.int("dim", default: 16, atLeast: 1))
        }
    }
}

@Suite("Pre-training evidence (synthetic, held-out signers)")
struct PretrainingEvidenceTests {
    static let recipe = """
    {"name": "evidence", "data": {"layout": "mslu-79", "maxFrames": 32, "batchSize": 16, "augmentation": "none"},
     "encoder": {"type": "encoder/mslu", "gcnWidths": [16, 32], "branchDim": 48, "layers": 1, "heads": 4, "ffnDim": 96,
                 "outputDim": 48, "dropout": 0},
     "text": {"type": "fake", "dim": 16},
     "pretext": [{"type": "masked-pose", "decoderDim": 48, "decoderLayers": 1, "decoderHeads": 4, "decoderFFDim": 96, "dropout": 0},
                 {"type": "sign-text-contrastive", "embedDim": 48}],
     "optimizer": {"lr": 0.002, "warmup": 10, "minLR": 1e-4, "weightDecay": 0.01},
     "train": {"steps": STEPS, "evalEvery": 0, "checkpointEvery": 0, "logEvery": 50, "seed": 0}}
    """

    @Test func heldOutMaskedL1BeatsCopyingAndTextToPoseRecallIsTenTimesChance() throws {
        let dir = try makeTemporaryDirectory("evidence")
        defer { try? FileManager.default.removeItem(at: dir) }
        // 20 signs × 10 signers (8 train, 1 dev, 1 test), English texts: 160 train clips, 40 held out.
        _ = try SyntheticCorpus.write(SyntheticCorpusOptions(signs: 20, samplesPerSign: 10, signers: 10, seed: 1, languages: ["en"]),
                                      to: dir.path)
        let steps = 240
        let recipe = try PretrainingRecipe(data: Data(Self.recipe.replacingOccurrences(of: "STEPS", with: "\(steps)").utf8))
        let registry = try (PluginSet.builtin + [FakeTextPlugin.register]).makeRegistry()
        let objective = try recipe.buildObjective(registry: registry)
        let pack = try TrainingData.openPack(dir.appendingPathComponent("manifest.jsonl").path, cache: dir.appendingPathComponent("pack"),
                                             layout: "mslu-79") { _ in }
        let train = try PackBatchSource(pack: pack, pipeline: recipe.pipeline, batchSize: 16, splits: ["train"], training: true, seed: 0)
        let heldOut = try PackBatchSource(pack: pack, pipeline: recipe.pipeline, batchSize: 16, splits: ["dev", "test"], training: false, seed: 0)
        let trainer = try Trainer(objective: objective, config: recipe.trainer, train: train, eval: nil, runDirectory: dir.appendingPathComponent("run"))
        let before = try PretrainingEvaluation.run(objective, source: heldOut)
        try trainer.run()
        let after = try PretrainingEvaluation.run(objective, source: heldOut)
        let t2p = try #require(after.textToPose), p2t = try #require(after.poseToText)
        let l1 = try #require(after.maskedL1), copy = try #require(after.copyNearestL1)
        let summary = "held-out masked L1 \(before.maskedL1!) → \(l1) (copy-nearest \(copy), interpolation \(after.interpolateL1!)); "
            + "text→pose R@1 \(before.textToPose!.r1) → \(t2p.r1) (chance \(t2p.chanceR1), \(t2p.queries) texts × \(t2p.gallery) clips), "
            + "pose→text R@1 \(p2t.r1) (chance \(p2t.chanceR1))"
        print(summary)
        #expect(after.clips == 40 && after.distinctTexts == 20)
        #expect(l1 < copy, "\(summary)")
        #expect(t2p.r1 >= 10 * t2p.chanceR1, "\(summary)")
    }

    /// The zoo's pre-training recipes parse and build; mslu-base (with a 384-wide text stand-in, MiniLM's
    /// width) has the parameter count of its PyTorch twin in bench/mslu_pretrain_torch_bench.py.
    @Test func zooPretrainingRecipesBuild() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let registry = try (PluginSet.builtin + [FakeTextPlugin.register]).makeRegistry()
        for (name, parameters) in [("mslu-base", 35_196_447), ("mslu-tiny", 273_471)] {
            let url = root.appendingPathComponent("zoo/recipes/\(name).json")
            var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            json["text"] = ["type": "fake", "dim": 384]
            let recipe = try PretrainingRecipe(data: try JSONSerialization.data(withJSONObject: json))
            #expect(recipe.name == name && recipe.pipeline.layout == "mslu-79")
            let objective = try recipe.buildObjective(registry: registry)
            #expect(objective.tasks.map(\.id) == ["masked-pose", "sign-text-contrastive"])
            #expect(objective.model.parameterCount == parameters, "\(name): \(objective.model.parameterCount) parameters")
        }
    }
}
