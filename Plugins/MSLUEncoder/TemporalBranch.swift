import Foundation
import SignNN
import SignTensor

/// How a branch tells frames apart.
public enum PositionEncoding: String, Codable, Sendable, CaseIterable {
    /// Fixed: PE[t, 2i] = sin(t·ω_i), PE[t, 2i+1] = cos(t·ω_i), ω_i = 10000^(−2i/d) (Vaswani et al.);
    /// any length, no parameters.
    case sinusoidal
    /// A learned table `pos_embedding` [maxFrames, d] (init N(0, 1) like `nn.Embedding`); clips longer
    /// than maxFrames are refused.
    case learned
}

/// The sinusoidal table [T, d]: PE[t, 2i] = sin(t·ω_i), PE[t, 2i+1] = cos(t·ω_i), ω_i = 10000^(−2i/d),
/// computed in Double and rounded (the PyTorch twin and the ONNX export use the same table).
public func sinusoidalTable(frames: Int, dim: Int) -> Tensor {
    let t = Tensor(uninitializedShape: [frames, dim])
    for f in 0..<frames {
        for j in 0..<dim {
            let omega = Foundation.exp(-Foundation.log(10000.0) * Double(2 * (j / 2)) / Double(dim))
            let a = Double(f) * omega
            t.pointer[f * dim + j] = Float(j % 2 == 0 ? Foundation.sin(a) : Foundation.cos(a))
        }
    }
    return t
}

/// Optional residual temporal convolution: h ← h + ReLU(Conv1d_k(h)) over time ("same" padding; the
/// padded frames are zero when it runs, so valid frames never see padding values).
final class TemporalConv: Module {
    let conv: Conv1d

    init(dim: Int, kernel: Int, rng: inout RandomStream) throws {
        conv = try Conv1d(inChannels: dim, outChannels: dim, kernelSize: kernel, padding: kernel / 2, rng: &rng)
        super.init()
    }

    /// h [B, T, d] → [B, T, d].
    func callAsFunction(_ h: Tensor) throws -> Tensor {
        let y = try conv(try h.permuted([0, 2, 1])).relu().permuted([0, 2, 1])
        return try h + y
    }
}

/// One stream (manual or non-manual): Linear(in → d) on its part tokens, optional temporal conv,
/// position encoding, dropout, a pre-LN Transformer (GELU) with a final LayerNorm and a key-padding
/// mask. State names `proj.*`, `temporal_conv.conv.*`, `pos_embedding`, `encoder.layers.N.*`, `encoder.norm.*`.
final class TemporalBranch: Module {
    let proj: Linear
    let temporalConv: TemporalConv?
    let posEmbedding: Tensor?
    let dropout: Dropout
    let encoder: TransformerEncoder
    let dim: Int
    let positionEncoding: PositionEncoding
    private var sinusoidCache: [Int: Tensor] = [:]
    private let lock = NSLock()

    init(inDim: Int, config: MSLUEncoderConfig, rng: inout RandomStream) throws {
        let d = config.branchDim
        proj = Linear(inDim, d, rng: &rng)
        temporalConv = config.temporalConv ? try TemporalConv(dim: d, kernel: config.temporalKernel, rng: &rng) : nil
        posEmbedding = config.positionEncoding == .learned ? Tensor.randn([config.maxFrames, d], rng: &rng, requiresGrad: true) : nil
        dropout = Dropout(p: config.dropout, seed: rng.next())
        encoder = TransformerEncoder(layers: try (0..<config.layers).map { _ in
            try TransformerEncoderLayer(dModel: d, heads: config.heads, ffDim: config.ffnDim, dropout: config.dropout,
                                        activation: .gelu, normFirst: true, rng: &rng)
        }, finalNorm: LayerNorm(d))
        dim = d
        positionEncoding = config.positionEncoding
        super.init()
    }

    /// h [B, T, d] (projected tokens, zero on padded frames), mask [B, T] → [B, T, d].
    func contextualize(_ h: Tensor, mask: Tensor) throws -> Tensor {
        var x = h
        if let temporalConv { x = try temporalConv(x) }
        let frames = h.shape[1]
        if let posEmbedding {
            guard frames <= posEmbedding.shape[0] else {
                throw TensorError("MSLUEncoder", "clips of \(frames) frames exceed maxFrames \(posEmbedding.shape[0]) of the learned position embedding")
            }
            x = try x + posEmbedding.slice(axis: 0, start: 0, end: frames)
        } else {
            x = try x + sinusoids(frames)
        }
        return try encoder(try dropout(x), keyMask: mask)
    }

    private func sinusoids(_ frames: Int) -> Tensor {
        lock.lock(); defer { lock.unlock() }
        if let t = sinusoidCache[frames] { return t }
        let t = sinusoidalTable(frames: frames, dim: dim)
        sinusoidCache[frames] = t
        return t
    }
}
