import Foundation
import SignTensor

/// Adam with decoupled weight decay, exactly as `torch.optim.AdamW` (amsgrad off). Per parameter p
/// with gradient g, at that parameter's k-th update (k counts only steps where it had a gradient):
///   p ← p·(1 − lr·wd)                                   (decoupled decay, only where the filter says)
///   m ← m + (1 − β₁)·(g − m)                            (torch's lerp; β₁ ≤ 0.5 uses g − (g − m)·β₁)
///   v ← v·β₂ + (1 − β₂)·g·g
///   p ← p − (lr / (1 − β₁ᵏ))·m / (√v / √(1 − β₂ᵏ) + eps)
/// The whole update is one fused element loop per parameter (no temporary tensors), split over
/// threads for tensors above 32K elements; every element is independent, so the bits do not depend on
/// the thread count. Scalars derived from the hyper-parameters (1 − β, bias corrections, 1 − lr·wd,
/// lr / (1 − β₁ᵏ)) are computed in Double from each Float's shortest decimal spelling (0.999, not
/// 0.99900001287) and rounded once, as PyTorch does with the Python floats it is given.
///
/// Per-parameter learning-rate scales (`setLearningRateScales`, e.g. layer-wise decay): parameter i
/// updates with lrᵢ = lr·sᵢ in place of lr above (decay factor 1 − lrᵢ·wd and step size lrᵢ / (1 − β₁ᵏ)),
/// computed in Double before the one rounding to Float, so sᵢ = 1 gives exactly the unscaled bits and
/// sᵢ = 0 leaves the parameter where it is (its moments still advance, as in a torch param group with
/// lr 0). Scales are hyper-parameters, not optimizer state: checkpoints do not store them.
///
/// Default decay filter: decay a parameter iff it has rank ≥ 2, its name's last component is not
/// `bias`, and no component of its name contains `norm` — so biases, norm scales/shifts and every 1-D
/// tensor are excluded (the usual BERT/ViT rule).
public final class AdamW: Optimizer {
    public let parameters: [(String, Tensor)]
    public var learningRate: Float
    public let betas: (Float, Float)
    public let eps: Float
    public let weightDecay: Float
    /// Whether each parameter (same order as `parameters`) gets weight decay.
    public let decays: [Bool]
    public private(set) var stepCount = 0
    /// Learning-rate multiplier of each parameter (same order as `parameters`); 1 unless set.
    public private(set) var learningRateScales: [Double]
    private var slots: [Slot?]

    final class Slot {
        let expAvg: Tensor, expAvgSq: Tensor
        var step: Int
        init(expAvg: Tensor, expAvgSq: Tensor, step: Int) { self.expAvg = expAvg; self.expAvgSq = expAvgSq; self.step = step }
    }

    public init(parameters: [(String, Tensor)], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0.01, decayFilter: ((String, Tensor) -> Bool)? = nil) throws {
        try validateParameters("AdamW", parameters)
        guard learningRate >= 0 else { throw TensorError("AdamW", "learning rate must be ≥ 0, got \(learningRate)") }
        guard (0..<1).contains(betas.0), (0..<1).contains(betas.1) else {
            throw TensorError("AdamW", "betas must be in [0, 1), got (\(betas.0), \(betas.1))")
        }
        guard eps >= 0, weightDecay >= 0 else { throw TensorError("AdamW", "eps and weight decay must be ≥ 0, got \(eps) and \(weightDecay)") }
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        let filter = decayFilter ?? AdamW.defaultDecayFilter
        self.decays = parameters.map { filter($0.0, $0.1) }
        self.slots = Array(repeating: nil, count: parameters.count)
        self.learningRateScales = Array(repeating: 1, count: parameters.count)
    }

    /// Sets the learning-rate multiplier of the named parameters (others keep theirs). Errors: a name
    /// that is not an optimized parameter, a scale that is negative or not finite; then nothing changes.
    public func setLearningRateScales(_ scales: [String: Double]) throws {
        let index = Dictionary(uniqueKeysWithValues: parameters.enumerated().map { ($1.0, $0) })
        var updated = learningRateScales
        for (name, scale) in scales.sorted(by: { $0.key < $1.key }) {
            guard let i = index[name] else { throw TensorError("AdamW", "learning-rate scale for '\(name)', which is not an optimized parameter") }
            guard scale >= 0, scale.isFinite else { throw TensorError("AdamW", "learning-rate scale of '\(name)' must be finite and ≥ 0, got \(scale)") }
            updated[i] = scale
        }
        learningRateScales = updated
    }

    /// Rank ≥ 2, last name component not `bias`, no name component containing `norm`.
    public static func defaultDecayFilter(_ name: String, _ tensor: Tensor) -> Bool {
        let parts = name.split(separator: ".").map { $0.lowercased() }
        return tensor.rank >= 2 && parts.last != "bias" && !parts.contains { $0.contains("norm") }
    }

