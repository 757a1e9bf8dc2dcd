import SignTensor

/// Stochastic gradient descent with momentum, as `torch.optim.SGD`. Per parameter p with gradient g:
///   d ← g + wd·p                                       (L2 weight decay, when wd ≠ 0)
///   b ← d at the first update, else b·μ + (1 − dampening)·d   (when μ ≠ 0)
///   d ← d + μ·b if nesterov, else b                    (when μ ≠ 0)
///   p ← p − lr·d
/// One fused element loop per parameter, threaded above 32K elements. Weight decay applies to every
/// parameter, as in torch. Nesterov needs μ > 0 and zero dampening (torch's rule).
public final class SGD: Optimizer {
    public let parameters: [(String, Tensor)]
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private var buffers: [Tensor?]

    public init(parameters: [(String, Tensor)], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) throws {
        try validateParameters("SGD", parameters)
        guard learningRate >= 0, momentum >= 0, weightDecay >= 0 else {
            throw TensorError("SGD", "learning rate, momentum and weight decay must be ≥ 0, got \(learningRate), \(momentum), \(weightDecay)")
        }
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw TensorError("SGD", "nesterov momentum needs momentum > 0 and dampening 0, got \(momentum) and \(dampening)")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() throws {
        try validateGradients("SGD", parameters)
        stepCount += 1
        for (i, (_, p)) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            var first = false
            if momentum != 0 && buffers[i] == nil { buffers[i] = Tensor(uninitializedShape: p.shape); first = true }
            SGD.update(p: p.pointer, g: g.pointer, buffer: buffers[i]?.pointer, count: p.count, firstUpdate: first,
                       learningRate: learningRate, momentum: momentum, dampening: dampening, nesterov: nesterov,
                       weightDecay: weightDecay)
        }
    }

    /// The fused SGD element loop (see the type's doc for the math); `buffer` is nil without momentum.
    static func update(p: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, buffer: UnsafeMutablePointer<Float>?,
                       count: Int, firstUpdate: Bool, learningRate: Float, momentum: Float, dampening: Float,
                       nesterov: Bool, weightDecay: Float) {
        let P = UnsafeSendable(p), G = UnsafeSendable(UnsafePointer(g)), B = UnsafeSendable(buffer)
        let negLR = -learningRate, keep = 1 - dampening
        Parallel.chunks(count) { s, e in
            let p = P.value, g = G.value
            var i = s
            guard let b = B.value else {
                while i + 16 <= e {
                    let pi = load16(p, i)
                    let d = weightDecay != 0 ? load16(g, i) + weightDecay * pi : load16(g, i)
                    store16(pi + negLR * d, p, i)
                    i += 16
                }
                while i < e {
                    let d = weightDecay != 0 ? g[i] + weightDecay * p[i] : g[i]
                    p[i] = p[i] + negLR * d
                    i += 1
                }
                return
            }
            while i + 16 <= e {
                let pi = load16(p, i)
                let d = weightDecay != 0 ? load16(g, i) + weightDecay * pi : load16(g, i)
                let bi = firstUpdate ? d : load16(b, i) * momentum + keep * d
                store16(bi, b, i)
                let step = nesterov ? d + momentum * bi : bi
                store16(pi + negLR * step, p, i)
                i += 16
            }
            while i < e {
                let d = weightDecay != 0 ? g[i] + weightDecay * p[i] : g[i]
                let bi = firstUpdate ? d : b[i] * momentum + keep * d
                b[i] = bi
                let step = nesterov ? d + momentum * bi : bi
                p[i] = p[i] + negLR * step
                i += 1
            }
        }
    }

    public func zeroGrad() { for (_, p) in parameters { p.grad = nil } }

    /// `momentum_buffer.<name>` (live tensors) for every parameter that has a buffer.
    public func stateTensors() -> [(String, Tensor)] {
        zip(parameters, buffers).compactMap { param, buffer in buffer.map { ("momentum_buffer.\(param.0)", $0) } }
    }

    /// Restores what `stateTensors()` wrote (values are copied); parameters without a key start with
    /// no buffer. Unknown keys and shape mismatches throw, and then nothing changes.
    public func loadState(_ tensors: [(String, Tensor)], step: Int) throws {
        guard step >= 0 else { throw TensorError("SGD.loadState", "step must be ≥ 0, got \(step)") }
        let grouped = try groupState("SGD.loadState", tensors, kinds: ["momentum_buffer"], parameters: parameters)
        buffers = parameters.map { grouped[$0.0]?["momentum_buffer"]?.copy() }
        stepCount = step
    }
}
