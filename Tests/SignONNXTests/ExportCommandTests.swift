import Foundation
import Testing
import SignCore
import SignNN
import SignONNX
import SignPose
import SignTensor
import SignTestSupport
import SignZooCLI
import ISLRHead

/// `signzoo export onnx` / `signzoo check onnx` on checkpoint folders, the metadata round trip, the
/// README's Python snippet against `predict`, and the export's errors.
@Suite("ONNX export: commands and checkpoints")
struct ExportCommandTests {
    static let labels = (0..<12).map { "sign\($0)" }

    /// A fine-tuned ISLR checkpoint of the tiny encoder on mslu-79 (frames capped at 32).
    static func islrCheckpoint() throws -> URL {
        let dir = try makeTemporaryDirectory("islr-ckpt")
        let encoder = try TinyModels.encoder()
        let head = try TinyModels.head(#"{"type": "head/islr"}"#, dim: encoder.outputDim, lists: ["labels": labels])
        let objective = try FinetuneObjective(encoder: encoder, head: head, textEncoder: nil)
        let nodes: [String: Any] = ["encoder": try JSONSerialization.jsonObject(with: Data(TinyModels.encoderNode.utf8)),
                                    "head": ["type": "head/islr"]]
        try FinetunedCheckpoint.write(objective: objective, nodes: nodes, pipeline: PosePipeline(layout: "mslu-79", maxFrames: 32),
                                      name: "islr-onnx-test", parent: nil, steps: 0, metrics: [:], to: dir)
        return dir
    }

    /// A pre-trained checkpoint folder: config (kind pretrained) + encoder.* and pretext.* tensors.
    static func pretrainedCheckpoint() throws -> (URL, any PoseEncoder) {
        let dir = try makeTemporaryDirectory("pre-ckpt")
        let encoder = try TinyModels.encoder(seed: 21)
        var tensors: [String: Tensor] = ["pretext.decoder.weight": Tensor.ones([2, 2])]
        for (name, t) in encoder.stateDict() { tensors["encoder." + name] = t }
        try Safetensors.write(tensors, to: dir.appendingPathComponent("model.safetensors"))
        let config: [String: Any] = [
            "schema_version": 1, "kind": "pretrained", "name": "mslu-onnx-test", "zoo_id": "mslu.test@1",
            "encoder": try JSONSerialization.jsonObject(with: Data(TinyModels.encoderNode.utf8)),
            "pose_layout": "mslu-79", "pipeline": try JSONSerialization.jsonObject(with: JSONEncoder().encode(PosePipeline(layout: "mslu-79"))),
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        return (dir, encoder)
    }

    static func cli(_ arguments: [String]) throws {
        var command = try SignZooCLI.parseAsRoot(arguments)
        try command.run()
    }

    /// Runs a converters/python script's main(argv) and returns its stdout.
    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let wrapper = """
            import runpy, sys
            main = runpy.run_path(sys.argv[1])["main"]
            sys.exit(main(sys.argv[2:]))
            """
        return try Python.run(wrapper, arguments: [repositoryRoot.appendingPathComponent("converters/python/\(script)").path] + arguments,
                              requiring: ["numpy", "onnx", "onnxruntime", "safetensors", "pose_format"])
    }

    /// export onnx → check onnx (passes, writes the .check.json summary) → metadata round trip,
    /// with the checkpoint's sha256 recomputed independently by Python's hashlib.
    @Test func exportCheckAndMetadataRoundTrip() throws {
        let checkpoint = try Self.islrCheckpoint()
        let out = try makeTemporaryDirectory("islr-onnx").appendingPathComponent("islr.onnx")
        try Self.cli(["export", "onnx", checkpoint.path, "--opset", "20", "-o", out.path])
        try Self.cli(["check", "onnx", out.path, "--against", checkpoint.path, "--sizes", "1x1,3x9", "--intermediates"])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.deletingPathExtension().appendingPathExtension("check.json"))) as? [String: Any] ?? [:]
        #expect(summary["ok"] as? Bool == true)
        #expect(summary["opset"] as? Int == 20)
        #expect((summary["onnxruntime_version"] as? String ?? "").isEmpty == false)
        #expect((summary["max_abs_diff"] as? Double ?? 1) < 1e-3)
        #expect((summary["sizes"] as? [Any])?.count == 2)

