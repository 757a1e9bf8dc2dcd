import Foundation
import MSLUEncoder
import SignNN
import SignPose
import SignTensor

/// `encoder/mslu` in eval mode (Plugins/MSLUEncoder/MSLUEncoder.swift), as the Swift `encode` with
/// no masking computes it, on batch-major values (B, T dynamic):
///
///   part x_p = Gather(poses, part points, axis 2)                       [B, T, V, C]  (left hand: x ↦ −x)
///   PartGCN: h = input_proj(x_p); per block h = ReLU(norm(G·h·W′ + b) + res(h)); token = mean over V
///            G [K·V, V] the layout's aggregation (constant), W′ [K·Cin, Cout] the conv weight
///            regrouped per partition, BatchNorm folded to h·s + t with its running statistics
///   manual  = proj(concat(body, left, right)) ⊙ mask;  non-manual = proj(face+mouth token) ⊙ mask
///   branch  = TransformerEncoder(x (+ ReLU(conv(x)) when temporal conv) + PE[0:T], keyMask: mask)
///   tokens  = fusion(concat(manual, non-manual or the learned `absent_non_manual`)) ⊙ mask
///   pooled  = Σ_t tokens / max(Σ_t mask, 1)
///
/// The engine embeds only valid frames and scatters zeros to padded ones right after `proj`; the
/// graph embeds every frame and multiplies by the mask at the same point, so valid outputs match
/// and padded rows of `tokens` are 0 in both. The sinusoidal table is an initializer with
/// `config.maxFrames` rows (`<branch>.sinusoids`): longer clips are out of range of the export.
extension ONNXGraphBuilder {
    /// Lowers `encoder` for poses [B, T, P, C] in `layout` and a float mask [B, T] (1 = valid) inside
    /// the current scope (its initializers are named `<path>.body_gcn.…` like the checkpoint's tensors).
    public func lower(_ encoder: MSLUEncoder, poses: String, mask: String, layout: PoseLayout) throws -> (tokens: String, pooled: String) {
        let tree = ModuleTree(encoder, root: path)
        let config = encoder.config
        let graphs = try encoder.graphs(for: layout)
        let mask3 = try unsqueeze(mask, axes: [2])
        let c = config.inputChannels

        func part(_ graph: PartGraph, mirrored: Bool = false) throws -> String {
            var x = try indexSelect(poses, axis: 2, indices: graph.indices)
            if mirrored { x = try mul(x, try constant(floats: [-1] + Array(repeating: 1, count: c - 1), shape: [c])) }
            return x
        }
        let body = try partGCN(tree, "body_gcn", try part(graphs.body), graph: graphs.body, strategy: config.strategy)
        let left = try partGCN(tree, "hand_gcn", try part(graphs.leftHand, mirrored: true), graph: graphs.rightHand, strategy: config.strategy)
        let right = try partGCN(tree, "hand_gcn", try part(graphs.rightHand), graph: graphs.rightHand, strategy: config.strategy)

        let manualIn = try scope("manual.proj") { try lower(try tree.module("manual.proj", as: Linear.self), try concat([body, left, right], axis: 2)) }
        let manual = try temporalBranch(tree, "manual", try mul(manualIn, mask3), mask: mask, config: config)
        let nonManual: String
        if let nm = graphs.nonManual {
            let token = try partGCN(tree, "non_manual_gcn", try part(nm), graph: nm, strategy: config.strategy)
            let projected = try scope("non_manual.proj") { try lower(try tree.module("non_manual.proj", as: Linear.self), token) }
            nonManual = try temporalBranch(tree, "non_manual", try mul(projected, mask3), mask: mask, config: config)
        } else {
            let absent = try parameter(try tree.tensor("absent_non_manual"), "absent_non_manual")
            nonManual = try apply("Expand", [absent, try shape(manual)])
        }
        let fused = try scope("fusion") { try lower(try tree.module("fusion", as: Linear.self), try concat([manual, nonManual], axis: 2)) }
        let tokens = try mul(fused, mask3)
        let counts = try apply("Max", [try reduceSum(mask, axes: [1], keepDims: true), try constant(Float(1))])
        let pooled = try div(try reduceSum(tokens, axes: [1]), counts)
        return (tokens, pooled)
    }

    /// One `PartGCN` (`<name>.input_proj`, `<name>.blocks.N`) on x [B, T, V, C] → [B, T, w_L].
    func partGCN(_ tree: ModuleTree, _ name: String, _ x: String, graph: PartGraph, strategy: Graph.Strategy) throws -> String {
        try scope(name) {
            var h = try scope("input_proj") { try lower(try tree.module("\(name).input_proj", as: Linear.self), x) }
            let aggregation = try partAggregation(graph, strategy: strategy)
            var i = 0
            while tree.has("\(name).blocks.\(i)") {
                h = try scope("blocks.\(i)") { try graphBlock(tree, "\(name).blocks.\(i)", h, aggregation: aggregation) }
                i += 1
            }
            return try reduceMean(h, axes: [2])
        }
    }

