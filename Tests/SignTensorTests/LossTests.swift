import Testing
import SignTensor
import SignTestSupport

/// Reference values: torch 2.13 CPU, `python converters/python/optim_reference.py` (inputs repeated
/// verbatim there), printed with 9 significant digits and pasted here.
@Suite("Losses")
struct LossTests {
    static let logits: [Float] = [1.5, -0.3, 0.2, 2.0, -1.1,
                                  0.0, 0.5, -0.5, 1.0, 3.0,
                                  -2.0, 0.7, 1.3, -0.4, 0.9,
                                  0.25, 0.25, -1.75, 0.5, 1.25]
    static let targets = [1, -100, 4, 0]

    func expectClose(_ a: Tensor, _ b: [Float], tol: Float = 2e-6, _ what: String) {
        let ref = try! Tensor(shape: a.shape, data: b)
        #expect(maxRelDiff(a, ref, floor: 1e-2) <= tol, "\(what): \(a.toArray()) vs \(b)")
    }

    @Test func crossEntropySmoothingAndIgnoreMatchTorch() throws {
        for (eps, loss, grad): (Float, Float, [Float]) in [
            (0.1, 2.02524614, [0.0987910032, -0.289234608, 0.0220738985, 0.167203635, 0.00116605335, 0, 0, 0, 0, 0,
                               -0.00162529305, 0.068347618, 0.130018264, 0.0183034223, -0.215043992,
                               -0.252356976, 0.0476429909, 0.000683347054, 0.0630683154, 0.140962288]),
            (0, 2.01891279, [0.105457686, -0.315901309, 0.0287405699, 0.173870325, 0.00783272088, 0, 0, 0, 0, 0,
                             0.00504137389, 0.0750142932, 0.136684954, 0.02497009, -0.241710678,
                             -0.279023677, 0.0543096662, 0.00735001452, 0.069734998, 0.147628978]),
        ] {
            let x = try Tensor(shape: [4, 5], data: Self.logits, requiresGrad: true)
            let l = try crossEntropy(logits: x, targets: Self.targets, labelSmoothing: eps)
            #expect(l.shape == [])
            #expect(Swift.abs(l.item - loss) <= 1e-6 * loss, "ε=\(eps): \(l.item) vs \(loss)")
            try l.backward()
            expectClose(x.grad!, grad, "ε=\(eps) grad")
        }
    }

    @Test func crossEntropyHigherRankFlattensLeadingAxes() throws {
        let flat = try Tensor(shape: [4, 5], data: Self.logits)
        let x = try Tensor(shape: [2, 2, 5], data: Self.logits, requiresGrad: true)
        let ref = try crossEntropy(logits: flat, targets: Self.targets, labelSmoothing: 0.1)
        let l = try crossEntropy(logits: x, targets: Self.targets, labelSmoothing: 0.1)
        #expect(l.item == ref.item)
        let asTensor = try crossEntropy(logits: x, targets: try Tensor(shape: [2, 2], data: [1, -100, 4, 0]), labelSmoothing: 0.1)
        #expect(asTensor.item == ref.item)
        try l.backward()
        #expect(x.grad!.shape == [2, 2, 5])
        #expect(x.grad![0, 1, 2] == 0)
    }

    @Test func crossEntropyIsStableForHugeLogits() throws {
        // torch: F.cross_entropy([[1000, 0, -1000], [-500, 500, 0]], [2, 1], label_smoothing=0.2) = 950
        let x = try Tensor(shape: [2, 3], data: [1000, 0, -1000, -500, 500, 0], requiresGrad: true)
        let l = try crossEntropy(logits: x, targets: [2, 1], labelSmoothing: 0.2)
        #expect(l.item == 950)
        try l.backward()
        #expect(x.grad!.allFinite)
    }