        let info = try JSONSerialization.jsonObject(with: Data(try Self.python("onnx_info.py", [out.path]).utf8)) as? [String: Any] ?? [:]
        let meta = info["metadata"] as? [String: String] ?? [:]
        let hashes = try Python.run("""
            import hashlib, sys
            for p in sys.argv[1:]: print(hashlib.sha256(open(p, "rb").read()).hexdigest())
            """, arguments: [checkpoint.appendingPathComponent("model.safetensors").path, out.path], requiring: []).split(separator: "\n").map(String.init)
        #expect(meta["checkpoint_sha256"] == hashes[0])
        #expect(summary["sha256"] as? String == hashes[1])
        #expect(meta["pose_layout"] == "mslu-79")
        #expect(meta["head"] == "head/islr")
        #expect(meta["role"] == "model")
        #expect(meta["engine_version"] == SignModelExport.engineVersion)
        #expect(meta["labels"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] } == Self.labels)
        let pipeline = try JSONDecoder().decode(PosePipeline.self, from: Data((meta["preprocessing"] ?? "").utf8))
        #expect(pipeline == PosePipeline(layout: "mslu-79", maxFrames: 32))
        #expect((info["inputs"] as? [[String: Any]])?.map { $0["name"] as? String } == ["poses", "mask"])
        let poses = (info["inputs"] as? [[String: Any]])?.first?["shape"] as? [Any]
        #expect(poses?.count == 4 && poses?[0] as? String == "batch" && poses?[1] as? String == "frames" && poses?[2] as? Int == 79)
    }

    /// Runs converters/python/signzoo_onnx.py (`--json --write-inputs`) on `clip` and `signzoo predict`'s
    /// path (PredictCommand: load, prepare with the pipeline, predict) in Swift, and checks that both
    /// prepare the same poses (within 1e-6), that onnxruntime's logits match the engine's and that the
    /// top-k labels and probabilities agree. Returns the prepared poses and Swift's top-k classes.
    static func comparePythonWithPredict(checkpoint: URL, onnx: URL, clip: String, top k: Int = 3) throws -> (poses: Tensor, classes: [(label: String, probability: Float)]) {
        let dumped = try makeTemporaryDirectory("python-inputs").appendingPathComponent("python_inputs.safetensors")
        let line = try Self.python("signzoo_onnx.py", [onnx.path, clip, "--top", String(k), "--json", "--write-inputs", dumped.path])
        let top = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["top"] as? [[Any]] ?? []

        let (objective, pipeline, _) = try FinetunedCheckpoint.load(checkpoint, registry: try TinyModels.registry())
        var rng = RandomStream(seed: 0)
        let prepared = try pipeline.prepare(try PoseIO.read(clip), training: false, rng: &rng, file: clip)
        let (poses, mask) = try pipeline.collator.collate([prepared], training: false, rng: &rng)   // prepared once (batch() would normalize again)
        let python = try Safetensors.read(dumped).tensors
        #expect(python["poses"]?.shape == poses.shape)
        #expect(python["poses"].map { maxAbsDiff($0, poses) } ?? 1 < 1e-6, "Python preprocessing vs SignPose on \(clip): max |Δ| \(python["poses"].map { maxAbsDiff($0, poses) } ?? -1)")
        let layout = try PoseLayouts.named(pipeline.layout ?? "mslu-79")
        let batch = try PoseBatch(poses: poses, mask: mask, layout: layout, ids: [clip])
        let engineLogits = try withNoGrad { try (objective.head as! ISLRHead).inferenceLogits(try objective.encoder.encode(batch)) }
        #expect(python["logits"].map { withinTolerance($0, engineLogits) } == true,
                "onnxruntime logits \(String(describing: python["logits"])) vs engine \(engineLogits)")
        let prediction = try withNoGrad { try objective.head.predict(try objective.headInput(batch, encoderGrad: false), topK: k) }[0]
        guard case .classes(let classes) = prediction else { Issue.record("not a class prediction"); return (poses, []) }
        #expect(top.count == min(k, classes.count) && classes.count == top.count)
        for (python, swift) in zip(top, classes) {
            #expect(python[0] as? String == swift.label)
            #expect(abs((python[1] as? Double ?? -1) - Double(swift.probability)) < 1e-4)
        }
        return (poses, classes)
    }

    /// The README snippet's helper on real clips of each family the tiny mslu-79 model may meet:
    /// COCO-WholeBody 133 (points by name) and MediaPipe Holistic 75 (hands + body, no face), reduced
    /// 178 and full 543 (anatomical correspondence, HolisticToCOCO), with the frame cap of 32.
    @Test(arguments: [("SOUP.wholebody133.pose", 32), ("fs-sts00486d31621a6dc952f40176068b5cbc.pose", 7),
                      ("mediapipe.pose", 32), ("25October_2010_Monday_tagesschau-17.pose", 32)])
    func pythonHelperMatchesPredict(file: String, frames: Int) throws {
        let checkpoint = try Self.islrCheckpoint()
        let out = try makeTemporaryDirectory("islr-onnx").appendingPathComponent("islr.onnx")
        try Self.cli(["export", "onnx", checkpoint.path, "-o", out.path])
        let clip = fixturesRoot.appendingPathComponent("pose/\(file)").path
        let (poses, classes) = try Self.comparePythonWithPredict(checkpoint: checkpoint, onnx: out, clip: clip)
        #expect(poses.shape == [1, frames, 79, 3])
        #expect(classes.count == 3)
        if file.hasPrefix("fs-") {
            // 75-point Holistic has no face: mslu-79's 26 FACE points (indices 11..<37) are missing → zeros.
            let face = (0..<frames).flatMap { t in (11..<37).flatMap { p in (0..<3).map { k in poses.pointer[(t * 79 + p) * 3 + k] } } }
            #expect(face.allSatisfy { $0 == 0 })
            #expect((0..<frames).contains { t in poses.pointer[(t * 79 + 0) * 3 + 2] > 0 }, "body nose should be present")
        }
    }

    /// The shipped checkpoint zoo/checkpoints/mslu-tiny.langid-fingerspelling: its committed model.onnx
    /// on the real Greek fingerspelling clip prepares and predicts as `signzoo predict` does, and the
    /// README's "Export to ONNX" snippet, run exactly as written from the repository root, prints
    /// predict's top label (gss, the clip's sign language).
    @Test func readmeSnippetRunsShippedModel() throws {
        let checkpoint = repositoryRoot.appendingPathComponent("zoo/checkpoints/mslu-tiny.langid-fingerspelling")
        let onnx = checkpoint.appendingPathComponent("model.onnx")
        let clip = "Tests/Fixtures/pose/fs-sts00486d31621a6dc952f40176068b5cbc.pose"
        let (_, classes) = try Self.comparePythonWithPredict(checkpoint: checkpoint, onnx: onnx,
                                                             clip: repositoryRoot.appendingPathComponent(clip).path)
        #expect(classes.map(\.label).sorted() == ["gss", "jos", "ukl"])
        #expect(classes.first?.label == "gss", "the clip is Greek (gss) fingerspelling")

        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let block = readme.components(separatedBy: "Running an exported ISLR model").dropFirst().first?
            .components(separatedBy: "```python\n").dropFirst().first?.components(separatedBy: "```").first ?? ""
        #expect(block.contains("\"\(clip)\"") && block.contains("\"zoo/checkpoints/mslu-tiny.langid-fingerspelling/model.onnx\""))
        let snippet = "import os; os.chdir(\"\(repositoryRoot.path)\")\n" + block
        let printed = try Python.run(snippet, requiring: ["numpy", "onnxruntime", "pose_format"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed == classes.first?.label)
    }

    /// A fine-tuned CTC checkpoint through both commands: sizes too short for its downsampling are
    /// skipped, the others pass; a size list with nothing checkable is refused.
    @Test func ctcCheckpointThroughCommands() throws {
        let dir = try makeTemporaryDirectory("ctc-ckpt")
        let encoder = try TinyModels.encoder()
        let headNode = #"{"type": "head/ctc", "downsample": 2, "dim": 8, "layers": 1, "heads": 2, "ffDim": 16}"#
        let head = try TinyModels.head(headNode, dim: encoder.outputDim, lists: ["glosses": ["A", "B", "C"]])
        let objective = try FinetuneObjective(encoder: encoder, head: head, textEncoder: nil)
        let nodes: [String: Any] = ["encoder": try JSONSerialization.jsonObject(with: Data(TinyModels.encoderNode.utf8)),
                                    "head": try JSONSerialization.jsonObject(with: Data(headNode.utf8))]
        try FinetunedCheckpoint.write(objective: objective, nodes: nodes, pipeline: PosePipeline(layout: "mslu-79"),
                                      name: "ctc-onnx-test", parent: nil, steps: 0, metrics: [:], to: dir)
        let out = try makeTemporaryDirectory("ctc-onnx").appendingPathComponent("ctc.onnx")
        try Self.cli(["export", "onnx", dir.path, "-o", out.path])
        try Self.cli(["check", "onnx", out.path, "--against", dir.path, "--sizes", "1x1,2x9"])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.deletingPathExtension().appendingPathExtension("check.json"))) as? [String: Any] ?? [:]
        #expect(summary["ok"] as? Bool == true)
        #expect((summary["sizes"] as? [[String: Any]])?.map { $0["size"] as? String } == ["2x9"])
        #expect(throws: (any Error).self) { try Self.cli(["check", "onnx", out.path, "--against", dir.path, "--sizes", "1x1"]) }
    }

    /// A pre-trained checkpoint exports its encoder (tokens, pooled); asking it for a head fails.
    @Test func pretrainedCheckpointExportsEncoder() throws {
        let (dir, encoder) = try Self.pretrainedCheckpoint()
        let source = try CheckpointExportSource.load(dir, registry: try TinyModels.registry())
        #expect(source.head == nil)
        #expect(source.metadata["zoo_id"] == "mslu.test@1")
        let models = try SignModelExport.export(encoder: source.encoder, head: nil, layout: source.layout,
                                                options: ONNXExportOptions(metadata: source.metadata))
        #expect(models.map(\.fileName) == ["model.onnx"])
        #expect(models[0].model.graph.outputs.map(\.name) == ["tokens", "pooled"])
        let batch = try EngineReference.poses(layout: source.layout, lengths: [5, 3], frames: 5, seed: 1)
        let loaded = try EngineReference.run(encoder: source.encoder, head: nil, role: "model", batch: batch)
        let original = try EngineReference.run(encoder: encoder, head: nil, role: "model", batch: batch)
        #expect(maxAbsDiff(loaded.outputs["tokens"]!, original.outputs["tokens"]!) == 0)
        #expect(throws: CheckpointError.self) { try CheckpointExportSource.load(dir, registry: try TinyModels.registry(), head: "islr") }
    }

    /// Translation writes encoder_model.onnx and decoder_model.onnx into the -o folder.
    @Test func translationWritesTwoFiles() throws {
        let e = try TinyModels.encoder()
        let h = try TinyModels.head(#"{"type": "head/translation", "dModel": 8, "layers": 1, "heads": 2, "ffDim": 16}"#,
                                    dim: e.outputDim, lists: ["texts": ["a b", "b c"]])
        let models = try SignModelExport.export(encoder: e, head: h, layout: try PoseLayouts.named("mslu-79"))
        let folder = try makeTemporaryDirectory("tr").appendingPathComponent("translation")
        let written = try SignModelExport.write(models, to: folder)
        #expect(written.map(\.lastPathComponent) == ["encoder_model.onnx", "decoder_model.onnx"])
        #expect(written.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })
        #expect(models[1].model.graph.inputs.map(\.name) == ["memory", "memory_mask", "input_ids"])
    }

    /// An encoder or head without a lowering fails with its type and module path.
    @Test func unsupportedModulesAreNamed() throws {
        let fake = FakePoseEncoder(points: 79, dim: 8, seed: 1)
        #expect(throws: ONNXExportError.noLowering(op: "FakePoseEncoder", path: "encoder")) {
            try SignModelExport.export(encoder: fake, head: nil, layout: try PoseLayouts.named("mslu-79"))
        }
        let error = #expect(throws: ONNXExportError.self) {
            try SignModelExport.export(encoder: fake, head: nil, layout: try PoseLayouts.named("mslu-79"))
        }
        #expect(error?.description == "no ONNX lowering for op 'FakePoseEncoder' at module path 'encoder'")
        let e = try TinyModels.encoder()
        #expect(throws: ONNXExportError.noLowering(op: "UnknownHead", path: "head")) {
            try SignModelExport.export(encoder: e, head: UnknownHead(), layout: try PoseLayouts.named("mslu-79"))
        }
    }

    /// Writing into a folder that cannot exist fails with the path named; nothing is left behind.
    @Test func unwritableOutputPath() throws {
        let e = try TinyModels.encoder()
        let models = try SignModelExport.export(encoder: e, head: nil, layout: try PoseLayouts.named("mslu-79"))
        let blocker = try makeTemporaryDirectory("blocked").appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let target = blocker.appendingPathComponent("model.onnx")
        let error = #expect(throws: ONNXExportError.self) { try SignModelExport.write(models, to: target) }
        guard case .cannotWrite(let path, _) = error else { Issue.record("expected cannotWrite, got \(String(describing: error))"); return }
        #expect(path == target.path)
        #expect(throws: ONNXExportError.self) { try SignModelExport.write(models + models, to: blocker.appendingPathComponent("folder")) }
    }
}

/// A head the exporter does not know.
final class UnknownHead: Module, TaskHead {
    var termPrefix: String { "unknown" }
    var needsText: Bool { false }
    var vocabulary: [String: [String]] { [:] }
    func loss(_ input: HeadInput) throws -> StepOutput { throw TensorError("UnknownHead", "no loss") }
    func predict(_ input: HeadInput, topK: Int) throws -> [HeadPrediction] { [] }
    func makeEvaluator() -> HeadEvaluator { NoEvaluator() }
}

final class NoEvaluator: HeadEvaluator {
    func add(_ input: HeadInput) throws { throw TensorError("NoEvaluator", "no evaluation") }
    func metrics() throws -> [String: Double] { [:] }
}