    /// G [K·V, V], G[k·V + w, v] = A[k, v, w] of `Graph.adjacency` on the part graph (a constant).
    func partAggregation(_ graph: PartGraph, strategy: Graph.Strategy) throws -> (value: String, partitions: Int, nodes: Int) {
        let a = try Graph.adjacency(nodes: graph.nodes, edges: graph.edges.map { ($0[0], $0[1]) }, strategy: strategy)
        let k = a.shape[0], v = graph.nodes
        var g = [Float](repeating: 0, count: k * v * v)
        for p in 0..<k { for w in 0..<v { for u in 0..<v { g[(p * v + w) * v + u] = a.pointer[(p * v + u) * v + w] } } }
        return (try constant(floats: g, shape: [k * v, v]), k, v)
    }

    /// One residual graph block (`conv.weight/bias`, `norm.*`, `residual.weight`) on h [B, T, V, Cin].
    func graphBlock(_ tree: ModuleTree, _ p: String, _ h: String, aggregation: (value: String, partitions: Int, nodes: Int)) throws -> String {
        let weight = try tree.tensor("\(p).conv.weight"), bias = try tree.tensor("\(p).conv.bias")
        let (k, v) = (aggregation.partitions, aggregation.nodes)
        let cout = bias.count, cin = weight.shape[1]
        guard weight.shape[0] == k * cout else {
            throw ONNXExportError.invalid("graph conv at '\(tree.full(p))': weight \(weight.shape) does not hold \(k) partitions of \(cout) channels")
        }
        // u = G·h [B, T, K·V, Cin] → [B, T, V, K·Cin]; y = u·W′ + b with W′[k·Cin + c, o] = W[k·Cout + o, c].
        var u = try matmul(aggregation.value, h)
        u = try reshape(try transpose(try reshape(u, [0, 0, k, v, cin]), perm: [0, 1, 3, 2, 4]), [0, 0, v, k * cin])
        let w = try scope("conv") {
            try derivedParameter(from: weight, "weight", docString: "regrouped: [K·Cin, Cout], row k·Cin + c = weight[k·Cout + o, c] over o") {
                let out = Tensor(uninitializedShape: [k * cin, cout])
                for kk in 0..<k { for ci in 0..<cin { for o in 0..<cout {
                    out.pointer[(kk * cin + ci) * cout + o] = weight.pointer[(kk * cout + o) * cin + ci]
                } } }
                return out
            }
        }
        let y = try add(try matmul(u, w), try scope("conv") { try parameter(bias, "bias") })
        let normed: String
        if let bn = tree.optionalModule("\(p).norm") as? BatchNorm1d {
            normed = try scope("norm") { try foldedBatchNorm(bn, y) }
        } else {
            normed = try scope("norm") { try lower(try tree.module("\(p).norm", as: LayerNorm.self), y) }
        }
        let residual = try tree.optionalModule("\(p).residual").map { m in
            try scope("residual") { try lower(try tree.module("\(p).residual", as: Linear.self), h) }
        } ?? h
        return try relu(try add(normed, residual))
    }

    /// Eval-mode BatchNorm1d over the last axis as y = x·s + t, s = γ/√(r_σ² + ε), t = β − r_μ·s.
    func foldedBatchNorm(_ bn: BatchNorm1d, _ x: String) throws -> String {
        let c = bn.runningMean.count
        var s = [Float](repeating: 1, count: c), t = [Float](repeating: 0, count: c)
        for j in 0..<c {
            let istd = 1 / (bn.runningVar.pointer[j] + bn.eps).squareRoot()
            s[j] = (bn.weight?.pointer[j] ?? 1) * istd
            t[j] = (bn.bias?.pointer[j] ?? 0) - bn.runningMean.pointer[j] * s[j]
        }
        let scale = try derivedParameter(from: bn.runningVar, "scale", docString: "folded BatchNorm: weight / √(running_var + eps)") {
            try Tensor(shape: [c], data: s)
        }
        let shift = try derivedParameter(from: bn.runningMean, "shift", docString: "folded BatchNorm: bias − running_mean · scale") {
            try Tensor(shape: [c], data: t)
        }
        return try add(try mul(x, scale), shift)
    }

    /// A `TemporalBranch` after its `proj`: optional temporal conv, position encoding, Transformer.
    func temporalBranch(_ tree: ModuleTree, _ name: String, _ x: String, mask: String, config: MSLUEncoderConfig) throws -> String {
        try scope(name) {
            var h = x
            if let conv = tree.optionalModule("\(name).temporal_conv.conv") as? Conv1d {
                let y = try scope("temporal_conv.conv") { try lower(conv, try transpose(h, perm: [0, 2, 1])) }
                h = try add(h, try transpose(try relu(y), perm: [0, 2, 1]))
            }
            let table: String
            if let learned = tree.optionalTensor("\(name).pos_embedding") {
                table = try parameter(learned, "pos_embedding")
            } else {
                let rows = max(config.maxFrames, 1), d = config.branchDim
                table = try initializer(ONNXTensor(name: qualified("sinusoids"), tensor: sinusoidalTable(frames: rows, dim: d),
                                                   docString: "fixed sinusoidal position table [\(rows), \(d)]"))
            }
            let frames = try shape(h, start: 1, end: 2)
            let positions = try apply("Slice", [table, try constant(ints: [0]), frames, try constant(ints: [0])])
            h = try add(h, positions)
            let encoder = try tree.module("\(name).encoder", as: TransformerEncoder.self)
            return try scope("encoder") { try lower(encoder, h, keyMask: mask) }
        }
    }
}
