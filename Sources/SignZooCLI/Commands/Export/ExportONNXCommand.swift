import ArgumentParser
import Foundation
import SignCore
import SignONNX

/// `signzoo export onnx CHECKPOINT_DIR [--head H|none] [--opset 17|20] -o model.onnx`.
///
/// A pre-trained checkpoint exports its encoder (`tokens`, `pooled`); a fine-tuned one exports the
/// encoder with its head (`logits`, `log_probs`, `embedding`) unless `--head none`. A translation
/// checkpoint gives two files, written into the folder `-o` (created): `encoder_model.onnx` and
/// `decoder_model.onnx`. Inputs are `poses` [batch, frames, points, dims] (normalized in the host as
/// the metadata's `preprocessing` says) and `mask` [batch, frames].
struct ExportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "onnx", abstract: "Export a checkpoint to ONNX (opset 17 or 20).")

    @Argument(help: "Checkpoint folder (pre-trained or fine-tuned) or zoo id.") var checkpoint: String
    @Option(help: "Head to export: the fine-tuned checkpoint's own (default), or 'none' for the encoder alone.") var head: String?
    @Option(help: "ONNX opset: 17 (default, GELU via Erf) or 20 (Gelu op).") var opset = 17
    @Flag(help: "Decompose LayerNormalization into ReduceMean/Sub/Pow/Sqrt/Div (for runtimes without it).") var decomposeLayerNorm = false
    @Option(help: "Pose layout (default: the checkpoint's).") var layout: String?
    @Option(help: "Zoo id@revision to record in the metadata (default: the checkpoint config's zoo_id, if any).") var zooId: String?
    @Option(name: .shortAndLong, help: "Output .onnx file; for translation a folder that receives encoder_model.onnx and decoder_model.onnx.")
    var output: String

    func run() throws {
        guard [17, 20].contains(opset) else { throw ValidationError("--opset must be 17 or 20, got \(opset)") }
        let source = try CheckpointExportSource.load(try checkpointFolder(checkpoint), registry: try ActivePlugins.registry(),
                                                     head: head, layout: layout)
        var metadata = source.metadata
        if let zooID = zooId ?? (FileManager.default.fileExists(atPath: checkpoint) ? nil : checkpoint) { metadata["zoo_id"] = zooID }
        let models = try SignModelExport.export(encoder: source.encoder, head: source.head, layout: source.layout, text: source.text,
                                                options: ONNXExportOptions(opset: try ONNXOpset(opset), decomposeLayerNorm: decomposeLayerNorm,
                                                                           metadata: metadata))
        let written = try SignModelExport.write(models, to: URL(fileURLWithPath: output))
        for (url, m) in zip(written, models) {
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            print("wrote \(url.path) (\(m.model.metadataProps["head"] ?? "none"), opset \(opset), \(m.model.graph.nodes.count) nodes, "
                  + "\(m.model.graph.initializers.count) initializers, \(size / 1024) KiB)")
        }
        print("inputs: \(models[0].model.metadataProps["inputs"] ?? "")")
        print("check it: signzoo check onnx \(written[0].path) --against \(checkpoint)")
    }
}
