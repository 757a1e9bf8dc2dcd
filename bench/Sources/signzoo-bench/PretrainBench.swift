// `signzoo-bench --only pretrain`: one pre-training step of zoo/recipes/mslu-base.json (encoder run
// masked for masked pose modeling and unmasked for contrastive learning, pose decoder with the visible
// context, fine-grained InfoNCE, clipping, AdamW — the Trainer's inner loop) on random mslu-79 poses,
// median after warm-up, against the same step in PyTorch (bench/mslu_pretrain_torch_bench.py) when
// torch imports. The frozen text tower is not timed (runs cache its features): both sides use fixed
// random text tokens [B, 16, 384] (MiniLM's width).
import Foundation
import MaskedPoseModeling
import MSLUEncoder
import SignCore
import SignNN
import SignPose
import SignTensor
import SignTextContrastive

/// Fixed random token features per call (the frozen text tower's output, cached in real runs).
final class BenchTextEncoder: TextEncoder {
    let outputDim: Int, tokens: Int
    var modelID: String { "bench-random-\(outputDim)" }
    init(dim: Int, tokens: Int) { outputDim = dim; self.tokens = tokens }
    func encode(_ texts: [String]) throws -> TextFeatures {
        var rng = RandomStream(seed: UInt64(texts.count))
        return TextFeatures(tokens: Tensor.randn([texts.count, tokens, outputDim], rng: &rng), mask: Tensor.ones([texts.count, tokens]))
    }
}

struct PretrainBenchResult { var stepMs: Double; var bestMs: Double; var cpuMs: Double; var parameters: Int }

/// Process CPU time (user + system) in ms.
func cpuTimeMs() -> Double {
    var u = rusage(); getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000 + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000
}

func runPretrainSwift(recipePath: String, batch: Int, frames: Int, threads: Int, warmup: Int, steps: Int) throws -> PretrainBenchResult {
    Parallel.threads = threads
    var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recipePath))) as! [String: Any]
    json["text"] = ["type": "bench-random"]
    let recipe = try PretrainingRecipe(data: try JSONSerialization.data(withJSONObject: json))
    var registry = Registry()
    try MSLUEncoderPlugin.register(in: &registry)
    try MaskedPoseModelingPlugin.register(in: &registry)
    try SignTextContrastivePlugin.register(in: &registry)
    try registry.register(PluginInfo(kind: .text, id: "bench-random", summary: "fixed random text tokens (bench)", origin: "signzoo-bench")) {
        (_: RecipeValue, _: BuildContext) throws -> any TextEncoder in BenchTextEncoder(dim: 384, tokens: 16)
    }
    let objective = try recipe.buildObjective(registry: registry)
    let optimizer = try AdamW(parameters: objective.model.namedParameters().filter { $0.1.requiresGrad },
                              learningRate: recipe.trainer.learningRate, betas: (recipe.trainer.beta1, recipe.trainer.beta2),
                              eps: recipe.trainer.eps, weightDecay: recipe.trainer.weightDecay)
    var rng = RandomStream(seed: 0)
    let layout = try PoseLayouts.named("mslu-79")
    let poses = Tensor.zeros([batch, frames, layout.pointCount, 3])
    for i in 0..<(batch * frames * layout.pointCount) {
        poses.pointer[3 * i] = rng.uniform() * 2 - 1
        poses.pointer[3 * i + 1] = rng.uniform() * 2 - 1
        poses.pointer[3 * i + 2] = 0.3 + 0.7 * rng.uniform()
    }
    let pb = try PoseBatch(poses: poses, mask: Tensor.ones([batch, frames]), layout: layout, ids: (0..<batch).map { "clip\($0)" },
                           texts: (0..<batch).map { "text \($0)" })
    objective.model.train()
    var step = 0
    var cpu: [Double] = []
    let t = try timeIt(warmup: warmup, steps: steps) {
        step += 1
        let c0 = cpuTimeMs()
        defer { if step > warmup { cpu.append(cpuTimeMs() - c0) } }
        optimizer.zeroGrad()
        let out = try objective.compute(pb, step: step, training: true)
        var total: Tensor? = nil
        for (name, term) in out.terms.sorted(by: { $0.key < $1.key }) {
            let w = term * recipe.trainer.weight(of: name)
            total = try total.map { try $0 + w } ?? w
        }
        try total!.backward()
        _ = clipGradNorm(optimizer.parameters.map(\.1), maxNorm: recipe.trainer.clipNorm)
        try optimizer.step()
    }
    return PretrainBenchResult(stepMs: t.median, bestMs: t.best, cpuMs: median(cpu), parameters: objective.model.parameterCount)
}

func runPretrainTorch(recipePath: String, batch: Int, frames: Int, threads: Int, warmup: Int, steps: Int) -> [String: Any]? {
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    check.arguments = ["python3", "-c", "import torch"]
    check.standardOutput = FileHandle.nullDevice
    check.standardError = FileHandle.nullDevice
    do { try check.run() } catch { return nil }
    check.waitUntilExit()
    guard check.terminationStatus == 0 else { return nil }
    return PythonScript.json("mslu_pretrain_torch_bench.py", ["--recipe", recipePath, "--threads", "\(threads)", "--batch", "\(batch)",
                                                              "--frames", "\(frames)", "--warmup", "\(warmup)", "--steps", "\(steps)"])
}

func runPretrainBench(_ o: Options) throws {
    let recipePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo/recipes/mslu-base.json").path
    let (b, f, warmup, steps) = (o.pretrainBatch, o.pretrainFrames, 1, o.pretrainSteps)
    print("SignZoo pre-training benchmark: mslu-base (zoo/recipes/mslu-base.json), masked-pose + sign-text-contrastive, "
          + "batch \(b) × \(f) frames (recipe: 32 × 256; --pt-batch/--pt-frames), \(o.threads) threads, median of \(steps) after \(warmup) warm-up")
    let s = try runPretrainSwift(recipePath: recipePath, batch: b, frames: f, threads: o.threads, warmup: warmup, steps: steps)
    print(String(format: "swift: %.0f ms/step (best %.0f; CPU %.0f ms), %.2f clips/s, %d parameters", s.stepMs, s.bestMs, s.cpuMs,
                 Double(b) / s.stepMs * 1000, s.parameters))
    guard o.torch, let t = runPretrainTorch(recipePath: recipePath, batch: b, frames: f, threads: o.threads, warmup: warmup, steps: steps),
          let tm = t["step_ms"] as? Double else {
        print("torch: absent (python3 -c 'import torch' failed or --no-torch) — the PyTorch ratio is skipped")
        return
    }
    let tc = t["step_cpu_ms"] as? Double ?? .nan
    print(String(format: "torch: %.0f ms/step (CPU %.0f ms), %.2f clips/s, %d parameters (torch %@)", tm, tc, Double(b) / tm * 1000,
                 (t["params"] as? Int) ?? 0, (t["torch"] as? String) ?? "?"))
    print(String(format: "pretrain_ratio = %.3f   (SignZoo / PyTorch wall step time; target ≤ 0.74)\npretrain_cpu_ratio = %.3f   (process CPU time; less sensitive to other load)",
                 s.stepMs / tm, s.cpuMs / tc))
}
