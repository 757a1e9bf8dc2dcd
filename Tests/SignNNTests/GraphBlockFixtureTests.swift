import Testing
import SignNN
import SignTensor
import SignTestSupport

/// GraphConv and BatchNorm1d against PyTorch (converters/python/gen_fixtures.py): the GraphConv
/// reference is an independent einsum formulation of the same math.
@Suite("Graph block and batch norm against PyTorch fixtures")
struct GraphBlockFixtureTests {
    @Test func graphConvBlockMatches() throws {
        let fx = try referenceFixture("layers/graph_conv_block.safetensors")
        let a = fx["adjacency"]!
        var rng = RandomStream(seed: 0)
        let layer = try GraphConv(inChannels: 4, outChannels: 6, adjacency: a, learnEdgeImportance: true, rng: &rng)
        try layer.load(["weight": fx["p.weight"]!, "bias": fx["p.bias"]!, "edge_importance": fx["p.edge_importance"]!, "adjacency": a])
        let x = fx["x0"]!
        x.requiresGrad = true
        let y = try layer(x).relu()
        #expect(maxAbsDiff(y, fx["out"]!) <= 1e-4)
        try y.backward(seed: fx["gout"]!)
        #expect(maxRelDiff(x.grad!, fx["grad.x0"]!) <= 1e-3)
        for (name, p) in layer.namedParameters() {
            #expect(maxRelDiff(try #require(p.grad), fx["grad.p.\(name)"]!) <= 1e-3, "\(name)")
        }
    }

    @Test func batchNormTrainingMatches() throws {
        let fx = try referenceFixture("layers/batch_norm_1d_train.safetensors")
        let bn = BatchNorm1d(4)
        try bn.load(["weight": fx["p.weight"]!, "bias": fx["p.bias"]!], strict: false)
        bn.train()
        let x = fx["x0"]!
        x.requiresGrad = true
        let y = try bn(x)
        #expect(maxAbsDiff(y, fx["out"]!) <= 1e-4)
        try y.backward(seed: fx["gout"]!)
        #expect(maxRelDiff(x.grad!, fx["grad.x0"]!) <= 1e-3)
        #expect(maxRelDiff(bn.weight!.grad!, fx["grad.p.weight"]!) <= 1e-3)
        #expect(maxRelDiff(bn.bias!.grad!, fx["grad.p.bias"]!) <= 1e-3)
        #expect(maxAbsDiff(bn.runningMean, fx["running_mean"]!) <= 1e-5)
        #expect(maxAbsDiff(bn.runningVar, fx["running_var"]!) <= 1e-5)
    }
}
