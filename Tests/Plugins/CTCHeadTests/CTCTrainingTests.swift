import Foundation
import Testing
import CTCHead
import SignCore
import SignNN
import SignTensor

/// A training sanity check: on a toy task where each frame token is a noisy one-hot code of the
/// gloss being signed (segments of 4–7 frames, sometimes a gap frame between signs), 100 AdamW steps
/// take the head (downsample 2, one Transformer layer) from ~100 % greedy WER to below 20 % on
/// held-out clips.
@Suite("CTC head training")
struct CTCTrainingTests {
    @Test func learnsAToyRecognitionTask() throws {
        let glosses = 6
        let head = try buildHead(#"{"type": "ctc", "downsample": 2, "dim": 32, "heads": 4, "layers": 1, "ffDim": 64, "dropout": 0}"#,
                                 dim: glosses + 1, glosses: glosses, seed: 7)
        var data = RandomStream(seed: 99)
        let heldOut = try toyBatch(clips: 32, glosses: glosses, maxGlosses: 4, minFrames: 4, maxFrames: 7, rng: &data)
        func heldOutWER() throws -> Double {
            let evaluator = head.makeEvaluator()
            try evaluator.add(heldOut)
            return try evaluator.metrics()["wer"]!
        }
        let before = try heldOutWER()
        let optimizer = try AdamW(parameters: head.namedParameters(), learningRate: 3e-3, weightDecay: 0.01)
        var losses: [Float] = []
        for _ in 0..<100 {
            let batch = try toyBatch(clips: 8, glosses: glosses, maxGlosses: 4, minFrames: 4, maxFrames: 7, rng: &data)
            optimizer.zeroGrad()
            let loss = try head.loss(batch).terms["ctc.loss"]!
            try loss.backward()
            try optimizer.step()
            losses.append(loss.item)
        }
        let after = try heldOutWER()
        #expect(before >= 80, "untrained WER \(before)")
        #expect(after < 20, "trained WER \(after); losses \(losses.prefix(3)) … \(losses.suffix(3))")
        let first: Float = losses.prefix(10).reduce(0, +), last: Float = losses.suffix(10).reduce(0, +)
        #expect(last < first / 4, "loss of the first 10 steps \(first), of the last 10 \(last)")
    }
}