    public func step() throws {
        try validateGradients("AdamW", parameters)
        stepCount += 1
        let beta2 = betas.1
        let lr = decimalDouble(learningRate), wd = decimalDouble(weightDecay)
        let b1 = decimalDouble(betas.0), b2 = decimalDouble(betas.1)
        for (i, (_, p)) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            let slot: Slot
            if let s = slots[i] { slot = s } else {
                slot = Slot(expAvg: Tensor.zeros(p.shape), expAvgSq: Tensor.zeros(p.shape), step: 0)
                slots[i] = slot
            }
            slot.step += 1
            // Scalars in Double as torch computes them in Python, then rounded once to Float.
            let k = Double(slot.step)
            let biasCorrection1 = 1 - Foundation.pow(b1, k)
            let biasCorrection2Sqrt = (1 - Foundation.pow(b2, k)).squareRoot()
            let lrI = lr * learningRateScales[i]        // exact for a scale of 1
            let decayFactor = decays[i] && weightDecay != 0 ? Float(1 - lrI * wd) : 1
            AdamW.update(p: p.pointer, g: g.pointer, m: slot.expAvg.pointer, v: slot.expAvgSq.pointer, count: p.count,
                         decayFactor: decayFactor, weight1: Float(1 - b1), beta2: beta2, oneMinusBeta2: Float(1 - b2),
                         negStepSize: Float(-(lrI / biasCorrection1)), biasCorrection2Sqrt: Float(biasCorrection2Sqrt), eps: eps)
        }
    }

    /// The fused AdamW element loop (see the type's doc for the math).
    static func update(p: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>,
                       v: UnsafeMutablePointer<Float>, count: Int, decayFactor: Float, weight1: Float, beta2: Float,
                       oneMinusBeta2: Float, negStepSize: Float, biasCorrection2Sqrt: Float, eps: Float) {
        let P = UnsafeSendable(p), G = UnsafeSendable(UnsafePointer(g)), M = UnsafeSendable(m), V = UnsafeSendable(v)
        let weight = weight1, complement = 1 - weight1
        let lerpFromStart = weight < 0.5
        Parallel.chunks(count) { s, e in
            let p = P.value, g = G.value, m = M.value, v = V.value
            var i = s
            while i + 16 <= e {
                let gi = load16(g, i), mOld = load16(m, i)
                let mi = lerpFromStart ? mOld + weight * (gi - mOld) : gi - (gi - mOld) * complement
                let vi = load16(v, i) * beta2 + oneMinusBeta2 * gi * gi
                store16(mi, m, i)
                store16(vi, v, i)
                let denom = vi.squareRoot() / biasCorrection2Sqrt + eps
                store16(load16(p, i) * decayFactor + negStepSize * mi / denom, p, i)
                i += 16
            }
            while i < e {
                let gi = g[i], mOld = m[i]
                let mi = lerpFromStart ? mOld + weight * (gi - mOld) : gi - (gi - mOld) * complement
                let vi = v[i] * beta2 + oneMinusBeta2 * gi * gi
                m[i] = mi
                v[i] = vi
                let denom = vi.squareRoot() / biasCorrection2Sqrt + eps
                p[i] = p[i] * decayFactor + negStepSize * mi / denom
                i += 1
            }
        }
    }

    public func zeroGrad() { for (_, p) in parameters { p.grad = nil } }

    /// `exp_avg.<name>`, `exp_avg_sq.<name>` (live tensors) and `step.<name>` (a scalar: that parameter's
    /// update count) for every parameter that has been updated at least once.
    public func stateTensors() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        for (i, (name, _)) in parameters.enumerated() {
            guard let s = slots[i] else { continue }
            out += [("exp_avg.\(name)", s.expAvg), ("exp_avg_sq.\(name)", s.expAvgSq), ("step.\(name)", Tensor(Float(s.step)))]
        }
        return out
    }

    /// Restores what `stateTensors()` wrote (values are copied). Each parameter needs all three keys or
    /// none (none: fresh state, as before its first update). Unknown keys, unknown parameter names and
    /// shape mismatches throw, and then nothing changes.
    public func loadState(_ tensors: [(String, Tensor)], step: Int) throws {
        guard step >= 0 else { throw TensorError("AdamW.loadState", "step must be ≥ 0, got \(step)") }
        let grouped = try groupState("AdamW.loadState", tensors, kinds: ["exp_avg_sq", "exp_avg", "step"],
                                     scalarKinds: ["step"], parameters: parameters)
        var newSlots: [Slot?] = Array(repeating: nil, count: parameters.count)
        for (i, (name, _)) in parameters.enumerated() {
            guard let entry = grouped[name] else { continue }
            guard let m = entry["exp_avg"], let v = entry["exp_avg_sq"], let k = entry["step"] else {
                throw TensorError("AdamW.loadState", "parameter '\(name)' needs exp_avg, exp_avg_sq and step, got \(entry.keys.sorted().joined(separator: ", "))")
            }
            let kv = k.pointer[0]
            guard kv >= 1, kv == kv.rounded(), kv < 16_777_216 else {
                throw TensorError("AdamW.loadState", "step.\(name) is \(kv), not a positive whole count")
            }
            newSlots[i] = Slot(expAvg: m.copy(), expAvgSq: v.copy(), step: Int(kv))
        }
        slots = newSlots
        stepCount = step
    }
}

/// The Double a Float's shortest decimal spelling denotes: 0.999 for Float(0.999), matching the Python
/// float a PyTorch user writes.
func decimalDouble(_ x: Float) -> Double { Double(x.description) ?? Double(x) }
