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

/// A batch of zero poses with the given mask and labels (heads read only mask, ids and labels).
func fakeBatch(mask: Tensor, labels: [Int]?) throws -> PoseBatch {
    let layout = try tinyLayout()
    let b = mask.shape[0], t = mask.shape[1]
    return try PoseBatch(poses: Tensor.zeros([b, t, layout.pointCount, 3]), mask: mask, layout: layout,
                         ids: (0..<b).map { "clip\($0)" }, labels: labels)
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
