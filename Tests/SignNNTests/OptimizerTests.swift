import Testing
import SignTensor
import SignNN

/// Reference values: torch 2.13 CPU, `python converters/python/optim_reference.py` (the same initial
/// values and gradient sequence), printed with 9 significant digits and pasted here.
@Suite("Optimizers")
struct OptimizerTests {
    static let w0: [Float] = [0.5, -0.25, 1.0, 0.0, 2.0, -1.5]
    static let b0: [Float] = [0.1, -0.2, 0.3]
    static let gw: [[Float]] = [[0.1, -0.2, 0.3, 0.4, -0.5, 0.6], [-0.05, 0.15, 0.0, 1.0, -1.0, 0.25], [0.2, 0.2, -0.3, 0.0, 0.5, -0.75]]
    static let gb: [[Float]] = [[0.01, -0.02, 0.5], [0.3, 0.0, -0.1], [-0.2, 0.4, 0.05]]

    func params() throws -> (Tensor, Tensor) {
        (try Tensor(shape: [2, 3], data: Self.w0, requiresGrad: true), try Tensor(shape: [3], data: Self.b0, requiresGrad: true))
    }

    /// Relative error ≤ tol on every element whose reference exceeds `floor` in magnitude.
    func expectClose(_ a: Tensor, _ b: [Float], tol: Float = 1e-6, floor: Float = 1e-3, _ what: String) {
        let worst = zip(a.toArray(), b).map { Swift.abs($0 - $1) / Swift.max(Swift.abs($1), floor) }.max() ?? 0
        #expect(a.count == b.count && worst <= tol, "\(what): \(a.toArray()) vs \(b) (worst rel \(worst))")
    }

    func runAdamW(_ opt: AdamW, _ w: Tensor, _ b: Tensor, steps: Range<Int>) throws {
        for k in steps {
            w.grad = try Tensor(shape: [2, 3], data: Self.gw[k])
            b.grad = try Tensor(shape: [3], data: Self.gb[k])
            try opt.step()
        }
    }

    @Test func adamWMatchesTorchWithDefaultFilter() throws {
        let (w, b) = try params()
        let opt = try AdamW(parameters: [("fc.weight", w), ("fc.bias", b)], learningRate: 0.01, weightDecay: 0.1)
        #expect(opt.decays == [true, false])
        try runAdamW(opt, w, b, steps: 0..<3)
        expectClose(w, [0.479279667, -0.241832018, 0.98118788, -0.0266316552, 2.01782942, -1.51427233], "W")
        expectClose(b, [0.0809559673, -0.189421222, 0.280334383], "bias without decay")
        let state = Dictionary(uniqueKeysWithValues: opt.stateTensors())
        expectClose(state["exp_avg.fc.weight"]!, [0.0236000009, 0.0173000004, -0.00570000196, 0.122400008, -0.0804999992, -0.00389999733], "exp_avg")
        expectClose(state["exp_avg_sq.fc.weight"]!, [5.24775132e-05, 0.000102397549, 0.000179820112, 0.00115868018, 0.00149850035, 0.000984217972],
                    tol: 2e-6, floor: 1e-6, "exp_avg_sq")
        #expect(state["step.fc.bias"]!.item == 3 && opt.stepCount == 3)
    }

    @Test func adamWDecaysBiasWhenTheFilterSaysSo() throws {
        let (w, b) = try params()
        let opt = try AdamW(parameters: [("fc.weight", w), ("fc.bias", b)], learningRate: 0.01, weightDecay: 0.1,
                            decayFilter: { _, _ in true })
        try runAdamW(opt, w, b, steps: 0..<3)
        expectClose(w, [0.479279667, -0.241832018, 0.98118788, -0.0266316552, 2.01782942, -1.51427233], "W")
        expectClose(b, [0.0806839168, -0.18884851, 0.2794604], "bias with decay")
    }

