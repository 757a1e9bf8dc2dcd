import SignTensor
import SignNN

extension ONNXGraphBuilder {
    /// ST-GCN `GraphConv` over x [N, T, V, Cin] as two MatMuls, exactly as the engine computes it:
    ///   z = x·Wᵀ                      [N, T, V, K·C]  (initializer `weight`, transposed)
    ///   z' = Reshape(z, [0, 0, V·K, C])
    ///   y = P·z' + b                  [N, T, V, C]    with P[w, v·K + k] = Â[k, v, w]
    /// where Â = adjacency ⊙ edge_importance is folded into the constant initializer `aggregation`
    /// [V, V·K] (inference only: the edge importance is frozen in the export).
    public func lower(_ m: GraphConv, _ x: String) throws -> String {
        let (v, k, c) = (m.nodes, m.partitions, m.outChannels)
        let z = try reshape(try linear(x, weight: m.weight, bias: nil), [0, 0, v * k, c])
        let aggregation = try derivedParameter(from: m.adjacency, "aggregation",
                                               docString: "P[w, v·K + k] = (adjacency ⊙ edge_importance)[k, v, w]") {
            try withNoGrad {
                let effective = try m.edgeImportance.map { try m.adjacency * $0 } ?? m.adjacency
                return try effective.permuted([2, 1, 0]).reshaped([v, v * k]).copy()
            }
        }
        let y = try matmul(aggregation, z)
        guard let bias = m.bias else { return moduleOutput(y) }
        return moduleOutput(try add(y, try parameter(bias, "bias")))
    }
}
