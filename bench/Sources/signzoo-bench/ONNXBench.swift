// ONNX benchmark (export issue): `signzoo-bench --only onnx`.
//
// Encoder inference latency of the MSLU encoders of zoo/recipes/encoder-mslu-tiny.json and
// encoder-mslu-base.json (random init, eval mode) at batch 1 × 64 frames and batch 32 × 128 frames:
// SignZoo (`encode` under withNoGrad, Parallel.threads = 2) vs onnxruntime on the same encoder
// exported with SignONNX (opset 17; CPU, intra_op_num_threads 2, ORT_ENABLE_ALL) through
// bench/onnx_latency.py, in the same run on the same inputs. Prints median ms and the ratio
// SignZoo / onnxruntime (target ≤ 1.0). Skips the onnxruntime column with a message when python3
// or onnxruntime is missing.
//
// Environment: SIGNZOO_BENCH_ONNX_STEPS (timed runs per cell, default 5; 3 for base at 32 × 128).
import Foundation
import MSLUEncoder
import SignCore
import SignNN
import SignONNX
import SignPose
import SignTensor

/// Runs `python3 bench/onnx_latency.py …` and returns its JSON (or a "skipped" reason).
private func onnxRuntimeLatency(model: URL, inputs: URL, threads: Int, warmup: Int, steps: Int) -> [String: Any] {
    PythonScript.json("onnx_latency.py", [model.path, inputs.path, "--threads", String(threads), "--warmup", String(warmup), "--steps", String(steps)],
                      stderr: FileHandle.standardError) ?? ["skipped": "python3 bench/onnx_latency.py did not run or failed (onnxruntime missing?)"]
}

func runONNXBench(_ o: Options) throws {
    Parallel.threads = o.threads
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var registry = Registry()
    try MSLUEncoderPlugin.register(in: &registry)
    let layout = try PoseLayouts.named("mslu-79")
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("signzoo-onnx-bench-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let defaultSteps = Int(ProcessInfo.processInfo.environment["SIGNZOO_BENCH_ONNX_STEPS"] ?? "") ?? 5

    print("\nONNX: MSLU encoder inference, SignZoo vs onnxruntime (CPU, \(o.threads) threads, opset 17, median ms)")
    print("encoder      batch×frames   signzoo      onnxruntime   ratio (signzoo/ort)")
    var ortVersion: String?
    for name in ["tiny", "base"] {
        let recipe = root.appendingPathComponent("zoo/recipes/encoder-mslu-\(name).json")
        let node = try RecipeValue.parse(try Data(contentsOf: recipe), source: recipe.path)
        let encoder = try registry.build(.encoder, from: node, context: BuildContext(seed: 0), as: (any PoseEncoder).self)
        encoder.eval()
        let models = try SignModelExport.export(encoder: encoder, head: nil, layout: layout)
        let modelURL = scratch.appendingPathComponent("encoder-\(name).onnx")
        try SignModelExport.write(models, to: modelURL)
        for (b, t) in [(1, 64), (32, 128)] {
            let steps = name == "base" && b == 32 ? min(defaultSteps, 3) : defaultSteps
            let batch = try EngineReference.poses(layout: layout, lengths: Array(repeating: t, count: b), frames: t, seed: 1)
            let swift = try timeIt(warmup: 2, steps: steps) { _ = try withNoGrad { try encoder.encode(batch) } }
            let inputs = scratch.appendingPathComponent("inputs-\(b)x\(t).safetensors")
            try Safetensors.write(["poses": batch.poses, "mask": batch.mask], to: inputs)
            let ort = onnxRuntimeLatency(model: modelURL, inputs: inputs, threads: o.threads, warmup: 2, steps: steps)
            let label = "mslu-\(name)".padding(toLength: 12, withPad: " ", startingAt: 0) + " " + "\(b)×\(t)".padding(toLength: 14, withPad: " ", startingAt: 0)
            if let ms = ort["median_ms"] as? Double {
                ortVersion = ort["onnxruntime"] as? String
                print(label + String(format: "%9.1f    %11.1f    %6.2f", swift.median, ms, swift.median / ms))
            } else {
                print(label + String(format: "%9.1f    %11@    –   (%@)", swift.median, "–", ort["skipped"] as? String ?? "?"))
            }
        }
    }
    print("onnxruntime \(ortVersion ?? "absent"); target ratio ≤ 1.0 (SignZoo no slower than onnxruntime)")
}
