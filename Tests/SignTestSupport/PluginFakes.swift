import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

// Stand-ins shared by the plugin tests: a tiny pose encoder honouring PoseMasking, a fixed-output
// encoder, a deterministic fake text encoder, a 13-point layout and smooth synthetic batches.

/// A tiny stand-in for the MSLU encoder: one Linear over each flattened frame (P·C → D), masked
/// inputs zeroed, a learnable mask embedding added per masked part token, fixed sinusoidal position
/// codes added (unless `positional` is false); pooled = masked mean.
public final class FakePoseEncoder: Module, PoseEncoder {
    public let proj: Linear
    public let maskEmbedding: Tensor
    public let outputDim: Int
    let inputWidth: Int
    /// Whether fixed sinusoidal position codes are added (masked-frame reconstruction needs them).
    let positional: Bool

    public init(points: Int, channels: Int = 3, dim: Int, seed: UInt64, positional: Bool = true) {
        var rng = RandomStream(seed: seed)
        proj = Linear(points * channels, dim, rng: &rng)
        maskEmbedding = Tensor.randn([4, dim], std: 0.5, rng: &rng, requiresGrad: true)
        outputDim = dim
        inputWidth = points * channels
        self.positional = positional
        super.init()
    }

    public func encode(_ batch: PoseBatch, masking: PoseMasking?) throws -> EncoderOutput {
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
        if positional { tokens = try tokens + positions(frames: t) }
        let m = try batch.mask.reshaped([b, t, 1])
        let pooled = try (tokens * m).sum(axes: [1]) / (try m.sum(axes: [1]))
        return EncoderOutput(tokens: tokens, mask: batch.mask, pooled: pooled)
    }

    /// Fixed sinusoidal position codes [T, D] (as a real encoder's tokens carry position).
    func positions(frames: Int) -> Tensor {
        let pe = Tensor(uninitializedShape: [frames, outputDim])
        for t in 0..<frames {
            for d in 0..<outputDim {
                let rate = powf(100, -Float(d / 2 * 2) / Float(outputDim))
                pe.pointer[t * outputDim + d] = d % 2 == 0 ? sinf(Float(t) * rate) : cosf(Float(t) * rate)
            }
        }
        return pe
    }
}

/// An encoder that returns fixed outputs (for reference checks of the loss alone).
public final class FixedEncoder: Module, PoseEncoder {
    public let output: EncoderOutput
    public var outputDim: Int { output.tokens.shape[2] }
    public init(_ output: EncoderOutput) { self.output = output; super.init() }
    public func encode(_ batch: PoseBatch, masking: PoseMasking?) throws -> EncoderOutput { output }
}

/// A frozen text encoder with fixed random features per text: token count = number of words (at
/// most `maxTokens`), token k of text s drawn from a stream seeded by (FNV-1a(s), k).
public final class FakeTextEncoder: TextEncoder {
    public let outputDim: Int
    public let maxTokens: Int
    public var modelID: String { "fake-text-\(outputDim)" }
    public private(set) var calls = 0

    public init(dim: Int, maxTokens: Int = 6) { outputDim = dim; self.maxTokens = maxTokens }

    public func encode(_ texts: [String]) throws -> TextFeatures {
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
public func tinyLayout() throws -> PoseLayout {
    try PoseLayouts.named("coco-wholebody-133").selecting([0, 5, 6, 23, 40, 71, 80, 91, 92, 95, 112, 113, 116], name: "tiny-13")
}

/// A batch of smooth synthetic poses: clip b, frame t, point p has x = sin(0.3t + p + b), y = cos(…),
/// (plus `offset`), score 1, frames ≥ lengths[b] padded (mask 0, zeros).
public func syntheticBatch(layout: PoseLayout, lengths: [Int], frames: Int, texts: [String]? = nil, offset: (Float, Float) = (0, 0)) throws -> PoseBatch {
    let b = lengths.count, p = layout.pointCount
    let poses = Tensor.zeros([b, frames, p, 3]), mask = Tensor.zeros([b, frames])
    for clip in 0..<b {
        for t in 0..<lengths[clip] {
            mask.pointer[clip * frames + t] = 1
            for q in 0..<p {
                let phase = 0.3 * Float(t) + Float(q) + 1.7 * Float(clip)
                let i = ((clip * frames + t) * p + q) * 3
                poses.pointer[i] = sinf(phase) + offset.0
                poses.pointer[i + 1] = cosf(phase) + offset.1
                poses.pointer[i + 2] = 1
            }
        }
    }
    return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: (0..<b).map { "clip\($0)" }, texts: texts)
}


/// A [B, T] mask with `lengths[b]` valid frames at the start of clip b.
public func lengthMask(_ lengths: [Int], frames: Int) -> Tensor {
    let m = Tensor.zeros([lengths.count, frames])
    for (b, n) in lengths.enumerated() { for t in 0..<n { m.pointer[b * frames + t] = 1 } }
    return m
}

/// Fake encoder output: the given tokens and mask, pooled = masked mean.
public func fakeEncoded(_ tokens: Tensor, _ mask: Tensor) throws -> EncoderOutput {
    EncoderOutput(tokens: tokens, mask: mask, pooled: try maskedMeanPool(tokens, mask: mask))
}

/// A batch of zero poses with the given mask, labels and texts (heads read only mask, ids, labels
/// and texts).
public func fakeBatch(mask: Tensor, labels: [Int]? = nil, texts: [String]? = nil) throws -> PoseBatch {
    let layout = try tinyLayout()
    let b = mask.shape[0], t = mask.shape[1]
    return try PoseBatch(poses: Tensor.zeros([b, t, layout.pointCount, 3]), mask: mask, layout: layout,
                         ids: (0..<b).map { "clip\($0)" }, texts: texts, labels: labels)
}

/// Frozen fake text features: text s has 1 + (FNV-1a(s) mod 3) tokens, token k drawn from a stream
/// seeded by (FNV-1a(s), k); padded to the longest text with mask 0.
public func fakeTextFeatures(_ texts: [String], dim: Int) -> TextFeatures {
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
public func tensorError(_ body: () throws -> Void) -> TensorError? {
    do { try body(); return nil } catch let e as TensorError { return e } catch { return nil }
}

/// Overwrites a parameter's values in place.
public func set(_ t: Tensor, _ values: [Float]) {
    precondition(values.count == t.count)
    for (i, v) in values.enumerated() { t.pointer[i] = v }
}
