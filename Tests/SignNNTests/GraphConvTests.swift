import Testing
import SignTensor
import SignNN
import SignTestSupport

@Suite("Graph adjacency and GraphConv")
struct GraphConvTests {
    // Chain 0-1-2-3 with a branch 1-4; center 1. Expected tensors from a numpy re-implementation of
    // ST-GCN's Graph (matrix powers for hop distance, column-normalized A·D⁻¹) in a one-off session.
    let edges = [(0, 1), (1, 2), (2, 3), (1, 4)]

    func check(_ strategy: Graph.Strategy, _ shape: [Int], _ expected: [Float]) throws {
        let a = try Graph.adjacency(nodes: 5, edges: edges, strategy: strategy)
        #expect(a.shape == shape, "\(strategy)")
        #expect(maxAbsDiff(a, try Tensor(shape: shape, data: expected)) < 1e-6, "\(strategy): \(a.toArray())")
    }

    @Test func uniformAndDistance() throws {
        try check(.uniform, [1, 5, 5], [0.5, 0.25, 0, 0, 0, 0.5, 0.25, 0.3333333, 0, 0.5, 0, 0.25, 0.3333333, 0.5, 0, 0, 0, 0.3333333, 0.5, 0, 0, 0.25, 0, 0, 0.5])
        try check(.distance(maxHop: 2), [3, 5, 5], [0.25, 0, 0, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0.3333333, 0, 0, 0, 0, 0, 0.25, 0, 0.2, 0, 0, 0, 0.25, 0, 0.2, 0, 0.25, 0, 0.2, 0, 0.3333333, 0, 0, 0, 0.2, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0.2, 0, 0.25, 0, 0, 0, 0.3333333, 0, 0.25, 0, 0, 0, 0.25, 0, 0.2, 0, 0, 0, 0.25, 0, 0.2, 0, 0])
    }

    @Test func spatial() throws {
        try check(.spatial(center: 1), [3, 5, 5], [0.5, 0, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 0, 0.3333333, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0.5, 0, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 0, 0.3333333, 0, 0, 0, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0.3333333, 0, 0.5, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        try check(.spatial(center: 1, maxHop: 2), [5, 5, 5], [0.25, 0, 0, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0.3333333, 0, 0, 0, 0, 0, 0.25, 0, 0.2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0.2, 0, 0, 0, 0.2, 0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0, 0.2, 0, 0.25, 0, 0, 0, 0.3333333, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0, 0.25, 0, 0, 0, 0, 0, 0.25, 0, 0, 0, 0.25, 0, 0.2, 0, 0, 0, 0.25, 0, 0.2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3333333, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func adjacencyBadInput() {
        #expect(throws: TensorError("Graph.adjacency", "edge (1, 5) names a node outside 0..<5")) { try Graph.adjacency(nodes: 5, edges: [(1, 5)], strategy: .uniform) }
        #expect(throws: TensorError("Graph.adjacency", "center 7 is outside 0..<5")) { try Graph.adjacency(nodes: 5, edges: edges, strategy: .spatial(center: 7)) }
        #expect(throws: TensorError("Graph.adjacency", "maxHop must be ≥ 1, got 0")) { try Graph.adjacency(nodes: 5, edges: edges, strategy: .distance(maxHop: 0)) }
    }

    /// A GraphConv over the 4-node star 0-1, 1-2, 1-3 (spatial, center 1) with formula weights.
    func makeLayer(learnEdges: Bool) throws -> GraphConv {
        var rng = RandomStream(seed: 9)
        let a = try Graph.adjacency(nodes: 4, edges: [(0, 1), (1, 2), (1, 3)], strategy: .spatial(center: 1))
        let layer = try GraphConv(inChannels: 3, outChannels: 2, adjacency: a, learnEdgeImportance: learnEdges, rng: &rng)
        assign(layer.weight, formula([6, 3], 0.61, 0.2, scale: 0.7))
        assign(layer.bias!, formula([2], 1.3, 0.5, scale: 0.2))
        if let e = layer.edgeImportance { assign(e, formula([3, 4, 4], 0.43, 0, scale: 0.1) + 1) }
        return layer
    }

    @Test func forwardMatchesTorchEinsum() throws {
        // torch: conv2d 1×1 on x.permute(0, 3, 1, 2), view [N, K, C, T, V], einsum('nkctv,kvw->nctw', z, A·E),
        // permuted back to [N, T, V, C] plus bias (torch 2.13 CPU, float64).
        let layer = try makeLayer(learnEdges: true)
        #expect(layer.namedParameters().map(\.0) == ["weight", "bias", "edge_importance"])
        #expect(layer.namedBuffers().map(\.0) == ["adjacency"])
        let y = try layer(formula([2, 2, 4, 3], 0.29, 0.4))
        let expected: [Float] = [1.456606, -0.07773931, -0.03030746, 0.3898273, 1.242321, 0.08779709, 0.701777, -0.1934697, -1.351602, 0.2880005, 0.1031774, 0.01532028, -0.8337992, 0.3454227, -0.2749557, 0.6821479, 1.465947, 0.2913917, 0.2083203, 0.3382551, 0.7033627, 0.01752428, 0.1896101, -0.3364643, -1.041346, -0.08074588, -0.1235239, 0.1035232, -0.1204791, 0.3785018, 0.2899072, 0.7096006]
        #expect(maxAbsDiff(y, try Tensor(shape: [2, 2, 4, 2], data: expected)) < 1e-4)
    }

    @Test func gradientsAndBadInput() throws {
        let layer = try makeLayer(learnEdges: true)
        let r = try gradCheck([rand([2, 3, 4, 3], seed: 61), layer.weight, layer.bias!, layer.edgeImportance!]) { try layer($0[0]) }
        #expect(r.passed, "GraphConv: \(r)")
        #expect(layer.adjacency.requiresGrad == false && layer.adjacency.grad == nil)
        #expect(throws: TensorError("GraphConv", "input must be [N, T, 4, 3], got [2, 3, 5, 3]")) { try layer(Tensor.zeros([2, 3, 5, 3])) }
        var rng = RandomStream(seed: 1)
        #expect(throws: TensorError("GraphConv", "adjacency must be [K, V, V], got [4, 4]")) {
            try GraphConv(inChannels: 3, outChannels: 2, adjacency: Tensor.zeros([4, 4]), rng: &rng)
        }
    }
}
