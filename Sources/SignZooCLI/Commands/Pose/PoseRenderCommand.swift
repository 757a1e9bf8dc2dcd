import ArgumentParser
import Foundation
import SignPose

/// `signzoo pose render FILE -o out.png|.gif|.svg`: draw a pose file as a skeleton.
struct PoseRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw a pose file: PNG or SVG grid of sampled frames, or GIF animation.",
        discussion: """
        Limbs and points are coloured by part: body blue, left hand green, right hand red, face purple, \
        mouth orange (points in no part, such as legs, grey); missing points (confidence 0) and their \
        limbs are not drawn. The PNG and SVG show up to --grid frames sampled evenly over the range; the GIF \
        plays every frame at the file's fps and loops.
        """)

    @Argument(help: "Pose file (.pose, .npy, .npz, MMPose .json).") var file: String
    @Option(name: .shortAndLong, help: "Output image: .png, .gif or .svg.") var output: String
    @Option(help: "Frame range a:b (half-open; either end may be omitted; negative values count from the end, written --frames=-8:).") var frames: String?
    @Flag(help: "Draw after Uni-Sign normalisation: body in [-1, 1], hands and face in insets around their anchors.")
    var normalized = false
    @Option(help: "Size of one frame in pixels, WxH (default: 320 on the longer side).") var size: String?
    @Option(help: "Most frames in a PNG/SVG grid.") var grid = 16
    @Option(help: "Layout name for .npy/.npz/.json files that do not name one.") var layout: String?

    func run() throws {
        do {
            let l = try layout.map { try PoseLayouts.named($0) }
            let seq = try PoseIO.read(file, layout: l)
            var options = PoseRenderOptions(normalized: normalized, maxGridFrames: grid)
            if let frames { options.frames = try Self.parseRange(frames, count: seq.frameCount) }
            if let size {
                let wh = size.lowercased().split(separator: "x").compactMap { Int($0) }
                guard wh.count == 2 else { throw ValidationError("--size must be WxH, e.g. 320x240, got '\(size)'") }
                options.cellWidth = wh[0]
                options.cellHeight = wh[1]
            }
            try PoseRenderer.render(seq, to: output, options: options)
            print("wrote \(output)")
        } catch let error as PoseError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `a:b`, `a:`, `:b` or `a` (one frame); negative values count from the end (Python slices).
    static func parseRange(_ text: String, count: Int) throws -> Range<Int> {
        func value(_ s: Substring, _ fallback: Int) throws -> Int {
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return fallback }
            guard let v = Int(t) else { throw ValidationError("--frames: '\(t)' is not a frame number") }
            return v < 0 ? count + v : v
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            let a = try value(parts[0], 0)
            return a..<(a + 1)
        case 2:
            let a = try value(parts[0], 0), b = try value(parts[1], count)
            guard a < b else { throw ValidationError("--frames \(text) selects no frames") }
            return a..<b
        default:
            throw ValidationError("--frames must be a:b, got '\(text)'")
        }
    }
}
