import Foundation
import Testing
import SignTensor
import SignTestSupport

/// CTC loss against `torch.nn.functional.ctc_loss` (fixtures written by
/// converters/python/gen_ctc_fixture.py: float64 torch on float32-rounded log-probabilities), against
/// a hand-computed case, and against finite differences through `logSoftmax`.
@Suite("CTC loss")
struct CTCLossTests {
    static let fixtureCases = ["basic", "repeats", "empty_target", "impossible", "impossible_zero_infinity", "blank_last", "long"]

    struct Fixture {
        let logProbs: Tensor
        let inputLengths: [Int]
        let targets: [[Int]]
        let blank: Int
        let zeroInfinity: Bool
        let f: [String: Tensor]

        init(_ name: String) throws {
            f = try referenceFixture("ctc/\(name).safetensors")
            logProbs = f["log_probs"]!
            inputLengths = ints(f["input_lengths"]!)
            let lengths = ints(f["target_lengths"]!), padded = f["targets"]!, width = padded.shape[1]
            targets = lengths.enumerated().map { b, n in (0..<n).map { Int(padded.pointer[b * width + $0]) } }
            blank = Int(f["blank"]!.item)
            zeroInfinity = f["zero_infinity"]!.item != 0
        }
    }

    /// |a − b| ≤ tol·max(1, |b|), with ±∞ and NaN required in the same places.
    func close(_ a: Float, _ b: Float, tol: Float) -> Bool {
        if b.isNaN { return a.isNaN }
        if b.isInfinite { return a == b }
        return Swift.abs(a - b) <= tol * Swift.max(1, Swift.abs(b))
    }

    @Test(arguments: fixtureCases)
    func matchesTorch(_ name: String) throws {
        let fx = try Fixture(name)
        for reduction in CTCReduction.allCases {
            let x = fx.logProbs.copy()
            x.requiresGrad = true
            let loss = try ctcLoss(logProbs: x, inputLengths: fx.inputLengths, targets: fx.targets, blank: fx.blank,
                                   reduction: reduction, zeroInfinity: fx.zeroInfinity)
            let refLoss = fx.f["loss_\(reduction.rawValue)"]!
            #expect(loss.shape == refLoss.shape, "\(name) \(reduction)")
            for i in 0..<refLoss.count {
                #expect(close(loss.pointer[i], refLoss.pointer[i], tol: 1e-4), "\(name) \(reduction) loss[\(i)]: \(loss.pointer[i]) vs torch \(refLoss.pointer[i])")
            }
            guard reduction != .none else { continue }
            try loss.backward()
            let grad = x.grad!, ref = fx.f["grad_\(reduction.rawValue)"]!
            var worst: Float = 0, mismatchedNaN = 0
            for i in 0..<ref.count {
                let a = grad.pointer[i], r = ref.pointer[i]
                if r.isNaN || a.isNaN { if r.isNaN != a.isNaN { mismatchedNaN += 1 }; continue }
                worst = Swift.max(worst, Swift.abs(a - r) / (Swift.abs(r) + 1e-3))
            }
            #expect(mismatchedNaN == 0, "\(name) \(reduction): NaN gradients differ in \(mismatchedNaN) places")
            #expect(worst <= 1e-3, "\(name) \(reduction): gradient max relative error \(worst)")
        }
    }

    /// Two frames, classes (blank, a) with p(a) = 0.4 in both, target "a": the alignments a a, a −, − a
    /// give p = 0.16 + 0.24 + 0.24 = 0.64, so loss = −ln 0.64 = 0.4462871 (mean divides by L = 1).
    @Test func handComputedTwoFrameExample() throws {
        let lp = try Tensor(shape: [1, 2, 2], data: [logf(0.6), logf(0.4), logf(0.6), logf(0.4)])
        let loss = try ctcLoss(logProbs: lp, inputLengths: [2], targets: [[1]])
        #expect(Swift.abs(loss.item - 0.4462871) < 1e-6)
        // Target "a a" needs a blank between: impossible in 2 frames.
        let impossible = try ctcLoss(logProbs: lp, inputLengths: [2], targets: [[1, 1]], reduction: .none)
        #expect(impossible.item == .infinity)
        let zeroed = try ctcLoss(logProbs: lp, inputLengths: [2], targets: [[1, 1]], reduction: .none, zeroInfinity: true)
        #expect(zeroed.item == 0)
        // No frames: an empty target has probability 1, any other 0.
        let none = try ctcLoss(logProbs: lp, inputLengths: [0], targets: [[]], reduction: .none)
        #expect(none.item == 0)
    }

    @Test(arguments: [CTCReduction.mean, .sum, .none])
    func gradCheckThroughLogSoftmax(_ reduction: CTCReduction) throws {
        let logits = rand([3, 9, 5], seed: 31, std: 1.5)
        let targets = [[1, 2, 2], [4], [3, 1, 3, 4]]
        let report = try gradCheck([logits], eps: 1e-2, atol: 1e-3, rtol: 1e-2, maxPerInput: 135) { x in
            try ctcLoss(logProbs: try x[0].logSoftmax(), inputLengths: [9, 6, 8], targets: targets, reduction: reduction)
        }
        #expect(report.passed, "\(report)")
    }

    @Test func paddingFramesGetNoGradientAndOtherClipsAreIndependent() throws {
        let logits = rand([2, 7, 4], seed: 5)
        let x = try logits.logSoftmax()
        x.requiresGrad = true
        let loss = try ctcLoss(logProbs: x, inputLengths: [7, 3], targets: [[1, 2], [3]], reduction: .sum)
        try loss.backward()
        for t in 3..<7 { for k in 0..<4 { #expect(x.grad![1, t, k] == 0) } }
        // Clip 1 alone gives the same per-clip loss as inside the batch.
        let alone = try ctcLoss(logProbs: try x.detached().slice(axis: 0, start: 1, end: 2), inputLengths: [3], targets: [[3]], reduction: .none)
        let both = try ctcLoss(logProbs: x.detached(), inputLengths: [7, 3], targets: [[1, 2], [3]], reduction: .none)
        #expect(alone.item == both.pointer[1])
    }

    @Test func rejectsBadInputs() throws {
        let lp = try rand([2, 4, 3], seed: 1).logSoftmax()
        #expect(throws: TensorError.self) { try ctcLoss(logProbs: lp, inputLengths: [4], targets: [[1], [2]]) }
        #expect(throws: TensorError.self) { try ctcLoss(logProbs: lp, inputLengths: [4, 5], targets: [[1], [2]]) }
        #expect(throws: TensorError.self) { try ctcLoss(logProbs: lp, inputLengths: [4, 4], targets: [[1], [0]]) }
        #expect(throws: TensorError.self) { try ctcLoss(logProbs: lp, inputLengths: [4, 4], targets: [[1], [3]]) }
        #expect(throws: TensorError.self) { try ctcLoss(logProbs: lp, inputLengths: [4, 4], targets: [[1], [2]], blank: 3) }
        #expect(throws: TensorError.self) { try ctcLoss(logProbs: try lp.reshaped([8, 3]), inputLengths: [4, 4], targets: [[1], [2]]) }
        do {
            _ = try ctcLoss(logProbs: lp, inputLengths: [4, 4], targets: [[1], [2, 0]])
            Issue.record("a blank label was accepted")
        } catch let e as TensorError {
            #expect(e.description.contains("clip 1 label 1 is 0"), "\(e)")
        }
    }
}
