import ArgumentParser
import Foundation
import SignPose

/// `signzoo pose convert IN OUT [--layout NAME]`: read any supported pose file, optionally keep the
/// points of a registered layout (by point name, e.g. coco-wholebody-133 → mslu-79), and write the
/// format of OUT's extension (.pose, .npy, .npz).
struct PoseConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a pose file to another format (by OUT's extension) and optionally another layout.")

    @Argument(help: "Input pose file (.pose, .npy, .npz, MMPose .json).") var input: String
    @Argument(help: "Output file (.pose, .npy, .npz).") var output: String
    @Option(help: "Registered layout to convert to, e.g. mslu-79 (points taken by name).") var layout: String?
    @Option(name: .customLong("input-layout"), help: "Layout of an .npy/.npz/.json input that does not name one.") var inputLayout: String?
    @Option(help: "Frame rate of an .npy/.json input (which does not record one).") var fps: Float?

    func validate() throws {
        if let layout, !PoseLayouts.names.contains(layout) {
            throw ValidationError("unknown layout '\(layout)'; registered: \(PoseLayouts.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        do {
            let seq = try PoseIO.convert(input, to: output, layout: layout, inputLayout: inputLayout, fps: fps)
            print("\(output): \(seq.layout.name), \(seq.frameCount) frames × \(seq.peopleCount) people × \(seq.pointCount) points × \(seq.dims) dims")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
