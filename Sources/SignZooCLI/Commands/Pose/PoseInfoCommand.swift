import ArgumentParser
import Foundation
import SignPose

/// `signzoo pose info FILE…`: layout, frames, fps and the missing-point rate of each part.
struct PoseInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe pose files: layout, frames, fps, missing points per part.")

    @Argument(help: "Pose files (.pose, .npy, .npz, MMPose .json).") var files: [String]
    @Option(help: "Layout name for .npy/.npz/.json files that do not name one.") var layout: String?

    func run() throws {
        var failures = 0
        for path in files {
            do {
                let l = try layout.map { try PoseLayouts.named($0) }
                let seq = try PoseIO.read(path, layout: l)
                print("\(path)\n\(PoseInfo.describe(seq))\n")
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
