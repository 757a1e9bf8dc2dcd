import SignTensor

/// Spatial graph convolution in node-major layout, aggregate first (the op behind `PartGraphConv`).
///
/// x [V, N, Cin] (node v, then N = frames × hands, then channels), a constant aggregation matrix
/// G [K·V, V] with G[k·V + w, v] = A[k, v, w] (A a partitioned, normalized adjacency [K, V, V] from
/// `Graph.adjacency`), weight W [K·Cout, Cin] whose rows k·Cout ..< (k+1)·Cout are W_k, bias b [Cout]:
///   u_k[w, n, :] = Σ_v A[k, v, w] · x[v, n, :]        one GEMM: u = G · x viewed [K·V, N·Cin]
///   y[w, n, :]   = Σ_k W_k · u_k[w, n, :] + b          K GEMMs over all V·N rows, accumulated
/// which is ST-GCN's y[w] = Σ_k Σ_v A[k, v, w] W_k x[v] + b (the same math as SignNN's `GraphConv`,
/// with the linear map after the aggregation, cheaper when Cin < Cout). Node-major rows keep every
/// product one large GEMM: no per-frame [V, V] products and no permuted copies.
/// Backward with g = dL/dy [V·N, Cout]:
///   du_k = g · W_k,   dW_k = gᵀ · u_k,   db = Σ_rows g,   dx = Gᵀ · du   (du viewed [K·V, N·Cin]).
/// G is a constant (no gradient): the adjacency is a property of the layout, not a parameter.
extension Tensor {
    public func nodeMajorGraphConv(aggregation g: Tensor, weight w: Tensor, bias: Tensor?) throws -> Tensor {
        let x = self
        guard x.rank == 3 else { throw TensorError("nodeMajorGraphConv", "input must be [V, N, Cin], got \(x.shape)") }
        let (v, n, cin) = (x.shape[0], x.shape[1], x.shape[2])
        guard g.rank == 2, g.shape[1] == v, g.shape[0] % Swift.max(v, 1) == 0, g.shape[0] > 0 else {
            throw TensorError("nodeMajorGraphConv", "aggregation must be [K·\(v), \(v)] for input \(x.shape), got \(g.shape)")
        }
        let k = g.shape[0] / v
        guard w.rank == 2, w.shape[1] == cin, w.shape[0] % k == 0 else {
            throw TensorError("nodeMajorGraphConv", "weight must be [\(k)·Cout, \(cin)] for \(k) partitions, got \(w.shape)")
        }
        let cout = w.shape[0] / k
        if let bias, bias.shape != [cout] {
            throw TensorError("nodeMajorGraphConv", "bias must be [\(cout)], got \(bias.shape)")
        }
        let rows = v * n
        // u = G · x: [K·V, V] × [V, N·Cin].
        let u = Tensor(uninitializedShape: [k, rows, cin])
        if rows > 0 && cin > 0 {
            sgemm(transA: false, transB: false, m: k * v, n: n * cin, k: v, a: g.pointer, lda: v,
                  b: x.pointer, ldb: n * cin, c: u.pointer, ldc: n * cin)
        }
        let y = Tensor(uninitializedShape: [v, n, cout])
        if let bias { for r in 0..<rows { (y.pointer + r * cout).update(from: bias.pointer, count: cout) } }
        else { y.pointer.update(repeating: 0, count: y.count) }
        if rows > 0 {
            for p in 0..<k {
                sgemm(transA: false, transB: true, m: rows, n: cout, k: cin, a: u.pointer + p * rows * cin, lda: cin,
                      b: w.pointer + p * cout * cin, ldb: cin, beta: 1, c: y.pointer, ldc: cout)
            }
        }
        let inputs = bias.map { [x, w, $0] } ?? [x, w]
        let gConst = g.detached()
        return y.recording("nodeMajorGraphConv", inputs) { dy in
            var dx: Tensor? = nil, dw: Tensor? = nil, db: Tensor? = nil
            if x.requiresGrad {
                let du = Tensor(uninitializedShape: [k, rows, cin])
                for p in 0..<k {
                    sgemm(transA: false, transB: false, m: rows, n: cin, k: cout, a: dy.pointer, lda: cout,
                          b: w.pointer + p * cout * cin, ldb: cin, c: du.pointer + p * rows * cin, ldc: cin)
                }
                let t = Tensor(uninitializedShape: x.shape)
                sgemm(transA: true, transB: false, m: v, n: n * cin, k: k * v, a: gConst.pointer, lda: v,
                      b: du.pointer, ldb: n * cin, c: t.pointer, ldc: n * cin)
                dx = t
            }
            if w.requiresGrad {
                let t = Tensor(uninitializedShape: w.shape)
                for p in 0..<k {
                    sgemm(transA: true, transB: false, m: cout, n: cin, k: rows, a: dy.pointer, lda: cout,
                          b: u.pointer + p * rows * cin, ldb: cin, c: t.pointer + p * cout * cin, ldc: cin)
                }
                dw = t
            }
            if let bias, bias.requiresGrad { db = try dy.reshaped([rows, cout]).sum(axes: [0]) }
            return [dx, dw, db]
        }
    }
}
