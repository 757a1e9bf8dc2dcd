import ArgumentParser
import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// `signzoo predict --checkpoint DIR FILE.pose…`: top-k labels, gloss sequences or translations.
/// The checkpoint folder carries its labels / vocabulary and pipeline, so nothing else is needed.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Run a fine-tuned checkpoint on pose files.")

    @Option(help: "Fine-tuned checkpoint folder or zoo id.") var checkpoint: String
    @Option(help: "Top-k classes to print (ISLR).") var top = 5
    @Option(help: "Layout of .npy/.npz/.json inputs that do not name one.") var layout: String?
    @Argument(help: "Pose files.") var files: [String]

    func run() throws {
        let (objective, pipeline, _) = try FinetunedCheckpoint.load(try checkpointFolder(checkpoint), registry: try ActivePlugins.registry())
        var failures = 0
        for path in files {
            do {
                let seq = try PoseIO.read(path, layout: try layout.map { try PoseLayouts.named($0) })
                let prediction = try objective.predict(try pipeline.inferenceBatch([seq], ids: [path]), topK: top)[0]
                print("\(path): \(Self.describe(prediction))")
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("\(path): error: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    static func describe(_ p: HeadPrediction) -> String {
        switch p {
        case .classes(let c): return c.map { "\($0.label) \(String(format: "%.3f", $0.probability))" }.joined(separator: ", ")
        case .glosses(let g): return g.joined(separator: " ")
        case .text(let t): return t
        case .embedding(let e): return "embedding[\(e.count)] " + e.prefix(4).map { String(format: "%.3f", $0) }.joined(separator: " ") + " …"
        }
    }
}
