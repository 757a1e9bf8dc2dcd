import Testing
import SignTensor
import SignNN
import SignTestSupport

/// Compares every op with PyTorch (float64 reference, converters/python/gen_fixtures.py):
/// forward max |Δ| ≤ 1e-4, gradients max relative error ≤ 1e-3.
@Suite("Ops against PyTorch fixtures")
struct ReferenceFixtureTests {
    typealias Op = ([Tensor], [String: Tensor]) throws -> Tensor

    static let cases: [(String, Op)] = [
        ("add_broadcast", { x, _ in try x[0] + x[1] }),
        ("sub_broadcast", { x, _ in try x[0] - x[1] }),
        ("mul_broadcast", { x, _ in try x[0] * x[1] }),
        ("div_broadcast", { x, _ in try x[0] / x[1] }),
        ("exp", { x, _ in x[0].exp() }),
        ("log", { x, _ in x[0].log() }),
        ("sqrt", { x, _ in x[0].sqrt() }),
        ("rsqrt", { x, _ in x[0].rsqrt() }),
        ("tanh", { x, _ in x[0].tanh() }),
        ("erf", { x, _ in x[0].erf() }),
        ("sigmoid", { x, _ in x[0].sigmoid() }),
        ("relu", { x, _ in x[0].relu() }),
        ("gelu", { x, _ in x[0].gelu() }),
        ("pow", { x, _ in x[0].pow(2.5) }),
        ("sum_axes_0_2", { x, _ in try x[0].sum(axes: [0, 2]) }),
        ("mean_axis_1_keepdims", { x, _ in try x[0].mean(axes: [1], keepDims: true) }),
        ("max_axis_2", { x, _ in try x[0].max(axis: 2) }),
        ("matmul_batched", { x, _ in try x[0].matmul(x[1]) }),
        ("matmul_transposed_both", { x, _ in try x[0].matmul(x[1], transposeSelf: true, transposeOther: true) }),
        ("linear", { x, _ in try x[0].linear(weight: x[1], bias: x[2]) }),
        ("permute_0_2_3_1", { x, _ in try x[0].permuted([0, 2, 3, 1]) }),
        ("slice_axis1_1_5_2", { x, _ in try x[0].slice(axis: 1, start: 1, end: 5, step: 2) }),
        ("concat_axis1", { x, _ in try Tensor.concat(x, axis: 1) }),
        ("stack_axis1", { x, _ in try Tensor.stack(x, axis: 1) }),
        ("pad_last2_1_2_0_3", { x, _ in try x[0].padded([(1, 2), (0, 3)], value: 0.5) }),
        ("gather_axis1", { x, f in try x[0].gather(axis: 1, indices: try IndexTensor(shape: f["idx"]!.shape, values: ints(f["idx"]!))) }),
        ("index_select_axis0", { x, f in try x[0].indexSelect(axis: 0, indices: ints(f["idx"]!)) }),
        ("masked_fill", { x, f in try x[0].maskedFill(f["mask"]!, value: -7) }),
        ("where", { x, f in try Tensor.where(f["mask"]!, x[0], x[1]) }),
        ("embedding", { x, f in try Tensor.embedding(x[0], ids: try IndexTensor(shape: f["idx"]!.shape, values: ints(f["idx"]!))) }),
        ("conv1d_s2_p1", { x, _ in try x[0].conv1d(weight: x[1], bias: x[2], stride: 2, padding: 1) }),
        ("conv1d_d2_p2", { x, _ in try x[0].conv1d(weight: x[1], bias: x[2], padding: 2, dilation: 2) }),
        ("max_pool1d_k2", { x, _ in try x[0].maxPool1d(kernel: 2, stride: 2) }),
        ("softmax", { x, _ in try x[0].softmax() }),
        ("log_softmax", { x, _ in try x[0].logSoftmax() }),
        ("layer_norm", { x, _ in try x[0].layerNorm(weight: x[1], bias: x[2]) }),
        ("sdpa_key_mask", { x, f in try scaledDotProductAttention(query: x[0], key: x[1], value: x[2], heads: 2, keyMask: f["mask"]!) }),
        ("sdpa_causal", { x, _ in try scaledDotProductAttention(query: x[0], key: x[1], value: x[2], heads: 2, causal: true) }),
        ("cross_entropy_smooth", { x, f in try crossEntropy(logits: x[0], targets: ints(f["idx"]!), labelSmoothing: 0.1) }),
        ("l1_weighted", { x, f in try l1Loss(x[0], x[1], weights: f["mask"]!) }),
        ("smooth_l1_beta_half", { x, _ in try smoothL1Loss(x[0], x[1], beta: 0.5) }),
        ("mse", { x, _ in try mseLoss(x[0], x[1]) }),
    ]

    @Test(arguments: cases.map(\.0))
    func matchesPyTorch(name: String) throws {
        let f = Self.cases.first { $0.0 == name }!.1
        let fx = try referenceFixture("ops/\(name).safetensors")
        var inputs: [Tensor] = []
        while let t = fx["x\(inputs.count)"] { inputs.append(t); t.requiresGrad = fx["grad\(inputs.count - 1)"] != nil }
        let out = try f(inputs, fx)
        let forward = maxAbsDiff(out, fx["out"]!)
        #expect(forward <= 1e-4, "\(name) forward max |Δ| = \(forward)")
        try out.backward(seed: fx["gout"]!)
        for (i, x) in inputs.enumerated() {
            guard let expected = fx["grad\(i)"] else { continue }
            let got = try #require(x.grad, "\(name): no gradient for input \(i)")
            let rel = maxRelDiff(got, expected)
            #expect(rel <= 1e-3, "\(name) grad\(i) max rel error = \(rel)")
        }
    }
}
