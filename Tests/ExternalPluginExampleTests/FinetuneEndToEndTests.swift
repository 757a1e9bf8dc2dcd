import Foundation
import Testing
import ISLRHead
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport
import SignZooCLI

// The library path of `make demo`, end to end with fixed seeds (this target is the one that sees every
// built-in plugin): synthesize an ISLR corpus with unlabelled sentences mixed in, pre-train a
// mslu-tiny-sized encoder with masked pose modeling, fine-tune ISLR through `Finetuning.run` (layer-wise
// decay, frozen warm-up, best checkpoint on dev), evaluate the loaded checkpoint on held-out signers and
// predict clip by clip through `FinetunedCheckpoint.load`.

/// Files and figures shared by the tests of the suite (built once).
final class EndToEndRun: @unchecked Sendable {
    static let shared = Result { try EndToEndRun() }

    static let signs = 10
    let root: URL
    let manifest: String
    let pretrained: URL
    let finetuned: FinetuneResult
    let registry: Registry

    static let encoder = """
    {"type": "encoder/mslu", "inputChannels": 3, "gcnWidths": [16, 32], "gcnNorm": "batch", "graphStrategy": "distance", "maxHop": 1,
     "branchDim": 64, "layers": 2, "heads": 4, "ffnDim": 128, "dropout": 0.1, "positionEncoding": "sinusoidal",
     "temporalConv": false, "outputDim": 64}
    """

    init() throws {
        root = try makeTemporaryDirectory("finetune-e2e")
        registry = try PluginSet.builtin.makeRegistry()
        // 10 signs × 20 signers (train 16, dev 2, test 2 signers) + 20 unlabelled sentences.
        let corpus = root.appendingPathComponent("synth").path
        try SyntheticCorpus.write(SyntheticCorpusOptions(signs: Self.signs, samplesPerSign: 20, sentences: 20, signers: 20,
                                                         layout: "coco-wholebody-133", seed: 11), to: corpus)
        manifest = corpus + "/manifest.jsonl"

        // Pre-training: masked pose modeling only (no text model needed), 40 steps.
        let recipe = try PretrainingRecipe(data: Data("""
        {"name": "e2e-pretrain", "data": {"layout": "mslu-79", "maxFrames": 48, "batchSize": 16, "augmentation": "default"},
         "encoder": \(Self.encoder),
         "pretext": [{"type": "masked-pose", "maskRatio": 0.5, "layout": "mslu-79", "decoderDim": 64, "decoderLayers": 1,
                      "decoderHeads": 4, "decoderFFDim": 128, "dropout": 0.1}],
         "optimizer": {"lr": 0.001, "warmup": 5, "minLR": 1e-5}, "train": {"steps": 40, "evalEvery": 0, "checkpointEvery": 0, "logEvery": 20, "seed": 0}}
        """.utf8))
        pretrained = root.appendingPathComponent("pretrain")
        let objective = try recipe.buildObjective(registry: registry)
        let pack = try TrainingData.openPack(manifest, cache: pretrained.appendingPathComponent("data"), layout: nil) { _ in }
        let train = try PackBatchSource(pack: pack, pipeline: recipe.pipeline, batchSize: recipe.batchSize, splits: ["train"], training: true, seed: 0)
        let state = try Trainer(objective: objective, config: recipe.trainer, train: train, eval: nil, runDirectory: pretrained).run()
        try PretrainedCheckpoint.write(objective: objective, recipe: recipe, state: state, to: pretrained)

        // Fine-tuning ISLR from it, through the library function the CLI wraps.
        finetuned = try Finetuning.run(FinetuneOptions(
            registry: registry, parent: pretrained, recipe: Data(Self.islrRecipe.utf8), recipeSource: "e2e-islr", data: manifest,
            out: root.appendingPathComponent("islr"), log: { _ in }))
    }

    static let islrRecipe = """
    {"name": "e2e-islr", "data": {"layout": "mslu-79", "maxFrames": 48, "batchSize": 16, "augmentation": "islr"},
     "head": {"type": "head/islr", "labelSmoothing": 0.1, "dropout": 0.1},
     "frozenEncoderSteps": 10,
     "optimizer": {"lr": 0.002, "warmup": 10, "minLR": 1e-5, "weightDecay": 0.05, "clip": 1.0, "layerDecay": 0.75},
     "train": {"steps": 240, "evalEvery": 60, "checkpointEvery": 120, "keepLast": 1, "logEvery": 60, "seed": 0}}
    """
}

@Suite("Fine-tuning end to end", .serialized)
struct FinetuneEndToEndTests {
    func run() throws -> EndToEndRun { try EndToEndRun.shared.get() }

    @Test func fineTunedModelBeatsChanceOnHeldOutSignersAndPredictsWhatEvalCounted() throws {
        let run = try run()
        let ft = run.finetuned
        // The best checkpoint on dev was kept and the run's checkpoint written from it.
        let best = try #require(ft.best)
        #expect(ft.evalSplit == "dev" && best.metric.name == "top1" && ft.metrics == best.metrics)
        #expect(ft.loadReport.map { $0.missing.allSatisfy { $0.hasPrefix("head.") } && $0.unexpected.allSatisfy { $0.hasPrefix("pretext.") } } == true)
        let config = try FinetunedCheckpoint.config(ft.directory)
        #expect(config["best_step"] as? Int == best.step)
        #expect(try Data(contentsOf: ft.directory.appendingPathComponent("model.safetensors"))
                == Data(contentsOf: ft.directory.appendingPathComponent("best/model.safetensors")))

