import SignTensor

/// ST-GCN spatial graph convolution over a fixed, partitioned skeleton adjacency, channels last.
///
/// Input x [N, T, V, Cin]; adjacency A [K, V, V] (a buffer, e.g. from `Graph.adjacency`); weight
/// [K·Cout, Cin] whose rows k·Cout ..< (k+1)·Cout form W_k; optional learnable `edge_importance` E
/// [K, V, V] (init ones) so the effective adjacency is Â = A ⊙ E; bias b [Cout]:
///   z[n, t, v, k, :] = W_k · x[n, t, v, :]                     (one GEMM over all N·T·V rows)
///   y[n, t, w, :]    = Σ_k Σ_v Â[k, v, w] · z[n, t, v, k, :] + b
/// The aggregation is one matrix P [V, V·K], P[w, v·K + k] = Â[k, v, w], applied to every (n, t) slice
/// of z viewed as [V·K, Cout]. Â[k, v, w] weights the message from node v to node w; `Graph.adjacency`
/// normalizes so that Σ_k Σ_v A[k, v, w] = 1 (an average over w's neighbourhood), and any [K, V, V]
/// the caller normalizes the same way works. Backward follows from linear, matmul, permute and mul (dE = Σ dÂ ⊙ A).
///
/// From an ST-GCN checkpoint: `gcn.conv.weight` [K·Cout, Cin, 1, 1] reshapes to `weight`; ST-GCN's
/// per-partition bias c_k [K·Cout] enters as Σ_k c_k·Σ_v Â[k, v, w], which equals this layer's `bias`
/// only when the partitions' column sums are constant, so it is not converted by renaming.
public final class GraphConv: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let edgeImportance: Tensor?
    public let adjacency: Tensor
    public let inChannels, outChannels, partitions, nodes: Int

    public override var bufferNames: Set<String> { ["adjacency"] }

    /// Init as a 1×1 torch convolution: weight and bias ~ U(−1/√Cin, 1/√Cin).
    public init(inChannels: Int, outChannels: Int, adjacency: Tensor, learnEdgeImportance: Bool = false,
                bias: Bool = true, rng: inout RandomStream) throws {
        guard adjacency.rank == 3, adjacency.shape[1] == adjacency.shape[2], adjacency.shape[0] > 0 else {
            throw TensorError("GraphConv", "adjacency must be [K, V, V], got \(fmt(adjacency.shape))")
        }
        guard inChannels > 0, outChannels > 0 else {
            throw TensorError("GraphConv", "channels must be positive: in \(inChannels), out \(outChannels)")
        }
        (partitions, nodes) = (adjacency.shape[0], adjacency.shape[1])
        (self.inChannels, self.outChannels) = (inChannels, outChannels)
        let bound = 1 / Float(inChannels).squareRoot()
        weight = Tensor.uniform([partitions * outChannels, inChannels], low: -bound, high: bound, rng: &rng, requiresGrad: true)
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, rng: &rng, requiresGrad: true) : nil
        self.adjacency = adjacency.copy()
        edgeImportance = learnEdgeImportance ? Tensor.ones(adjacency.shape, requiresGrad: true) : nil
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[2] == nodes, x.shape[3] == inChannels else {
            throw TensorError("GraphConv", "input must be [N, T, \(nodes), \(inChannels)], got \(fmt(x.shape))")
        }
        let (n, t, v, k, c) = (x.shape[0], x.shape[1], nodes, partitions, outChannels)
        let z = try x.linear(weight: weight).reshaped([n * t, v * k, c])
        let effective = try edgeImportance.map { try adjacency * $0 } ?? adjacency
        let p = try effective.permuted([2, 1, 0]).reshaped([v, v * k])
        let y = try p.matmul(z).reshaped([n, t, v, c])
        return try bias.map { try y + $0 } ?? y
    }
}

/// Formats a shape for error messages in this file.
private func fmt(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
