import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// A 13-point subset of COCO-WholeBody (the heads never read the poses; the batch needs a layout).
func tinyLayout() throws -> PoseLayout {
    try PoseLayouts.named("coco-wholebody-133").selecting([0, 5, 6, 23, 40, 71, 80, 91, 92, 95, 112, 113, 116], name: "tiny-13")
}

/// A [B, T] mask with `lengths[b]` valid frames at the start of clip b.
func lengthMask(_ lengths: [Int], frames: Int) -> Tensor {
    let m = Tensor.zeros([lengths.count, frames])
    for (b, n) in lengths.enumerated() { for t in 0..<n { m.pointer[b * frames + t] = 1 } }
    return m
}

/// Fake encoder output: the given tokens and mask, pooled = masked mean.
func fakeEncoded(_ tokens: Tensor, _ mask: Tensor) throws -> EncoderOutput {
    EncoderOutput(tokens: tokens, mask: mask, pooled: try maskedMeanPool(tokens, mask: mask))
}

/// A batch of zero poses with the given mask and texts (heads read only mask, ids and texts).
func fakeBatch(mask: Tensor, texts: [String]?) throws -> PoseBatch {
    let layout = try tinyLayout()
    let b = mask.shape[0], t = mask.shape[1]
    return try PoseBatch(poses: Tensor.zeros([b, t, layout.pointCount, 3]), mask: mask, layout: layout,
                         ids: (0..<b).map { "clip\($0)" }, texts: texts)
}

/// Frozen fake text features: text s has 1 + (FNV-1a(s) mod 3) tokens, token k drawn from a stream
/// seeded by (FNV-1a(s), k); padded to the longest text with mask 0.
func fakeTextFeatures(_ texts: [String], dim: Int) -> TextFeatures {
    let hashes = texts.map { s -> UInt64 in
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return h
    }
    let counts = hashes.map { 1 + Int($0 % 3) }
    let l = counts.max() ?? 1
    let tokens = Tensor.zeros([texts.count, l, dim]), mask = Tensor.zeros([texts.count, l])
    for b in 0..<texts.count {
        for k in 0..<counts[b] {
            var rng = RandomStream(seed: hashes[b] &+ UInt64(k))
            for d in 0..<dim { tokens.pointer[(b * l + k) * dim + d] = rng.normal() }
            mask.pointer[b * l + k] = 1
        }
    }
    return TextFeatures(tokens: tokens, mask: mask)
}

/// The thrown TensorError, or nil.
func tensorError(_ body: () throws -> Void) -> TensorError? {
    do { try body(); return nil } catch let e as TensorError { return e } catch { return nil }
}

/// Overwrites a parameter's values in place.
func set(_ t: Tensor, _ values: [Float]) {
    precondition(values.count == t.count)
    for (i, v) in values.enumerated() { t.pointer[i] = v }
}
