import Foundation
import Testing
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport
import SignZooCLI

// The extension path, end to end: a new pretext task defined outside SignZoo's built-ins, in one
// file, registered with one line (`PluginSet.builtin + [VelocityPretextPlugin.register]`), then
// named in a recipe by its id and trained by the same Trainer as the built-ins.

/// `pretext/velocity`: predict each valid frame's mean keypoint velocity (x_{t+1} − x_t, averaged
/// over present joints) from the encoder token of frame t. Loss: MSE over frames 0 … T−2.
final class VelocityPretext: Module, PretextTask {
    let head: Linear
    var termPrefix: String { "velocity" }
    var needsText: Bool { false }

    init(encoderDim: Int, rng: inout RandomStream) {
        head = Linear(encoderDim, 2, rng: &rng)
        super.init()
    }

    func compute(_ context: PretextContext) throws -> PretextResult {
        let out = try context.unmasked()
        let poses = context.batch.poses                          // [B, T, P, C]
        let (b, t) = (poses.shape[0], poses.shape[1])
        let xy = try poses.slice(axis: 3, start: 0, end: 2)
        let velocity = try (xy.slice(axis: 1, start: 1, end: t) - xy.slice(axis: 1, start: 0, end: t - 1)).mean(axes: [2])
        let predicted = try head(try out.tokens.slice(axis: 1, start: 0, end: t - 1))   // [B, T−1, 2]
        let valid = try (context.batch.mask.slice(axis: 1, start: 1, end: t) * context.batch.mask.slice(axis: 1, start: 0, end: t - 1))
            .reshaped([b, t - 1, 1])
        let loss = try l1Loss(predicted, velocity.detached(), weights: valid)
        return PretextResult(terms: ["velocity.l1": loss])
    }
}

enum VelocityPretextPlugin {
    static func register(in registry: inout Registry) throws {
        try registry.register(PluginInfo(kind: .pretext, id: "velocity", summary: "Predict per-frame keypoint velocity from encoder tokens",
                                         origin: "ExternalPluginExampleTests")) { (node: RecipeValue, context: BuildContext) throws -> any PretextTask in
            try node.rejectUnknownKeys(["type"])
            var rng = RandomStream(seed: context.seed)
            return VelocityPretext(encoderDim: try context.dimension("encoder.dim"), rng: &rng)
        }
    }
}

@Suite("External pretext plugin example")
struct ExternalPluginExampleTests {
    @Test func registeredFromOutsideAndTrainedFromARecipe() throws {
        let plugins = PluginSet.builtin + [VelocityPretextPlugin.register]     // the one registration line
        let registry = try plugins.makeRegistry()
        #expect(try registry.info(.pretext, "velocity").origin == "ExternalPluginExampleTests")
        #expect(registry.list(kind: .pretext).map(\.id).contains("masked-pose"))
        let recipe = try PretrainingRecipe(data: Data("""
        {"name": "velocity-demo", "data": {"layout": "mslu-79", "maxFrames": 16, "batchSize": 4, "augmentation": "none"},
         "encoder": {"type": "encoder/mslu", "gcnWidths": [8], "branchDim": 16, "layers": 1, "heads": 2, "ffnDim": 32, "outputDim": 16, "dropout": 0},
         "pretext": [{"type": "velocity"}, {"type": "masked-pose", "decoderDim": 16, "decoderLayers": 1, "decoderHeads": 2, "decoderFFDim": 32}],
         "optimizer": {"lr": 0.003, "warmup": 2}, "train": {"steps": 30, "logEvery": 1, "evalEvery": 0, "checkpointEvery": 0}}
        """.utf8))
        let objective = try recipe.buildObjective(registry: registry)
        #expect(objective.tasks.map(\.id) == ["velocity", "masked-pose"])
        #expect(objective.model.namedParameters().contains { $0.0.hasPrefix("pretext.velocity.head.") })

        // A few synthetic COCO-WholeBody clips, packed into a temporary folder.
        let dir = try makeTemporaryDirectory("velocity")
        let generator = try SyntheticSignGenerator(signs: 4, signers: 3, seed: 3)
        let layout = try PoseLayouts.named("coco-wholebody-133")
        let writer = try ShardPackWriter(directory: dir.path, layout: layout, shardBytes: 1 << 20)
        for i in 0..<8 {
            try writer.append(try generator.isolated(sign: i % 4, signer: i % 2, take: i, layout: layout),
                              metadata: ClipMetadata(id: "clip\(i)", label: "S\(i % 4)", fps: 25, width: 512, height: 512))
        }
        _ = try writer.finish()
        let source = try PackBatchSource(pack: try ShardPack(directory: dir.path), pipeline: recipe.pipeline, batchSize: 4,
                                         splits: nil, training: true, seed: 0)
        var losses: [Double] = []
        let trainer = try Trainer(objective: objective, config: recipe.trainer, train: source, eval: nil,
                                  runDirectory: dir.appendingPathComponent("run"))
        trainer.onLog = { if let v = $0.values["velocity.l1"] { losses.append(v) } }
        try trainer.run()
        #expect(losses.count == 30)
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        #expect(last < first, "velocity loss \(first) → \(last)")
    }
}
