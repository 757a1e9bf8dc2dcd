import Foundation
import CTCHead
import SignCore
import SignNN
import SignPose
import SignTensor

/// A 3-point layout: the head never reads poses, but a `PoseBatch` needs some.
func tinyLayout() throws -> PoseLayout {
    try PoseLayouts.named("coco-wholebody-133").selecting([0, 5, 6], name: "tiny-3")
}

/// A head input from fake encoder tokens [B, T, D]: clip b has its first `lengths[b]` frames valid
/// (mask 1), the pose batch is zeros, and `glosses` are the clips' gloss ids.
func headInput(tokens: Tensor, lengths: [Int], glosses: [[Int]]?) throws -> HeadInput {
    let b = tokens.shape[0], t = tokens.shape[1], layout = try tinyLayout()
    let mask = Tensor.zeros([b, t])
    for (clip, n) in lengths.enumerated() { for j in 0..<n { mask.pointer[clip * t + j] = 1 } }
    let batch = try PoseBatch(poses: Tensor.zeros([b, t, layout.pointCount, 3]), mask: mask, layout: layout,
                              ids: (0..<b).map { "clip\($0)" }, glosses: glosses)
    let encoded = EncoderOutput(tokens: tokens, mask: mask, pooled: Tensor.zeros([b, tokens.shape[2]]))
    return HeadInput(encoded: encoded, batch: batch)
}

/// Random tokens [B, T, D] (the stand-in for an encoder's output).
func randomTokens(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed)
    return Tensor.randn(shape, rng: &rng)
}

/// The `head` member of a JSON recipe (so error paths start with `head.`).
func headNode(_ json: String) throws -> RecipeValue {
    try RecipeValue.parse(Data("{\"head\": \(json)}".utf8)).required("head")
}

func glossNames(_ n: Int) -> [String] { (0..<n).map { "G\($0)" } }

func buildHead(_ json: String, dim: Int, glosses: Int, seed: UInt64 = 1) throws -> CTCHead {
    try CTCHeadPlugin.build(try headNode(json), BuildContext(seed: seed, dimensions: ["encoder.dim": dim], lists: ["glosses": glossNames(glosses)]))
}

/// A toy CSLR task: clip b is a sequence of 1…`maxGlosses` gloss ids (no two neighbours equal), each
/// shown for `minFrames…maxFrames` frames as a noisy one-hot token of width `glosses + 1` (channel
/// g for gloss g, the last channel on the padding frames between signs, noise σ 0.1).
func toyBatch(clips: Int, glosses: Int, maxGlosses: Int, minFrames: Int, maxFrames: Int, rng: inout RandomStream) throws -> HeadInput {
    var sequences: [[Int]] = [], frames: [[Int]] = []
    for _ in 0..<clips {
        let n = 1 + Int(rng.next() % UInt64(maxGlosses))
        var seq: [Int] = []
        while seq.count < n {
            let g = Int(rng.next() % UInt64(glosses))
            if g != seq.last { seq.append(g) }
        }
        var f: [Int] = []
        for g in seq {
            let len = minFrames + Int(rng.next() % UInt64(maxFrames - minFrames + 1))
            f += Array(repeating: g, count: len)
            if rng.uniform() < 0.3 { f.append(glosses) }
        }
        sequences.append(seq)
        frames.append(f)
    }
    let t = frames.map(\.count).max()!, d = glosses + 1
    let tokens = Tensor.zeros([clips, t, d])
    for (clip, f) in frames.enumerated() {
        for (j, channel) in f.enumerated() {
            for k in 0..<d { tokens.pointer[(clip * t + j) * d + k] = 0.1 * rng.normal() }
            tokens.pointer[(clip * t + j) * d + channel] += 1
        }
    }
    return try headInput(tokens: tokens, lengths: frames.map(\.count), glosses: sequences)
}