    @Test func crossEntropyNonFiniteLogitsFollowTorch() throws {
        // −Inf logits are masked classes: torch loss 0.241553843, grad [0.134470716, 0, -0.134470701,
        // -0.0781026483, 0.0570975989, 0.0210050326]; with ε = 0.1 the loss is +Inf.
        let masked = try Tensor(shape: [2, 3], data: [0, -.infinity, 1, 2, 0, -1], requiresGrad: true)
        let l = try crossEntropy(logits: masked, targets: [2, 0])
        #expect(Swift.abs(l.item - 0.241553843) <= 1e-6)
        try l.backward()
        expectClose(masked.grad!, [0.134470716, 0, -0.134470701, -0.0781026483, 0.0570975989, 0.0210050326], tol: 1e-5, "masked grad")
        #expect(try crossEntropy(logits: masked, targets: [2, 0], labelSmoothing: 0.1).item == .infinity)
        // A NaN or +Inf logit makes the loss NaN (torch: nan, nan) — and its gradient — without trapping;
        // 20 classes take the SIMD NaN scan.
        for bad in [Float.nan, .infinity] {
            var v = (0..<40).map { Float($0 % 7) * 0.3 }
            v[17] = bad
            let x = try Tensor(shape: [2, 20], data: v, requiresGrad: true)
            for eps: Float in [0, 0.1] {
                x.grad = nil
                let l = try crossEntropy(logits: x, targets: [3, 4], labelSmoothing: eps)
                #expect(l.item.isNaN, "\(bad) ε=\(eps)")
                try l.backward()
                #expect(x.grad![0, 0].isNaN && x.grad![1, 0].isFinite)
            }
        }
    }

    @Test func crossEntropyAllIgnoredIsZeroNotNaN() throws {
        let x = try Tensor(shape: [2, 5], data: Array(Self.logits[0..<10]), requiresGrad: true)
        let l = try crossEntropy(logits: x, targets: [-100, -100], labelSmoothing: 0.1)
        #expect(l.item == 0)
        try l.backward()
        #expect(x.grad!.toArray() == [Float](repeating: 0, count: 10))
    }

