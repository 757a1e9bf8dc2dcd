// SignZoo benchmarks (`make bench`). Never run as tests; tests never assert times.
//
// Anchor workload (foundation issue): 4-layer Transformer encoder, d_model 256, 8 heads, FFN 1024,
// pre-LN, GELU, dropout 0, batch 32 × 128 tokens, MSE loss, AdamW — one training step
// (forward + backward + optimizer) and one eval forward, median of N after warm-up, at 2 threads.
// The same workload runs in PyTorch (bench/torch_anchor.py) in the same invocation when torch
// imports, and the table prints swift_ms / torch_ms.
import Foundation
import SignNN
import SignTensor

struct Options {
    var threads = 2, steps = 10, warmup = 3, batch = 32, seq = 128
    var torch = true
    /// Which benchmarks: anchor, stream, pretrain, onnx (default: all).
    var only: String?
    /// Pre-training bench sizes (`--only pretrain`).
    var pretrainBatch = 8, pretrainFrames = 32, pretrainSteps = 3
    init(_ args: [String]) {
        var i = 0
        while i < args.count {
            let next = i + 1 < args.count ? Int(args[i + 1]) : nil
            switch args[i] {
            case "--threads": threads = next ?? threads; i += 1
            case "--steps": steps = next ?? steps; i += 1
            case "--warmup": warmup = next ?? warmup; i += 1
            case "--batch": batch = next ?? batch; i += 1
            case "--seq": seq = next ?? seq; i += 1
            case "--no-torch": torch = false
            case "--pt-batch": pretrainBatch = next ?? pretrainBatch; i += 1
            case "--pt-frames": pretrainFrames = next ?? pretrainFrames; i += 1
            case "--pt-steps": pretrainSteps = next ?? pretrainSteps; i += 1
            case "--only": only = i + 1 < args.count ? args[i + 1] : nil; i += 1
            default: break
            }
            i += 1
        }
    }
}

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }
func peakRSSMiB() -> Double { var u = rusage(); getrusage(RUSAGE_SELF.rawValue, &u); return Double(u.ru_maxrss) / 1024 }

func timeIt(warmup: Int, steps: Int, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    for _ in 0..<warmup { try body() }
    var ts: [Double] = []
    for _ in 0..<steps { let t0 = now(); try body(); ts.append(now() - t0) }
    return (median(ts), ts.min()!)
}

func runAnchor(_ o: Options) throws -> [String: Double] {
    Parallel.threads = o.threads
    var rng = RandomStream(seed: 0)
    let (d, heads, ff, layers) = (256, 8, 1024, 4)
    let encoder = TransformerEncoder(
        layers: try (0..<layers).map { _ in
            try TransformerEncoderLayer(dModel: d, heads: heads, ffDim: ff, dropout: 0, activation: .gelu, normFirst: true, rng: &rng)
        }, finalNorm: nil)
    let optimizer = try AdamW(parameters: encoder.namedParameters(), learningRate: 1e-4, weightDecay: 0.01)
    let x = Tensor.randn([o.batch, o.seq, d], rng: &rng)
    let target = Tensor.randn([o.batch, o.seq, d], rng: &rng)
    encoder.train()
    let train = try timeIt(warmup: o.warmup, steps: o.steps) {
        optimizer.zeroGrad()
        let loss = try mseLoss(try encoder(x, keyMask: nil), target)
        try loss.backward()
        try optimizer.step()
    }
    let trainRSS = peakRSSMiB()
    encoder.eval()
    let infer = try timeIt(warmup: o.warmup, steps: o.steps) { _ = try withNoGrad { try encoder(x, keyMask: nil) } }
    let tokens = Double(o.batch * o.seq)
    let forwardFlops = Double(layers) * (2 * tokens * Double(d) * Double(4 * d) + 4 * tokens * Double(d * ff)
        + 4 * Double(o.batch) * Double(o.seq * o.seq) * Double(d))
    return ["train_ms": train.median, "train_best_ms": train.best, "infer_ms": infer.median, "infer_best_ms": infer.best,
            "peak_rss_mib": trainRSS, "train_gflops": 3 * forwardFlops / train.median / 1e6,
            "infer_gflops": forwardFlops / infer.median / 1e6]
}

func runTorch(_ o: Options) -> [String: Any]? {
    PythonScript.json("torch_anchor.py", ["--threads", "\(o.threads)", "--steps", "\(o.steps)", "--warmup", "\(o.warmup)",
                                          "--batch", "\(o.batch)", "--seq", "\(o.seq)"])
}

func runAnchorBench(_ o: Options) throws {
    print("SignZoo anchor benchmark: 4-layer encoder d256 h8 ff1024 pre-LN GELU, batch \(o.batch)×\(o.seq), AdamW, \(o.threads) threads, median of \(o.steps) after \(o.warmup) warm-up")
    let s = try runAnchor(o)
    let t = o.torch ? runTorch(o) : nil
    func cell(_ v: Double?) -> String { v.map { String(format: "%9.1f", $0) } ?? "        –" }
    print("")
    print("metric              swift      torch    ratio (swift/torch)")
    for (label, key) in [("train step ms", "train_ms"), ("  best", "train_best_ms"), ("eval forward ms", "infer_ms"), ("  best", "infer_best_ms"), ("peak RSS MiB", "peak_rss_mib")] {
        let tv = t?[key] as? Double
        let ratio = tv.map { String(format: "%6.2f", s[key]! / $0) } ?? "     –"
        print("\(label.padding(toLength: 16, withPad: " ", startingAt: 0))\(cell(s[key]))  \(cell(tv))   \(ratio)")
    }
    print(String(format: "swift GFLOP/s: train %.0f, eval %.0f (forward 27.9 GFLOP at 32×128)", s["train_gflops"]!, s["infer_gflops"]!))
    if let t {
        print(String(format: "train_ratio = %.3f\ninfer_ratio = %.3f\nrss_ratio = %.3f   (torch %@)", s["train_ms"]! / (t["train_ms"] as! Double),
                     s["infer_ms"]! / (t["infer_ms"] as! Double), s["peak_rss_mib"]! / (t["peak_rss_mib"] as! Double), (t["torch"] as? String ?? "?")))
    } else {
        print("torch: absent — PyTorch ratios skipped (pip install torch==2.13.0+cpu)")
    }
}

let o = Options(Array(CommandLine.arguments.dropFirst()))
if o.only == nil || o.only == "anchor" { try runAnchorBench(o) }
if o.only == nil || o.only == "stream" { try runStreamingBench() }
if o.only == nil || o.only == "pretrain" { try runPretrainBench(o) }
if o.only == nil || o.only == "onnx" { try runONNXBench(o) }
