import ArgumentParser

/// `signzoo pose …`: inspect, draw and convert pose files.
struct PoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pose", abstract: "Inspect, render and convert pose files (.pose, .npy/.npz, MMPose JSON).",
        subcommands: [PoseInfoCommand.self, PoseRenderCommand.self, PoseConvertCommand.self])
}
