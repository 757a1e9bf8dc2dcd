import SignTensor

/// Skeleton graphs for `GraphConv`: partitioned, normalized adjacency tensors built as in ST-GCN
/// (Yan et al. 2018, "Partition Strategies"; the `Graph` class of the st-gcn repository).
public enum Graph {
    /// How neighbours are split into the K partitions of the adjacency.
    public enum Strategy: Sendable, Equatable {
        /// K = 1: every node within one hop (itself included) in one partition.
        case uniform
        /// K = maxHop + 1: partition h holds the neighbours exactly h hops away (h = 0 is the node itself).
        case distance(maxHop: Int)
        /// K = 1 + 2·maxHop: for each hop h ≥ 1, "root + centripetal" (neighbour no farther from `center`
        /// than the node) and "centrifugal" (neighbour farther from `center`); h = 0 is the node itself.
        case spatial(center: Int, maxHop: Int = 1)
    }

    /// A [K, V, V] adjacency for undirected `edges` over `nodes` nodes (self links are added).
    ///
    /// With hop(i, j) the shortest path length when ≤ maxHop (∞ beyond; uniform uses maxHop = 1),
    /// N[v, w] = [hop(v, w) ≤ maxHop] / Σ_u [hop(u, w) ≤ maxHop] — each column w sums to 1 (ST-GCN's
    /// normalize_digraph, A·D⁻¹), matching GraphConv's y[w] = Σ_v A[k, v, w]·z[v], an average over
    /// w's neighbourhood. Partitions split N: Σ_k A[k] = N.
    /// Spatial compares hop(v, center) with hop(w, center) for an entry A[·, v, w]: equal → root,
    /// v farther → centripetal ("close" partition, merged with root), v nearer → centrifugal. As in
    /// ST-GCN, distances to the center are capped at maxHop, so nodes farther than maxHop from the center
    /// compare as equal (∞ = ∞) and their edges fall into the root partition.
    public static func adjacency(nodes: Int, edges: [(Int, Int)], strategy: Strategy) throws -> Tensor {
        guard nodes > 0 else { throw TensorError("Graph.adjacency", "needs at least one node, got \(nodes)") }
        for (i, j) in edges where i < 0 || i >= nodes || j < 0 || j >= nodes {
            throw TensorError("Graph.adjacency", "edge (\(i), \(j)) names a node outside 0..<\(nodes)")
        }
        let maxHop: Int
        switch strategy {
        case .uniform: maxHop = 1
        case .distance(let h): maxHop = h
        case .spatial(let center, let h):
            guard center >= 0 && center < nodes else {
                throw TensorError("Graph.adjacency", "center \(center) is outside 0..<\(nodes)")
            }
            maxHop = h
        }
        guard maxHop >= 1 else { throw TensorError("Graph.adjacency", "maxHop must be ≥ 1, got \(maxHop)") }
        let hop = hopDistances(nodes: nodes, edges: edges, maxHop: maxHop)
        let v = nodes
        var colSum = [Float](repeating: 0, count: v)
        for a in 0..<v { for b in 0..<v where hop[a][b] <= maxHop { colSum[b] += 1 } }
        func norm(_ a: Int, _ b: Int) -> Float { hop[a][b] <= maxHop ? 1 / colSum[b] : 0 }

        var parts: [[Float]] = []
        switch strategy {
        case .uniform:
            parts = [(0..<v * v).map { norm($0 / v, $0 % v) }]
        case .distance:
            for h in 0...maxHop {
                parts.append((0..<v * v).map { hop[$0 / v][$0 % v] == h ? norm($0 / v, $0 % v) : 0 })
            }
        case .spatial(let center, _):
            for h in 0...maxHop {
                var root = [Float](repeating: 0, count: v * v), close = root, further = root
                for a in 0..<v { for b in 0..<v where hop[a][b] == h {
                    let da = hop[a][center], db = hop[b][center]
                    if da == db { root[a * v + b] = norm(a, b) }
                    else if da > db { close[a * v + b] = norm(a, b) }
                    else { further[a * v + b] = norm(a, b) }
                } }
                if h == 0 { parts.append(root) }
                else { parts.append(zip(root, close).map { $0 + $1 }); parts.append(further) }
            }
        }
        return try Tensor(shape: [parts.count, v, v], data: parts.flatMap { $0 })
    }

    /// Shortest path lengths by breadth-first search, `Int.max` beyond `maxHop` (ST-GCN's ∞).
    public static func hopDistances(nodes: Int, edges: [(Int, Int)], maxHop: Int) -> [[Int]] {
        var neighbours = [[Int]](repeating: [], count: nodes)
        for (i, j) in edges where i != j { neighbours[i].append(j); neighbours[j].append(i) }
        var hop = [[Int]](repeating: [Int](repeating: Int.max, count: nodes), count: nodes)
        for s in 0..<nodes {
            hop[s][s] = 0
            var frontier = [s], d = 0
            while !frontier.isEmpty && d < maxHop {
                d += 1
                var next: [Int] = []
                for u in frontier { for w in neighbours[u] where hop[s][w] == Int.max { hop[s][w] = d; next.append(w) } }
                frontier = next
            }
        }
        return hop
    }
}