    @Test func defaultDecayFilterRule() {
        let m = Tensor.zeros([4, 4]), v = Tensor.zeros([4])
        #expect(AdamW.defaultDecayFilter("layers.0.linear1.weight", m))
        #expect(!AdamW.defaultDecayFilter("layers.0.linear1.bias", v))
        #expect(!AdamW.defaultDecayFilter("layers.0.norm1.weight", v))
        #expect(!AdamW.defaultDecayFilter("pos_embedding", v))
        #expect(!AdamW.defaultDecayFilter("encoder.layer_norm.weight", m))
        #expect(!AdamW.defaultDecayFilter("proj.bias", m))
    }

    @Test func adamWResumesWithTheSameBits() throws {
        let (w, b) = try params()
        let straight = try AdamW(parameters: [("w", w), ("b", b)], learningRate: 0.01)
        try runAdamW(straight, w, b, steps: 0..<3)

        let (w2, b2) = try params()
        let first = try AdamW(parameters: [("w", w2), ("b", b2)], learningRate: 0.01)
        try runAdamW(first, w2, b2, steps: 0..<2)
        let saved = first.stateTensors().map { ($0.0, $0.1.copy()) }
        let w3 = w2.copy(), b3 = b2.copy()
        w3.requiresGrad = true; b3.requiresGrad = true
        let resumed = try AdamW(parameters: [("w", w3), ("b", b3)], learningRate: 0.01)
        try resumed.loadState(saved, step: first.stepCount)
        try runAdamW(resumed, w3, b3, steps: 2..<3)
        #expect(w3.toArray().map(\.bitPattern) == w.toArray().map(\.bitPattern))
        #expect(b3.toArray().map(\.bitPattern) == b.toArray().map(\.bitPattern))
        #expect(resumed.stepCount == 3)
        #expect(throws: TensorError("AdamW.loadState", "state key 'exp_avg.nope' names no parameter")) {
            try resumed.loadState([("exp_avg.nope", Tensor.zeros([3]))], step: 1)
        }
        #expect(throws: TensorError("AdamW.loadState", "state 'exp_avg.w' has shape [3], expected [2, 3]")) {
            try resumed.loadState([("exp_avg.w", Tensor.zeros([3]))], step: 1)
        }
        #expect(throws: TensorError("AdamW.loadState", "parameter 'b' needs exp_avg, exp_avg_sq and step, got exp_avg")) {
            try resumed.loadState([("exp_avg.b", Tensor.zeros([3]))], step: 1)
        }
    }

    @Test func adamWSkipsNilGradsAndKeepsPerParameterSteps() throws {
        let (w, b) = try params()
        let opt = try AdamW(parameters: [("w", w), ("b", b)], learningRate: 0.01)
        w.grad = try Tensor(shape: [2, 3], data: Self.gw[0])
        try opt.step()
        #expect(b.toArray() == Self.b0)
        #expect(opt.stateTensors().map(\.0) == ["exp_avg.w", "exp_avg_sq.w", "step.w"])
        // The bias's first update uses its own step count (1), so it moves by lr·sign(g) like a first step.
        w.grad = nil
        b.grad = try Tensor(shape: [3], data: [0.5, -0.5, 0.25])
        try opt.step()
        let moved = zip(b.toArray(), Self.b0).map { $1 - $0 }
        #expect(moved.allSatisfy { Swift.abs(Swift.abs($0) - 0.01) < 1e-6 }, "\(moved)")
        b.grad = Tensor.zeros([2])
        #expect(throws: TensorError("AdamW", "gradient of 'b' has shape [2], parameter has [3]")) { try opt.step() }
    }

    @Test func adamWLargeTensorThreadedMatchesSerial() throws {
        // 100K elements takes the threaded path; the same update done on 1 thread gives the same bits.
        let n = 100_000
        var rng = RandomStream(seed: 5)
        let p0 = Tensor.randn([n], rng: &rng), g = Tensor.randn([n], rng: &rng)
        func run(threads: Int) throws -> [UInt32] {
            let saved = Parallel.threads
            Parallel.threads = threads
            defer { Parallel.threads = saved }
            let p = p0.copy()
            p.requiresGrad = true
            let opt = try AdamW(parameters: [("w", p)], learningRate: 1e-3, decayFilter: { _, _ in true })
            for _ in 0..<2 { p.grad = g.copy(); try opt.step() }
            return p.toArray().map(\.bitPattern)
        }
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(one == two)
        #expect(one != p0.toArray().map(\.bitPattern))
    }

    @Test(arguments: [false, true])
    func sgdMomentumMatchesTorch(nesterov: Bool) throws {
        let (w, _) = try params()
        let opt = try SGD(parameters: [("w", w)], learningRate: 0.1, momentum: 0.9, nesterov: nesterov, weightDecay: 0.01)
        for k in 0..<3 {
            w.grad = try Tensor(shape: [2, 3], data: Self.gw[k])
            try opt.step()
        }
        let (refW, refBuf): ([Float], [Float]) = nesterov
            ? ([0.437227309, -0.258012891, 0.946103632, -0.407787353, 2.33100438, -1.61882961],
               [0.249171779, 0.166839078, -0.0312881172, 1.22033346, -0.746818066, -0.0826801062])
            : ([0.45963037, -0.242959678, 0.943208754, -0.298148036, 2.2639997, -1.62643933],
               [0.249301106, 0.166644305, -0.0307777226, 1.22188032, -0.748476446, -0.0815224051])
        expectClose(w, refW, "W nesterov=\(nesterov)")
        let state = opt.stateTensors()
        #expect(state.map(\.0) == ["momentum_buffer.w"])
        expectClose(state[0].1, refBuf, "buffer nesterov=\(nesterov)")
    }

    @Test func sgdPlainAndResume() throws {
        let (w, _) = try params()
        let opt = try SGD(parameters: [("w", w)], learningRate: 0.5)
        w.grad = try Tensor(shape: [2, 3], data: Self.gw[0])
        try opt.step()
        #expect(w.toArray() == zip(Self.w0, Self.gw[0]).map { $0 + -0.5 * $1 })
        #expect(opt.stateTensors().isEmpty)
        #expect(throws: TensorError.self) { try SGD(parameters: [("w", w)], learningRate: 0.1, nesterov: true) }
        #expect(throws: TensorError("SGD", "parameter name 'w' appears twice")) {
            try SGD(parameters: [("w", w), ("w", Tensor.zeros([1]))], learningRate: 0.1)
        }

        // Momentum state survives a save/load round trip bit for bit.
        let (a, _) = try params(), (c, _) = try params()
        let o1 = try SGD(parameters: [("w", a)], learningRate: 0.1, momentum: 0.9)
        for k in 0..<2 { a.grad = try Tensor(shape: [2, 3], data: Self.gw[k]); try o1.step() }
        c.pointer.update(from: a.pointer, count: 6)
        let o2 = try SGD(parameters: [("w", c)], learningRate: 0.1, momentum: 0.9)
        try o2.loadState(o1.stateTensors(), step: o1.stepCount)
        a.grad = try Tensor(shape: [2, 3], data: Self.gw[2]); try o1.step()
        c.grad = try Tensor(shape: [2, 3], data: Self.gw[2]); try o2.step()
        #expect(a.toArray().map(\.bitPattern) == c.toArray().map(\.bitPattern))
    }

    @Test func zeroGradClearsOnlyOptimizedParameters() throws {
        let (w, b) = try params()
        let opt = try AdamW(parameters: [("w", w)])
        w.grad = Tensor.ones([2, 3]); b.grad = Tensor.ones([3])
        opt.zeroGrad()
        #expect(w.grad == nil && b.grad != nil)
    }
}