        // Evaluate the loaded checkpoint on the test signer.
        let (objective, pipeline, loadedConfig) = try FinetunedCheckpoint.load(ft.directory, registry: run.registry)
        let labels = try #require((loadedConfig["vocabulary"] as? [String: [String]])?["labels"])
        #expect(labels.count == EndToEndRun.signs)
        let pack = try ShardPack(directory: ft.directory.appendingPathComponent("data").path)
        let test = try PackBatchSource(pack: pack, pipeline: pipeline, batchSize: 16, splits: ["test"], training: false, seed: 0, labelNames: labels)
        let (metrics, _) = try objective.evaluate(test)
        let chance = 1 / Double(EndToEndRun.signs)
        let top1 = try #require(metrics["top1"]), clips = try #require(metrics["clips"])
        #expect((top1 * clips).rounded() * Double(EndToEndRun.signs) >= 3 * clips, "test top-1 \(top1) of \(clips) clips (chance \(chance)); dev \(best.metrics)")
        #expect(metrics["unlabelled_clips"]! > 0)   // the test signer's sentences, skipped

        // The evaluator's per-clip arg-max classes, in source order (eval mode, as `evaluate` runs it).
        objective.model.eval()
        let evaluator = try #require(objective.head.makeEvaluator() as? ISLREvaluator)
        var labelledIDs: [String] = []
        try withNoGrad {
            let it = try test.makeIterator(epoch: 0)
            while let batch = try it.next() {
                try evaluator.add(try objective.headInput(batch, encoderGrad: false))
                labelledIDs += zip(batch.ids, batch.labels!).filter { $0.1 != -100 }.map(\.0)
            }
        }
        #expect(Double(labelledIDs.count) == metrics["clips"])

        // Predict each test clip alone from the pack (the values eval saw) through the loaded checkpoint.
        let byID = Dictionary(uniqueKeysWithValues: (0..<pack.count).map { (try! pack.metadata(try! pack.record($0), clip: $0).id, $0) })
        var correct = 0
        for (n, id) in labelledIDs.enumerated() {
            let clip = try pack.clip(byID[id]!)
            let batch = try pipeline.inferenceBatch([try clip.sequence(layout: pack.layout)], ids: [id])
            guard case .classes(let top) = try objective.predict(batch, topK: 3)[0] else { Issue.record("not a class prediction"); return }
            #expect(top.count == 3 && top[0].probability >= top[1].probability && top[1].probability >= top[2].probability)
            #expect(top[0].label == labels[evaluator.predictions[n]], "clip \(id): predicted \(top[0].label), eval counted \(labels[evaluator.predictions[n]])")
            if top[0].label == clip.metadata.label { correct += 1 }
        }
        #expect(Double(correct) == top1 * Double(labelledIDs.count))
    }

    @Test func headSwapLoadsTheEncoderAndRefusesUndeclaredKeysByName() throws {
        let run = try run()
        let islr = run.finetuned.directory
        // A CTC head on the fine-tuned ISLR checkpoint: the ISLR head is unexpected, the CTC head missing, both declared.
        let ctc = try Finetuning.run(FinetuneOptions(
            registry: run.registry, parent: islr, recipe: Data(#"{"name": "swap", "head": {"type": "head/ctc", "downsample": 1, "dim": 16, "layers": 1}, "train": {"steps": 1, "evalEvery": 0, "checkpointEvery": 0}}"#.utf8),
            data: run.manifest, out: run.root.appendingPathComponent("swap"), log: { _ in }))
        let report = try #require(ctc.loadReport)
        #expect(report.loaded == ctc.objective.encoder.stateDict().map { "encoder." + $0.0 })
        #expect(report.missing == ctc.objective.head.stateDict().map { "head." + $0.0 } && report.unexpected.isEmpty && report.misShaped.isEmpty)
        // Both heads have a `classifier`: the new one keeps its own initialization.
        let parentClassifier = try Safetensors.read(islr.appendingPathComponent("model.safetensors")).tensors["head.classifier.bias"]!
        #expect(ctc.objective.model.stateDict().first { $0.0 == "head.classifier.bias" }!.1.shape != parentClassifier.shape)
        // From the pre-trained checkpoint, its pretext tensors are the declared unexpected ones.
        let fromPretrained = try #require(run.finetuned.loadReport)
        #expect(!fromPretrained.unexpected.isEmpty && fromPretrained.unexpected.allSatisfy { $0.hasPrefix("pretext.") })

        // A parent with a key outside the declared globs, and one lacking an encoder key: refused, naming them.
        var tensors = try Safetensors.read(islr.appendingPathComponent("model.safetensors")).tensors
        tensors["decoder.extra"] = Tensor.zeros([2])
        let removed = tensors.keys.filter { $0.hasPrefix("encoder.fusion.") }.sorted()
        for k in removed { tensors[k] = nil }
        let tampered = run.root.appendingPathComponent("tampered")
        try FileManager.default.createDirectory(at: tampered, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: islr.appendingPathComponent("config.json"), to: tampered.appendingPathComponent("config.json"))
        try Safetensors.write(tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, to: tampered.appendingPathComponent("model.safetensors"))
        do {
            _ = try Finetuning.run(FinetuneOptions(registry: run.registry, parent: tampered, recipe: Data(EndToEndRun.islrRecipe.utf8),
                                                   data: run.manifest, out: run.root.appendingPathComponent("refused"), log: { _ in }))
            Issue.record("a parent with undeclared keys was loaded")
        } catch let e as LoadError {
            #expect(e.unexpected == ["decoder.extra"] && e.missing.sorted() == removed && removed.count == 2)
            #expect("\(e)".contains("decoder.extra") && "\(e)".contains("encoder.fusion.weight"))
        }
        #expect(!FileManager.default.fileExists(atPath: run.root.appendingPathComponent("refused/checkpoints").path))
    }
}
