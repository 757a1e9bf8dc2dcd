import ArgumentParser
import Foundation
import SignPose

/// `signzoo data synth`: a seeded synthetic sign corpus (isolated signs and continuous sentences) as
/// `.pose` files plus a JSONL manifest.
struct DataSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic sign-language pose corpus (.pose files + manifest.jsonl).",
        discussion: """
        Each of the N signs has a location, a movement path, hand shapes and orientations, one or two \
        hands and maybe a facial cue; each signer has their own body size, position, proportions, tempo, \
        jitter and missing keypoints. Sample j of sign i is signed by signer (i + j) mod S; sentence k by \
        signer k mod S. Splits hold out whole signers: the last max(1, round(S/10)) signers are test, the \
        same number before them dev, the rest train.
        """)

    @Option(help: "Vocabulary size (number of signs).") var signs: Int
    @Option(help: "Isolated samples per sign.") var samples: Int
    @Option(help: "Continuous sentences of 2–5 signs.") var sentences = 0
    @Option(help: "Number of signers (at least 3).") var signers = 10
    @Option(help: "Layout: coco-wholebody-133, mediapipe-holistic-543, or a selection of either (mslu-79, unisign-69, masa-49, reduced-holistic-178, holistic-hands-body-75).")
    var layout = "coco-wholebody-133"
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Comma-separated text languages, used in turn (en, de, zh).") var languages = "en,de,zh"
    @Option(help: "Frame size in pixels, WxH.") var size = "512x512"
    @Option(help: "Frames per second.") var fps: Float = 25
    @Option(name: .shortAndLong, help: "Output folder.") var output: String

    func run() throws {
        let dims = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2 else { throw ValidationError("--size must be WxH, e.g. 512x512, got '\(size)'") }
        let options = SyntheticCorpusOptions(
            signs: signs, samplesPerSign: samples, sentences: sentences, signers: signers, layout: layout, seed: seed,
            languages: languages.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) },
            width: dims[0], height: dims[1], fps: fps)
        let start = Date()
        let entries: [SyntheticManifestEntry]
        do {
            entries = try SyntheticCorpus.write(options, to: output)
        } catch let error as PoseError {
            throw ValidationError(error.description)
        }
        var bySplit = [String: Int]()
        for e in entries { bySplit[e.split, default: 0] += 1 }
        let splits = ["train", "dev", "test"].map { "\($0) \(bySplit[$0] ?? 0)" }.joined(separator: ", ")
        print("wrote \(entries.count) samples (\(splits)) in \(layout) to \(output) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        print("manifest: \(output)/manifest.jsonl")
    }
}
