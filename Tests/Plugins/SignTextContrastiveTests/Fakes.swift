import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// A tiny stand-in for the MSLU encoder: one Linear over each flattened frame (P·C → D), masked
/// inputs zeroed, a learnable mask embedding added per masked part token; pooled = masked mean.
final class FakePoseEncoder: Module, PoseEncoder {
    let proj: Linear
    let maskEmbedding: Tensor
    let outputDim: Int
    let inputWidth: Int

    init(points: Int, channels: Int = 3, dim: Int, seed: UInt64) {
        var rng = RandomStream(seed: seed)
        proj = Linear(points * channels, dim, rng: &rng)
        maskEmbedding = Tensor.randn([4, dim], std: 0.5, rng: &rng, requiresGrad: true)
        outputDim = dim
        inputWidth = points * channels
        super.init()
    }

    func encode(_ batch: PoseBatch, masking: PoseMasking?) throws -> EncoderOutput {
        let b = batch.size, t = batch.frames, p = batch.layout.pointCount
        var x = batch.poses
        if let masking {
            // keep[b, t, p] = 0 where the joint or its part token is masked.
            let keep = Tensor.ones([b, t, p, 1])
            if let j = masking.joints { for i in 0..<(b * t * p) where j.pointer[i] > 0 { keep.pointer[i] = 0 } }
            if let pt = masking.partTokens {
                for bt in 0..<(b * t) {
                    for tok in PartToken.allCases where pt.pointer[bt * 4 + tok.rawValue] > 0 {
                        for part in tok.parts { for q in batch.layout.indices(of: part) ?? [] { keep.pointer[bt * p + q] = 0 } }
                    }
                }
            }
            x = try x * keep
        }
        var tokens = try proj(try x.reshaped([b, t, inputWidth]))
        if let pt = masking?.partTokens { tokens = try tokens + pt.matmul(maskEmbedding) }
        let m = try batch.mask.reshaped([b, t, 1])
        let pooled = try (tokens * m).sum(axes: [1]) / (try m.sum(axes: [1]))
        return EncoderOutput(tokens: tokens, mask: batch.mask, pooled: pooled)
    }
}

/// An encoder that returns fixed outputs (for reference checks of the loss alone).
final class FixedEncoder: Module, PoseEncoder {
    let output: EncoderOutput
    var outputDim: Int { output.tokens.shape[2] }
    init(_ output: EncoderOutput) { self.output = output; super.init() }
    func encode(_ batch: PoseBatch, masking: PoseMasking?) throws -> EncoderOutput { output }
}

/// A frozen text encoder with fixed random features per text: token count = number of words (at
/// most `maxTokens`), token k of text s drawn from a stream seeded by (FNV-1a(s), k).
final class FakeTextEncoder: TextEncoder {
    let outputDim: Int
    let maxTokens: Int
    var modelID: String { "fake-text-\(outputDim)" }
    private(set) var calls = 0

    init(dim: Int, maxTokens: Int = 6) { outputDim = dim; self.maxTokens = maxTokens }

    func encode(_ texts: [String]) throws -> TextFeatures {
        calls += 1
        let counts = texts.map { Swift.max(1, Swift.min(maxTokens, $0.split(separator: " ").count)) }
        let l = counts.max() ?? 1
        let tokens = Tensor.zeros([texts.count, l, outputDim]), mask = Tensor.zeros([texts.count, l])
        for (b, text) in texts.enumerated() {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            for k in 0..<counts[b] {
                var rng = RandomStream(seed: hash &+ UInt64(k))
                for d in 0..<outputDim { tokens.pointer[(b * l + k) * outputDim + d] = rng.normal() }
                mask.pointer[b * l + k] = 1
            }
        }
        return TextFeatures(tokens: tokens, mask: mask)
    }
}

/// A 13-point subset of COCO-WholeBody with every part: body 0, 5, 6; face 23, 40; mouth 71, 80;
/// left hand 91, 92, 95; right hand 112, 113, 116.
func tinyLayout() throws -> PoseLayout {
    try PoseLayouts.named("coco-wholebody-133").selecting([0, 5, 6, 23, 40, 71, 80, 91, 92, 95, 112, 113, 116], name: "tiny-13")
}

/// A batch of smooth synthetic poses: clip b, frame t, point p has x = sin(0.3t + p + b), y = cos(…),
/// score 1, frames ≥ lengths[b] padded (mask 0, zeros).
func syntheticBatch(layout: PoseLayout, lengths: [Int], frames: Int, texts: [String]? = nil) throws -> PoseBatch {
    let b = lengths.count, p = layout.pointCount
    let poses = Tensor.zeros([b, frames, p, 3]), mask = Tensor.zeros([b, frames])
    for clip in 0..<b {
        for t in 0..<lengths[clip] {
            mask.pointer[clip * frames + t] = 1
            for q in 0..<p {
                let phase = 0.3 * Float(t) + Float(q) + 1.7 * Float(clip)
                let i = ((clip * frames + t) * p + q) * 3
                poses.pointer[i] = sinf(phase)
                poses.pointer[i + 1] = cosf(phase)
                poses.pointer[i + 2] = 1
            }
        }
    }
    return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: (0..<b).map { "clip\($0)" }, texts: texts)
}
