import SignNN
import SignTensor

/// A spatial graph convolution whose adjacency comes with each call (`nodeMajorGraphConv`), so its
/// parameters do not depend on the layout: weight [K·Cout, Cin] (rows k·Cout ..< (k+1)·Cout act on
/// partition k, as SignNN's `GraphConv`) and bias [Cout]. SignNN's `GraphConv` stores its adjacency
/// as a buffer (it would enter the state dict and pin one point count); this block takes the
/// aggregation matrix of the layout at hand instead. Init as a 1×1 torch convolution: U(±1/√Cin).
final class PartGraphConv: Module {
    let weight: Tensor
    let bias: Tensor
    let partitions: Int

    init(inChannels: Int, outChannels: Int, partitions: Int, rng: inout RandomStream) {
        let bound = 1 / Float(inChannels).squareRoot()
        weight = Tensor.uniform([partitions * outChannels, inChannels], low: -bound, high: bound, rng: &rng, requiresGrad: true)
        bias = Tensor.uniform([outChannels], low: -bound, high: bound, rng: &rng, requiresGrad: true)
        self.partitions = partitions
        super.init()
    }

    /// x [V, N, Cin], aggregation [K·V, V] → [V, N, Cout].
    func callAsFunction(_ x: Tensor, aggregation: Tensor) throws -> Tensor {
        guard aggregation.shape[0] == partitions * x.shape[0] else {
            throw TensorError("PartGraphConv", "aggregation \(aggregation.shape) has \(aggregation.shape[0] / max(x.shape[0], 1)) partitions; this layer was built for \(partitions)")
        }
        return try x.nodeMajorGraphConv(aggregation: aggregation, weight: weight, bias: bias)
    }
}

/// Channel normalization inside a graph block.
public enum GraphNorm: String, Codable, Sendable, CaseIterable {
    /// BatchNorm1d over the channels, statistics over every (node, frame) row of the valid frames.
    case batch
    /// LayerNorm over each node's channels.
    case layer
}

/// One residual graph block: y = ReLU(norm(gconv(x)) + res(x)), res = identity when the widths match,
/// else a bias-free Linear(Cin → Cout). State names: `conv.weight`, `conv.bias`, `norm.*`, `residual.weight`.
final class GraphBlock: Module {
    let conv: PartGraphConv
    let norm: Module
    let residual: Linear?

    init(inChannels: Int, outChannels: Int, partitions: Int, norm: GraphNorm, rng: inout RandomStream) {
        conv = PartGraphConv(inChannels: inChannels, outChannels: outChannels, partitions: partitions, rng: &rng)
        switch norm {
        case .batch: self.norm = BatchNorm1d(outChannels)
        case .layer: self.norm = LayerNorm(outChannels)
        }
        residual = inChannels == outChannels ? nil : Linear(inChannels, outChannels, bias: false, rng: &rng)
        super.init()
    }

    /// x [V, N, Cin] → [V, N, Cout].
    func callAsFunction(_ x: Tensor, aggregation: Tensor) throws -> Tensor {
        let h = try conv(x, aggregation: aggregation)
        let normed: Tensor
        if let bn = norm as? BatchNorm1d {
            normed = try bn(try h.reshaped([-1, h.shape[2]])).reshaped(h.shape)
        } else {
            normed = try (norm as! LayerNorm)(h)
        }
        let r = try residual.map { try $0(x) } ?? x
        return try (normed + r).relu()
    }
}

/// Per-frame spatial GCN of one part: Linear(C → w₀), graph blocks w₀ → w₁ → … → w_L, then the mean
/// over the part's nodes: one w_L-wide token per part per frame. State names `input_proj.*`, `blocks.N.*`.
final class PartGCN: Module {
    let inputProj: Linear
    let blocks: [GraphBlock]

    init(inChannels: Int, widths: [Int], partitions: Int, norm: GraphNorm, rng: inout RandomStream) {
        inputProj = Linear(inChannels, widths[0], rng: &rng)
        blocks = zip(widths.dropLast(), widths.dropFirst()).map {
            GraphBlock(inChannels: $0.0, outChannels: $0.1, partitions: partitions, norm: norm, rng: &rng)
        }
        super.init()
    }

    /// x [V, N, C] node-major (N = frames, or frames of both hands), aggregation [K·V, V] → [N, w_L].
    func callAsFunction(_ x: Tensor, aggregation: Tensor) throws -> Tensor {
        var h = try inputProj(x)
        for block in blocks { h = try block(h, aggregation: aggregation) }
        return try h.mean(axes: [0])
    }
}
