import Foundation
import Testing
import SignCore
import SignNN
import SignONNX
import SignPose
import SignTensor
import SignTestSupport
import SignZooCLI

/// Tiny random-initialised models built from the registry (small configs so parity tests stay fast).
enum TinyModels {
    static let encoderNode = """
        {"type": "encoder/mslu", "gcnWidths": [8, 12], "branchDim": 16, "layers": 1, "heads": 2, "ffnDim": 24,
         "outputDim": 12, "maxFrames": 64, "dropout": 0.1}
        """

    static func registry() throws -> Registry { try PluginSet.builtin.makeRegistry() }

    static func node(_ json: String) throws -> RecipeValue { try RecipeValue.parse(Data(json.utf8), source: "test") }

    /// An MSLU encoder in eval mode with non-trivial BatchNorm running statistics and LayerNorm affines.
    static func encoder(_ json: String = encoderNode, seed: UInt64 = 3) throws -> any PoseEncoder {
        let e = try registry().build(.encoder, from: try node(json), context: BuildContext(seed: seed), as: (any PoseEncoder).self)
        perturbNorms(e, seed: seed &+ 100)
        e.eval()
        return e
    }

    /// A head from `json` over an encoder of width `dim`, with perturbed norms, in eval mode.
    static func head(_ json: String, dim: Int, lists: [String: [String]] = [:], textDim: Int? = nil, seed: UInt64 = 5) throws -> any TaskHead {
        var context = BuildContext(seed: seed, dimensions: ["encoder.dim": dim], lists: lists)
        if let textDim { context.dimensions["text.dim"] = textDim }
        let h = try registry().build(.head, from: try node(json), context: context, as: (any TaskHead).self)
        perturbNorms(h, seed: seed &+ 100)
        h.eval()
        return h
    }

    /// Random running statistics for every BatchNorm1d and random LayerNorm weights/biases, so the
    /// export's folding and affine terms are exercised.
    static func perturbNorms(_ m: Module, seed: UInt64) {
        var rng = RandomStream(seed: seed)
        for (_, child) in m.namedModules() {
            if let bn = child as? BatchNorm1d {
                let mean = Tensor.uniform(bn.runningMean.shape, low: -0.5, high: 0.5, rng: &rng)
                let variance = Tensor.uniform(bn.runningVar.shape, low: 0.5, high: 2, rng: &rng)
                bn.runningMean.pointer.update(from: mean.pointer, count: mean.count)
                bn.runningVar.pointer.update(from: variance.pointer, count: variance.count)
            } else if let ln = child as? LayerNorm {
                for t in [ln.weight, ln.bias].compactMap({ $0 }) {
                    let r = Tensor.uniform(t.shape, low: -0.3, high: 0.3, rng: &rng)
                    for i in 0..<t.count { t.pointer[i] += r.pointer[i] }
                }
            }
        }
    }
}

/// Real-looking random poses [B, T, P, 3] (x, y in about ±1 like normalized poses, scores in
/// [0.3, 1]) and a mask whose clip b has `lengths[b]` valid frames first (a masked tail).
func randomPoseBatch(_ layout: PoseLayout, lengths: [Int], frames: Int, seed: UInt64) throws -> PoseBatch {
    var rng = RandomStream(seed: seed)
    let p = layout.pointCount
    let poses = Tensor.uniform([lengths.count, frames, p, 3], low: -1, high: 1, rng: &rng)
    let scores = Tensor.uniform([lengths.count * frames * p], low: 0.3, high: 1, rng: &rng)
    for i in 0..<(lengths.count * frames * p) { poses.pointer[i * 3 + 2] = scores.pointer[i] }
    let mask = Tensor.zeros([lengths.count, frames])
    for (b, n) in lengths.enumerated() { for t in 0..<n { mask.pointer[b * frames + t] = 1 } }
    return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: lengths.indices.map { "clip\($0)" })
}

/// The shapes every whole-model test runs: batch 1 × 1 frame, and batch 3 × 17 frames (odd) with
/// a masked tail (valid lengths 17, 9, 2).
let modelTestSizes: [(lengths: [Int], frames: Int)] = [([1], 1), ([17, 9, 2], 17)]

/// Runs check_onnx.py on `model` with the engine's `expected` outputs for each size, at each opset
/// (the models are rebuilt per opset by `make`).
func expectModelParity(opsets: [ONNXOpset] = testedOpsets, sizes: [(lengths: [Int], frames: Int)] = modelTestSizes,
                       sourceLocation: SourceLocation = #_sourceLocation,
                       make: (ONNXOpset) throws -> ONNXModel,
                       feeds: (PoseBatch) throws -> (inputs: [String: Tensor], expected: [String: Tensor])) throws {
    for opset in opsets {
        let model = try make(opset)
        for (i, size) in sizes.enumerated() {
            let layout = try PoseLayouts.named(model.metadataProps["pose_layout"] ?? "mslu-79")
            let batch = try randomPoseBatch(layout, lengths: size.lengths, frames: size.frames, seed: UInt64(40 + i))
            let (inputs, expected) = try withNoGrad { try feeds(batch) }
            let report = try runCheck(model, inputs: inputs, expected: expected)
            #expect(report.ok, "opset \(opset.version), size \(size): \(String(describing: report.summary))", sourceLocation: sourceLocation)
            for (name, engine) in expected {
                guard let ort = report.outputs[name] else {
                    Issue.record("no onnxruntime output '\(name)'", sourceLocation: sourceLocation)
                    continue
                }
                #expect(withinTolerance(ort, engine), "opset \(opset.version), size \(size), \(name): max |Δ| \(maxAbsDiff(ort, engine))",
                        sourceLocation: sourceLocation)
            }
        }
    }
}
