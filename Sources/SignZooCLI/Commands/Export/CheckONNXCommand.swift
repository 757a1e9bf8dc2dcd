import ArgumentParser
import Foundation
import SignCore
import SignNN
import SignONNX
import SignPose
import SignTensor
import CTCHead

/// `signzoo check onnx model.onnx --against CHECKPOINT_DIR [--sizes 1x1,2x17,3x64] [--intermediates]`.
///
/// For each BATCHxFRAMES size it makes real-looking random poses (clips after the first get a
/// masked tail), runs the engine in eval mode, writes the inputs and the engine's outputs as
/// safetensors into `<model>.check/`, and runs converters/python/check_onnx.py (onnx full check,
/// strict shape inference, onnxruntime with optimizations off and on). It prints each output's max
/// abs / rel difference with ✓ / ✗ at |a − b| ≤ 1e-4 + 1e-3·|b|, writes `<model>.check.json`
/// (opset, sha256 of the .onnx, onnxruntime version, max diff — what a zoo `onnx[]` entry records)
/// and exits 1 when any size fails.
struct CheckONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "onnx", abstract: "Check an exported ONNX model against its checkpoint in onnxruntime.")

    @Argument(help: "Exported model (.onnx).") var model: String
    @Option(help: "The checkpoint folder (or zoo id) it was exported from.") var against: String
    @Option(help: "Comma-separated BATCHxFRAMES sizes.") var sizes = "1x1,2x17,3x64"
    @Flag(help: "Expose every node output; compare the engine's module boundaries (encoder tokens / pooled) and name the first divergent node.")
    var intermediates = false
    @Option(help: "Seed of the random inputs.") var seed: UInt64 = 0
    @Option(help: "Python interpreter with onnx, onnxruntime, numpy, safetensors.") var python = "python3"

    func run() throws {
        let modelURL = URL(fileURLWithPath: model)
        guard FileManager.default.fileExists(atPath: modelURL.path) else { throw ValidationError("no such model: \(model)") }
        let parsedSizes = try Self.parseSizes(sizes)
        let info = try Self.modelInfo(modelURL, python: python)
        let metadata = info["metadata"] as? [String: String] ?? [:]
        let role = metadata["role"] ?? "model"
        let source = try CheckpointExportSource.load(try checkpointFolder(against), registry: try ActivePlugins.registry(),
                                                     head: metadata["head"] ?? "none", layout: metadata["pose_layout"])
        if let recorded = metadata["checkpoint_sha256"], recorded != source.metadata["checkpoint_sha256"] {
            print("warning: the model records checkpoint sha256 \(recorded.prefix(12))…, \(against) has \(source.metadata["checkpoint_sha256"]?.prefix(12) ?? "?")…")
        }
        let work = modelURL.deletingPathExtension().appendingPathExtension("check")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let script = try PythonScripts.locate("check_onnx.py")
        let boundaryNames = (metadata["intermediates"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: String]) ?? [:]

        var ok = true, maxDiff = 0.0, ortVersion = "", onnxVersion = "", results: [[String: Any]] = []
        print("\(model) (\(metadata["head"] ?? "encoder"), \(role)) against \(against)")
        for (i, size) in parsedSizes.enumerated() {
            if let ctc = source.head as? CTCHead, size.frames < 1 << ctc.temporal.count {
                print("size \(size.batch)x\(size.frames): skipped (head/ctc downsamples time by \(1 << ctc.temporal.count) and needs at least that many frames)")
                continue
            }
            let lengths = (0..<size.batch).map { b in b == 0 ? size.frames : max(1, size.frames - (b * size.frames) / (size.batch + 1)) }
            let batch = try EngineReference.poses(layout: source.layout, lengths: lengths, frames: size.frames, seed: seed &+ UInt64(i))
            let reference = try EngineReference.run(encoder: source.encoder, head: source.head, text: source.text, role: role, batch: batch, seed: seed &+ UInt64(i))
            let tag = "\(size.batch)x\(size.frames)"
            let inputsURL = work.appendingPathComponent("inputs_\(tag).safetensors")
            let expectedURL = work.appendingPathComponent("engine_\(tag).safetensors")
            try Safetensors.write(reference.inputs, to: inputsURL)
            try Safetensors.write(reference.outputs, to: expectedURL)
            var arguments = [modelURL.path, "--inputs", inputsURL.path, "--expected", expectedURL.path, "--json"]
            if intermediates {
                arguments.append("--intermediates")
                var keyed: [String: Tensor] = [:]
                for (engineName, value) in reference.intermediates { if let node = boundaryNames[engineName] { keyed[node] = value } }
                if !keyed.isEmpty {
                    let url = work.appendingPathComponent("engine_intermediates_\(tag).safetensors")
                    try Safetensors.write(keyed, to: url)
                    arguments += ["--expected-intermediates", url.path]
                }
            }
            let run = try PythonScripts.run(script, arguments, python: python)
            guard let summary = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] else {
                throw CLIError("check_onnx.py failed (exit \(run.status)): \(run.stderr.suffix(2000))")
            }
            ortVersion = summary["onnxruntime_version"] as? String ?? ortVersion
            onnxVersion = summary["onnx_version"] as? String ?? onnxVersion
            let passed = summary["ok"] as? Bool ?? false
            ok = ok && passed
            print("size \(tag) (valid frames \(lengths.map(String.init).joined(separator: ", "))):")
            if let error = summary["error"] as? String { print("  ✗ \(error)") }
            for (name, entry) in (summary["outputs"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
                for level in ["disabled", "enabled"] {
                    guard let c = (entry as? [String: Any])?[level] as? [String: Any] else { continue }
                    let abs = c["max_abs_diff"] as? Double ?? .nan, rel = c["max_rel_diff"] as? Double ?? .nan
                    maxDiff = max(maxDiff, abs.isNaN ? 0 : abs)
                    let mark = (c["ok"] as? Bool ?? false) ? "✓" : "✗"
                    print("  \(mark) \(name) (ort optimizations \(level)): max abs \(String(format: "%.3g", abs))  max rel \(String(format: "%.3g", rel))"
                          + ((c["error"] as? String).map { "  \($0)" } ?? ""))
                }
            }
            if intermediates {
                print("  \(summary["intermediates"] ?? 0) node outputs exposed, \(summary["intermediates_compared"] ?? 0) engine boundaries compared")
                if let d = summary["first_divergence"] as? [String: Any] {
                    print("  ✗ first divergent node: \(d["node"] ?? "?") (\(d["op_type"] ?? "?")), output \(d["output"] ?? "?")")
                }
            }
            results.append(["size": tag, "lengths": lengths, "ok": passed, "outputs": summary["outputs"] ?? [:]])
        }
        guard !results.isEmpty else { throw ValidationError("no size of --sizes \(sizes) can be checked for this model") }
        let opset = (info["opset"] as? [String: Any])?["ai.onnx"] as? Int ?? 0
        let json: [String: Any] = [
            "model": modelURL.lastPathComponent, "role": role, "head": metadata["head"] ?? "none",
            "opset": opset, "sha256": try SHA256.hex(file: modelURL),
            "onnxruntime_version": ortVersion, "onnx_version": onnxVersion,
            "max_abs_diff": maxDiff, "atol": 1e-4, "rtol": 1e-3, "ok": ok,
            "checkpoint_sha256": source.metadata["checkpoint_sha256"] ?? "", "zoo_id": metadata["zoo_id"] ?? NSNull(),
            "sizes": results,
        ]
        let summaryURL = modelURL.deletingPathExtension().appendingPathExtension("check.json")
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]), to: summaryURL)
        print("\(ok ? "✓" : "✗") max abs diff \(String(format: "%.3g", maxDiff)) (onnxruntime \(ortVersion), opset \(opset)); summary \(summaryURL.path)")
        if !ok { throw ExitCode(1) }
    }

    /// "1x1,2x17" → [(1, 1), (2, 17)].
    static func parseSizes(_ text: String) throws -> [(batch: Int, frames: Int)] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: "x").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let b = parts[0], let t = parts[1], b >= 1, t >= 1 else {
                throw ValidationError("--sizes takes BATCHxFRAMES items like 1x1,2x17, got '\(item)'")
            }
            return (b, t)
        }
    }

    /// The model's opset, metadata and interface (converters/python/onnx_info.py).
    static func modelInfo(_ url: URL, python: String) throws -> [String: Any] {
        let run = try PythonScripts.run(try PythonScripts.locate("onnx_info.py"), [url.path], python: python)
        guard run.status == 0, let info = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] else {
            throw CLIError("cannot read \(url.path) with onnx (exit \(run.status)): \(run.stderr.suffix(2000))")
        }
        return info
    }
}
