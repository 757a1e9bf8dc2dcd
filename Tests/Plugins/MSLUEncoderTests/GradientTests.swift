import Testing
import MSLUEncoder
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTestSupport

@Suite("MSLU encoder gradients")
struct MSLUGradientTests {
    /// Hand-computed: two nodes joined by an edge, uniform partition (A = ½ everywhere: each column
    /// averages the node and its neighbour), Cin = 1, Cout = 2, W = [2, −1]ᵀ, b = [0.5, 0]:
    /// y[w, n] = W·(x[0, n] + x[1, n])/2 + b. For x = [[1, 3], [5, −1]] (V = 2, N = 2):
    /// n = 0: mean 3 → [6.5, −3];  n = 1: mean 1 → [2.5, −1] (same for both nodes).
    @Test func nodeMajorGraphConvHandComputed() throws {
        let g = try Tensor(shape: [2, 2], data: [0.5, 0.5, 0.5, 0.5])
        let x = try Tensor(shape: [2, 2, 1], data: [1, 3, 5, -1])
        let w = try Tensor(shape: [2, 1], data: [2, -1])
        let b = try Tensor(shape: [2], data: [0.5, 0])
        let y = try x.nodeMajorGraphConv(aggregation: g, weight: w, bias: b)
        #expect(y.shape == [2, 2, 2])
        #expect(y.toArray() == [6.5, -3, 2.5, -1, 6.5, -3, 2.5, -1])
    }

    /// Against SignNN's GraphConv (transform first, channels-last [N, T, V, C]) on a hand graph with
    /// K = 2 distance partitions: the same math in another order.
    @Test func nodeMajorGraphConvMatchesGraphConv() throws {
        let edges = [(0, 1), (1, 2), (2, 3), (0, 4), (4, 5)]
        let a = try Graph.adjacency(nodes: 6, edges: edges, strategy: .distance(maxHop: 1))
        var rng = RandomStream(seed: 21)
        let layer = try GraphConv(inChannels: 3, outChannels: 5, adjacency: a, rng: &rng)
        let x = rand([2, 4, 6, 3], seed: 22)                      // [N, T, V, C]
        let reference = try layer(x)                              // [N, T, V, Cout]
        let g = try a.permuted([0, 2, 1]).reshaped([12, 6])
        let nodeMajor = try x.reshaped([8, 6, 3]).permuted([1, 0, 2])
        let y = try nodeMajor.nodeMajorGraphConv(aggregation: g, weight: layer.weight, bias: layer.bias)
        #expect(maxAbsDiff(try y.permuted([1, 0, 2]).reshaped([2, 4, 6, 5]), reference) <= 1e-5)
    }

    @Test func nodeMajorGraphConvGradCheck() throws {
        let a = try Graph.adjacency(nodes: 5, edges: [(0, 1), (1, 2), (2, 3), (3, 4)], strategy: .distance(maxHop: 2))
        let g = try a.permuted([0, 2, 1]).reshaped([15, 5])
        let report = try gradCheck([rand([5, 4, 3], seed: 23), rand([3 * 2, 3], seed: 24), rand([2], seed: 25)]) { t in
            try t[0].nodeMajorGraphConv(aggregation: g, weight: t[1], bias: t[2])
        }
        #expect(report.passed, "\(report)")
    }

    /// Finite differences through the whole encoder (tiny config, training mode — BatchNorm with batch
    /// statistics, or LayerNorm — dropout 0, a padded clip, part-token masking) w.r.t. the poses and a
    /// few parameters. BatchNorm followed by ReLU puts many activations next to the ReLU kink, where a
    /// central difference is meaningless; `kinkAwareGradCheck` skips (and counts) elements whose
    /// differences at ε and ε/2 disagree, and compares the rest.
    @Test(arguments: [GraphNorm.batch, GraphNorm.layer]) func encoderGradCheck(norm: GraphNorm) throws {
        let enc = try MSLUEncoder(config: tinyConfig { $0.gcnWidths = [6, 8]; $0.branchDim = 8; $0.gcnNorm = norm; $0.temporalConv = true; $0.temporalKernel = 3 }, seed: 26)
        enc.train()
        let batch = try randomBatch("mslu-79", lengths: [3, 2], frames: 3, seed: 27)
        let m = Tensor.zeros([2, 3, 4])
        m.pointer[1 * 4 + 2] = 1
        m.pointer[(3 + 1) * 4 + 3] = 1
        let params = Dictionary(uniqueKeysWithValues: enc.namedParameters())
        let picked = ["hand_gcn.blocks.0.conv.weight", "body_gcn.input_proj.weight", "mask_token",
                      "non_manual.encoder.layers.0.linear1.weight", "manual.temporal_conv.conv.weight", "fusion.bias"]
        let inputs = [batch.poses] + picked.map { params[$0]! }
        let report = try kinkAwareGradCheck(inputs, eps: 1e-3, maxPerInput: 24) { t in
            try enc.encode(try replacingPoses(batch, t[0]), masking: PoseMasking(partTokens: m)).tokens
        }
        #expect(report.checked >= 120, "\(report)")
        #expect(report.skipped * 10 <= report.checked, "\(report)")
        #expect(report.worst <= 1, "\(report)")
    }
}

struct KinkAwareReport: CustomStringConvertible {
    var checked = 0, skipped = 0
    var worst: Float = 0
    var detail = ""
    var description: String { "checked \(checked), skipped \(skipped) at kinks, worst ratio \(worst) \(detail)" }
}

/// d(Σ R ⊙ f)/d(inputs) against central differences in Double sums: an element counts when the
/// differences at ε and ε/2 agree within atol + rtol·|n| (f is smooth there), and then the analytic
/// value must match the ε/2 difference within the same tolerance.
func kinkAwareGradCheck(_ inputs: [Tensor], eps: Float, atol: Float = 2e-3, rtol: Float = 2e-2, maxPerInput: Int,
                        _ f: ([Tensor]) throws -> Tensor) throws -> KinkAwareReport {
    for x in inputs { x.requiresGrad = true; x.grad = nil }
    let out = try f(inputs)
    let r = rand(out.shape, seed: 31)
    try (out * r).sum().backward()
    func project(_ y: Tensor) -> Double { (0..<y.count).reduce(0.0) { $0 + Double(y.pointer[$1]) * Double(r.pointer[$1]) } }
    func difference(_ x: Tensor, _ i: Int, _ h: Float) throws -> Float {
        let orig = x.pointer[i]
        x.pointer[i] = orig + h
        let plus = try withNoGrad { project(try f(inputs)) }
        x.pointer[i] = orig - h
        let minus = try withNoGrad { project(try f(inputs)) }
        x.pointer[i] = orig
        return Float((plus - minus) / Double(2 * h))
    }
    var report = KinkAwareReport()
    for (k, x) in inputs.enumerated() {
        let analytic = x.grad ?? Tensor.zeros(x.shape)
        for i in stride(from: 0, to: x.count, by: max(1, x.count / maxPerInput)) {
            report.checked += 1
            let coarse = try difference(x, i, eps), fine = try difference(x, i, eps / 2)
            if abs(coarse - fine) > atol + rtol * abs(fine) { report.skipped += 1; continue }
            let ratio = abs(analytic.pointer[i] - fine) / (atol + rtol * abs(fine))
            if ratio > report.worst || ratio.isNaN {
                report.worst = ratio.isNaN ? .infinity : ratio
                report.detail = "(input \(k) element \(i): analytic \(analytic.pointer[i]), numeric \(fine))"
            }
        }
    }
    return report
}
