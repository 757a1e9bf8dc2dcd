import Foundation
import MSLUEncoder
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport

/// A tiny config for fast tests (dropout off unless a test turns it on).
func tinyConfig(_ edit: (inout MSLUEncoderConfig) -> Void = { _ in }) -> MSLUEncoderConfig {
    var c = MSLUEncoderConfig()
    c.gcnWidths = [8, 12]
    c.branchDim = 16
    c.layers = 1
    c.heads = 2
    c.ffnDim = 24
    c.dropout = 0
    c.outputDim = 10
    edit(&c)
    return c
}

/// Random poses [B, T, P, 3] on `layout` (x, y in ±1, score in [0, 1)) with a frame mask whose clip i
/// has `lengths[i]` valid frames.
func randomBatch(_ layoutName: String, lengths: [Int], frames: Int, seed: UInt64) throws -> PoseBatch {
    let layout = try PoseLayouts.named(layoutName)
    var rng = RandomStream(seed: seed)
    let b = lengths.count, p = layout.pointCount
    let poses = Tensor.uniform([b, frames, p, 3], low: -1, high: 1, rng: &rng)
    for i in stride(from: 2, to: poses.count, by: 3) { poses.pointer[i] = (poses.pointer[i] + 1) / 2 }
    let mask = Tensor.zeros([b, frames])
    for (i, n) in lengths.enumerated() { for f in 0..<n { mask.pointer[i * frames + f] = 1 } }
    return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: (0..<b).map { "clip\($0)" })
}

/// The same batch with new poses (same mask and layout).
func replacingPoses(_ batch: PoseBatch, _ poses: Tensor) throws -> PoseBatch {
    try PoseBatch(poses: poses, mask: batch.mask, layout: batch.layout, ids: batch.ids)
}

/// Max |a − b| over the valid frames of [B, T, D] tensors.
func maxDiffOnValid(_ a: Tensor, _ b: Tensor, mask: Tensor) -> Float {
    let d = a.shape[2]
    var m: Float = 0
    for r in 0..<mask.count where mask.pointer[r] > 0 {
        for j in 0..<d { m = max(m, abs(a.pointer[r * d + j] - b.pointer[r * d + j])) }
    }
    return m
}
