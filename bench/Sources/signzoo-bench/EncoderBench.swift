import Foundation
import SignTensor
import SignNN

/// The anchor workload of reference/toolchain-notes.md §5: a 4-layer Transformer encoder,
/// d_model 256, 8 heads, FFN 1024, batch 32 × 128 tokens, in two configurations: pre-LN GELU
/// without dropout (the anchor) and PyTorch's default post-LN ReLU with dropout 0.1. Prints the
/// median and best wall time of eval forward (no grad), train-mode forward, and forward + backward
/// of an MSE loss. `bench/torch_encoder_anchor.py` runs the same workloads in PyTorch.
func runEncoderBench() throws {
    try runEncoderBench(activation: .gelu, normFirst: true, dropout: 0)
    try runEncoderBench(activation: .relu, normFirst: false, dropout: 0.1)
}

func runEncoderBench(activation: Activation, normFirst: Bool, dropout: Float) throws {
    var rng = RandomStream(seed: 1)
    let layers = try (0..<4).map { _ in
        try TransformerEncoderLayer(dModel: 256, heads: 8, ffDim: 1024, dropout: dropout, activation: activation,
                                    normFirst: normFirst, rng: &rng)
    }
    let encoder = TransformerEncoder(layers: layers, finalNorm: nil)
    let x = Tensor.randn([32, 128, 256], rng: &rng), target = Tensor.randn([32, 128, 256], rng: &rng)
    print("encoder: 4 layers \(normFirst ? "pre" : "post")-LN \(activation) dropout \(dropout), d 256, 8 heads, ff 1024,",
          "batch 32 × 128, threads \(Parallel.threads)")
    encoder.eval()
    _ = try withNoGrad { try encoder(x) }
    report("eval forward", try timeMedianBest(7) { _ = try withNoGrad { try encoder(x) } })
    encoder.train()
    report("train forward", try timeMedianBest(5) { _ = try encoder(x) })
    report("forward + backward", try timeMedianBest(5) {
        let d = try encoder(x) - target
        try (d * d).mean().backward()
        encoder.zeroGrad()
    })
}

private func report(_ name: String, _ t: (median: Double, best: Double)) {
    print(name.padding(toLength: 20, withPad: " ", startingAt: 0), String(format: "median %7.1f ms   best %7.1f ms", t.median, t.best))
}

/// Median and best wall time in ms over `reps` runs.
private func timeMedianBest(_ reps: Int, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    var times: [Double] = []
    for _ in 0..<reps {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    times.sort()
    return (times[times.count / 2], times[0])
}