    @Test func crossEntropyErrorsNameRowTargetAndClasses() throws {
        let x = try Tensor(shape: [4, 5], data: Self.logits)
        #expect(throws: TensorError("crossEntropy", "row 2 has target 5, outside [0, 5) for C = 5 (ignore index is -100)")) {
            try crossEntropy(logits: x, targets: [1, 0, 5, 0])
        }
        #expect(throws: TensorError("crossEntropy", "row 0 has target -1, outside [0, 5) for C = 5 (ignore index is -100)")) {
            try crossEntropy(logits: x, targets: [-1, 0, 0, 0])
        }
        #expect(throws: TensorError("crossEntropy", "logits [4, 5] have 4 rows of 5 classes, got 3 targets")) {
            try crossEntropy(logits: x, targets: [1, 0, 0])
        }
        #expect(throws: TensorError.self) { try crossEntropy(logits: x, targets: [0, 0, 0, 0], labelSmoothing: 1.5) }
    }

    @Test func crossEntropyGradCheck() throws {
        let x = rand([6, 7], seed: 11, std: 2)
        let t = [3, 0, -100, 6, 2, 2]
        for eps: Float in [0, 0.25] {
            let r = try gradCheck([x], eps: 1e-2) { try crossEntropy(logits: $0[0], targets: t, labelSmoothing: eps) }
            #expect(r.passed, "ε=\(eps): \(r)")
        }
        // Wide rows exercise the SIMD max/sum paths and the threaded row split.
        let wide = rand([3, 4, 40], seed: 12)
        let r = try gradCheck([wide]) { try crossEntropy(logits: $0[0], targets: [0, 39, 5, 17, 22, 1, 2, 3, 4, 5, 6, 7], labelSmoothing: 0.1) }
        #expect(r.passed, "wide: \(r)")
    }

    @Test func simdExpMatchesFastMathBits() {
        // The 16-lane exp used by cross-entropy returns the scalar FastMath.exp's bits over its whole range.
        var mismatches = 0
        var x: Float = -100
        while x < 100 {
            let lanes = SIMD16<Float>((0..<16).map { x + Float($0) * 1e-3 })
            let v = FastMath.exp(lanes)
            for j in 0..<16 where v[j].bitPattern != FastMath.exp(lanes[j]).bitPattern { mismatches += 1 }
            x += 0.0137
        }
        #expect(mismatches == 0)
        #expect(FastMath.exp(SIMD16<Float>(repeating: .nan))[0].isNaN)
        #expect(FastMath.exp(SIMD16<Float>(repeating: -.infinity))[0] == FastMath.exp(-.infinity))
    }

    // Regression losses: p and t [2, 3, 2], weights [2, 3, 1].
    static let p: [Float] = [0.3, -1.2, 2.5, 0.0, 1.1, -0.7, 0.9, 0.4, -2.2, 1.6, 0.05, -0.35]
    static let t: [Float] = [0.1, -1.0, 1.5, 0.6, 1.1, 0.2, -0.3, 0.45, -2.0, 0.0, 0.1, -1.35]
    static let w: [Float] = [1.0, 0.5, 0.0, 0.25, 1.0, 0.75]

    @Test func regressionLossesMatchTorch() throws {
        let cases: [(String, (Tensor, Tensor) throws -> Tensor, Float, [Float])] = [
            ("l1", { try l1Loss($0, $1) }, 0.583333313,
             [0.0833333358, -0.0833333358, 0.0833333358, -0.0833333358, 0, -0.0833333358, 0.0833333358, -0.0833333358, -0.0833333358, 0.0833333358, -0.0833333358, 0.0833333358]),
            ("l1 weighted", { try l1Loss($0, $1, weights: try Tensor(shape: [2, 3, 1], data: Self.w)) }, 0.585714281,
             [0.142857149, -0.142857149, 0.0714285746, -0.0714285746, 0, 0, 0.0357142873, -0.0357142873, -0.142857149, 0.142857149, -0.107142866, 0.107142866]),
            ("smoothL1 β=0.5", { try smoothL1Loss($0, $1, beta: 0.5) }, 0.410416633,
             [0.0333333388, -0.0333333425, 0.0833333358, -0.0833333358, 0, -0.0833333358, 0.0833333358, -0.00833333097, -0.0333333425, 0.0833333358, -0.00833333377, 0.0833333358]),
            ("smoothL1 β=1", { try smoothL1Loss($0, $1) }, 0.287291676,
             [0.0166666694, -0.0166666713, 0.0833333358, -0.0500000045, 0, -0.075000003, 0.0833333358, -0.00416666549, -0.0166666713, 0.0833333358, -0.00416666688, 0.0833333358]),
            ("mse", { try mseLoss($0, $1) }, 0.607916653,
             [0.0333333388, -0.0333333425, 0.166666672, -0.100000009, 0, -0.150000006, 0.200000018, -0.00833333097, -0.0333333425, 0.266666681, -0.00833333377, 0.166666672]),
        ]
        for (name, f, loss, grad) in cases {
            let p = try Tensor(shape: [2, 3, 2], data: Self.p, requiresGrad: true)
            let t = try Tensor(shape: [2, 3, 2], data: Self.t, requiresGrad: true)
            let l = try f(p, t)
            #expect(Swift.abs(l.item - loss) <= 1e-6 * loss, "\(name): \(l.item) vs \(loss)")
            try l.backward()
            // Grad of |d| at d = 0 (element 4) is 0 in every loss: torch's subgradient too.
            expectClose(p.grad!, grad, tol: 5e-6, "\(name) dp")
            expectClose(t.grad!, grad.map { -$0 }, tol: 5e-6, "\(name) dt")
        }
    }

    @Test func weightedL1Broadcasts() throws {
        let p = try Tensor(shape: [2, 3, 2], data: Self.p), t = try Tensor(shape: [2, 3, 2], data: Self.t)
        let wGroups = try Tensor(shape: [2, 3, 1], data: Self.w)
        let wFull = try expandedWeights(Self.w, inner: 2)
        // Same-shape weights, prefix-shaped weights and a materialized broadcast ([3, 1] over [2, 3, 2])
        // agree; all-zero weights give 0 and a zero gradient.
        let a = try l1Loss(p, t, weights: wGroups).item, b = try l1Loss(p, t, weights: wFull).item
        #expect(Swift.abs(a - b) <= 1e-7 && Swift.abs(a - 0.585714281) <= 1e-6)
        let wMid = try Tensor(shape: [3, 1], data: [1, 0.5, 0])
        let c = try l1Loss(p, t, weights: wMid).item
        let cRef = try l1Loss(p, t, weights: try expandedWeights([1, 0.5, 0, 1, 0.5, 0], inner: 2)).item
        #expect(Swift.abs(c - cRef) <= 1e-7)
        let scalar = try l1Loss(p, t, weights: Tensor(2)).item
        #expect(Swift.abs(scalar - 0.583333313) <= 1e-6)
        let pg = try Tensor(shape: [2, 3, 2], data: Self.p, requiresGrad: true)
        let zero = try l1Loss(pg, t, weights: Tensor.zeros([2, 3, 1]))
        #expect(zero.item == 0)
        try zero.backward()
        #expect(pg.grad!.toArray().allSatisfy { $0 == 0 })
        #expect(throws: TensorError("l1Loss", "weights [2, 2] do not broadcast to prediction [2, 3, 2]")) {
            try l1Loss(p, t, weights: Tensor.zeros([2, 2]))
        }
        #expect(throws: TensorError("mseLoss", "prediction [2, 3, 2] and target [3, 2] differ in shape")) {
            try mseLoss(p, Tensor.zeros([3, 2]))
        }
    }

    @Test func weightedL1IgnoresNaNUnderZeroWeight() throws {
        var pv = Self.p
        pv[4] = .nan   // point 2 of sample 0 has weight 0
        let p = try Tensor(shape: [2, 3, 2], data: pv, requiresGrad: true), t = try Tensor(shape: [2, 3, 2], data: Self.t)
        let l = try l1Loss(p, t, weights: try Tensor(shape: [2, 3, 1], data: Self.w))
        #expect(Swift.abs(l.item - 0.585714281) <= 1e-6)
        try l.backward()
        #expect(p.grad!.allFinite)
    }

    @Test func largeInputsReduceDeterministically() throws {
        // 100K elements: several reduction blocks, threaded; compare with a Double reference.
        let p = rand([100_000], seed: 21), t = rand([100_000], seed: 22)
        var l1 = 0.0, l2 = 0.0
        for i in 0..<p.count { let d = Double(p.pointer[i] - t.pointer[i]); l1 += Swift.abs(d); l2 += d * d }
        #expect(Swift.abs(Double(try l1Loss(p, t).item) - l1 / 1e5) <= 1e-6 * l1 / 1e5)
        #expect(Swift.abs(Double(try mseLoss(p, t).item) - l2 / 1e5) <= 1e-6 * l2 / 1e5)
        let w = rand([1000, 1], seed: 23).abs()
        let pw = try p.reshaped([1000, 100]), tw = try t.reshaped([1000, 100])
        var num = 0.0, den = 0.0
        for r in 0..<1000 {
            for j in 0..<100 { num += Double(w.pointer[r]) * Double(Swift.abs(pw[r, j] - tw[r, j])) }
            den += 100 * Double(w.pointer[r])
        }
        #expect(Swift.abs(Double(try l1Loss(pw, tw, weights: w).item) - num / den) <= 1e-6 * num / den)
    }

    @Test func regressionLossGradChecks() throws {
        let p = rand([3, 4, 5], seed: 31), t = rand([3, 4, 5], seed: 32)
        let w = rand([3, 4, 1], seed: 33).abs()
        let wFull = rand([3, 4, 5], seed: 34).abs()
        let cases: [(String, ([Tensor]) throws -> Tensor)] = [
            ("l1", { try l1Loss($0[0], $0[1]) }),
            ("l1 weighted groups", { try l1Loss($0[0], $0[1], weights: w) }),
            ("l1 weighted full", { try l1Loss($0[0], $0[1], weights: wFull) }),
            ("smoothL1", { try smoothL1Loss($0[0], $0[1], beta: 0.7) }),
            ("mse", { try mseLoss($0[0], $0[1]) }),
        ]
        for (name, f) in cases {
            // eps below the smallest |p − t| near a kink keeps finite differences on one side.
            let r = try gradCheck([p, t], eps: 1e-3, f)
            #expect(r.passed, "\(name): \(r)")
        }
    }

    func expandedWeights(_ w: [Float], inner: Int) throws -> Tensor {
        try Tensor(shape: [2, 3, inner], data: w.flatMap { [Float](repeating: $0, count: inner) })
    }
}
