import Foundation

/// How `ctcLoss` reduces the per-clip losses (PyTorch's `reduction`).
public enum CTCReduction: String, Sendable, CaseIterable {
    /// (1/B)·Σ_b loss_b / max(1, L_b): each clip's loss divided by its target length, then averaged
    /// over the batch (torch's default).
    case mean
    /// Σ_b loss_b.
    case sum
    /// The per-clip losses, shape [B].
    case none
}

/// Connectionist temporal classification loss (Graves et al. 2006), matching
/// `torch.nn.functional.ctc_loss` value for value and gradient for gradient.
///
/// `logProbs` [B, T, C] holds per-frame log-probabilities (normally a `logSoftmax` over C); clip b
/// uses its first `inputLengths[b]` frames and the label sequence `targets[b]` = l_1 … l_L (labels in
/// [0, C), never `blank`). With the extended sequence l′ = (blank, l_1, blank, l_2, …, l_L, blank) of
/// length S = 2L + 1 and y_t(k) = logProbs[b, t, k], everything in log space (⊕ = log-sum-exp):
///   α_0(0) = y_0(blank),  α_0(1) = y_0(l_1)
///   α_t(s) = y_t(l′_s) + [α_{t−1}(s) ⊕ α_{t−1}(s−1) ⊕ α_{t−1}(s−2) if l′_s ≠ blank and l′_s ≠ l′_{s−2}]
///   β_{T−1}(S−1) = y_{T−1}(blank),  β_{T−1}(S−2) = y_{T−1}(l_L)
///   β_t(s) = y_t(l′_s) + [β_{t+1}(s) ⊕ β_{t+1}(s+1) ⊕ β_{t+1}(s+2) if l′_s ≠ blank and l′_s ≠ l′_{s+2}]
///   loss_b = −log p(l | x) = −(α_{T−1}(S−1) ⊕ α_{T−1}(S−2))
/// An alignment that cannot exist (fewer frames than labels plus adjacent repeats) gives loss +∞;
/// with `zeroInfinity` such clips contribute 0 and a zero gradient. A clip with no frames has loss 0
/// for an empty target and +∞ otherwise. The recursions run in Double per clip, clips in parallel.
///
/// Backward, with nll_b = loss_b and g_b the upstream gradient of clip b after the reduction
/// (g for sum, g/(B·max(1, L_b)) for mean, g[b] for none):
///   dy_t(k) = g_b · (e^{y_t(k)} − e^{(⊕_{s: l′_s = k} α_t(s) + β_t(s)) + nll_b − y_t(k)})   for t < T_b,
///   0 on padding frames. α and β both contain y_t(l′_s), hence the − y_t(k).
/// This is the gradient torch returns for `log_probs.grad`: the second term is the exact derivative
/// with respect to the log-probabilities, the first (e^{y}, which sums to 1 over k as does the second)
/// makes it the derivative with respect to the logits of a preceding log-softmax, whose backward
/// (dx = dy − softmax·Σ_k dy_k) then passes it through unchanged. So gradients are right through
/// `logSoftmax`, and a finite-difference check must go through it. Like torch, an impossible clip
/// without `zeroInfinity` gets NaN gradients on its valid frames.
///
/// Errors: logProbs not [B, T, C]; lengths or targets not one per clip; an input length outside
/// [0, T]; a label outside [0, C) or equal to `blank`; `blank` outside [0, C).
public func ctcLoss(logProbs: Tensor, inputLengths: [Int], targets: [[Int]], blank: Int = 0,
                    reduction: CTCReduction = .mean, zeroInfinity: Bool = false) throws -> Tensor {
    let problem = try CTCProblem(logProbs: logProbs, inputLengths: inputLengths, targets: targets, blank: blank)
    let b = problem.batch
    let keepAlpha = GradMode.isEnabled && logProbs.requiresGrad
    var nll = [Double](repeating: 0, count: b)
    var alphas = [[Double]](repeating: [], count: b)
    nll.withUnsafeMutableBufferPointer { nb in
        alphas.withUnsafeMutableBufferPointer { ab in
            let N = UnsafeSendable(nb), A = UnsafeSendable(ab)
            Parallel.forEach(b) { i in
                let alpha = problem.alpha(i)
                N.value[i] = problem.negativeLogLikelihood(i, alpha: alpha)
                if keepAlpha { A.value[i] = alpha }
            }
        }
    }
    let clipLoss = nll.map { zeroInfinity && $0 == .infinity ? 0 : $0 }
    let out: Tensor
    switch reduction {
    case .none:
        out = try Tensor(shape: [b], data: clipLoss.map { Float($0) })
    case .sum:
        out = Tensor(Float(clipLoss.reduce(0, +)))
    case .mean:
        var total = 0.0
        for i in 0..<b { total += clipLoss[i] / Double(Swift.max(1, targets[i].count)) }
        out = Tensor(b == 0 ? 0 : Float(total / Double(b)))
    }

    let alphaTable = alphas, nllTable = nll
    return out.recording("ctc_loss", [logProbs]) { g in
        let scale: [Double] = (0..<b).map { i in
            switch reduction {
            case .none: return Double(g.pointer[i])
            case .sum: return Double(g.item)
            case .mean: return Double(g.item) / Double(b * Swift.max(1, targets[i].count))
            }
        }
        let dx = Tensor.zeros(logProbs.shape)
        let D = UnsafeSendable(dx.pointer)
        Parallel.forEach(b) { i in
            problem.gradient(i, alpha: alphaTable[i], nll: nllTable[i], scale: scale[i], zeroInfinity: zeroInfinity, into: D.value)
        }
        return [dx]
    }
}

/// The validated inputs of one `ctcLoss` call and the per-clip recursions.
struct CTCProblem: @unchecked Sendable {
    let logProbs: UnsafePointer<Float>
    let batch, frames, classes, blank: Int
    let inputLengths: [Int]
    let targets: [[Int]]
    /// Keeps the log-probabilities alive while the pointer is in use.
    let owner: Tensor

    init(logProbs: Tensor, inputLengths: [Int], targets: [[Int]], blank: Int) throws {
        guard logProbs.rank == 3, logProbs.shape[2] > 0 else {
            throw TensorError("ctcLoss", "logProbs must be [B, T, C] with C ≥ 1, got \(fmt(logProbs.shape))")
        }
        let (b, t, c) = (logProbs.shape[0], logProbs.shape[1], logProbs.shape[2])
        guard inputLengths.count == b, targets.count == b else {
            throw TensorError("ctcLoss", "logProbs \(fmt(logProbs.shape)) need \(b) input lengths and \(b) targets, got \(inputLengths.count) and \(targets.count)")
        }
        guard (0..<c).contains(blank) else { throw TensorError("ctcLoss", "blank \(blank) is outside [0, \(c)) for logProbs \(fmt(logProbs.shape))") }
        for (i, n) in inputLengths.enumerated() where n < 0 || n > t {
            throw TensorError("ctcLoss", "clip \(i) has input length \(n), outside [0, \(t)] for logProbs \(fmt(logProbs.shape))")
        }
        for (i, labels) in targets.enumerated() {
            for (j, l) in labels.enumerated() where l < 0 || l >= c || l == blank {
                throw TensorError("ctcLoss", "clip \(i) label \(j) is \(l): labels must lie in [0, \(c)) and differ from the blank \(blank)")
            }
        }
        self.logProbs = UnsafePointer(logProbs.pointer)
        (batch, frames, classes, self.blank) = (b, t, c, blank)
        self.inputLengths = inputLengths
        self.targets = targets
        owner = logProbs
    }

    /// l′_s: the blank on even s, label (s − 1)/2 on odd s.
    @inline(__always) func extended(_ labels: [Int], _ s: Int) -> Int { s & 1 == 0 ? blank : labels[s >> 1] }

    /// Whether s may be entered from s − 2 (a label that differs from the one before it).
    @inline(__always) func canSkip(_ labels: [Int], _ s: Int) -> Bool { s & 1 == 1 && s >= 3 && labels[s >> 1] != labels[(s >> 1) - 1] }

    @inline(__always) func y(_ clip: Int, _ t: Int, _ k: Int) -> Double { Double(logProbs[(clip * frames + t) * classes + k]) }

    /// α of clip `i`, [T_i × S] row-major (empty when T_i = 0).
    func alpha(_ i: Int) -> [Double] {
        let labels = targets[i], s = 2 * labels.count + 1, tb = inputLengths[i]
        guard tb > 0 else { return [] }
        var a = [Double](repeating: -.infinity, count: tb * s)
        a.withUnsafeMutableBufferPointer { a in
            a[0] = y(i, 0, blank)
            if s > 1 { a[1] = y(i, 0, labels[0]) }
            for t in 1..<tb {
                let prev = a.baseAddress! + (t - 1) * s, cur = a.baseAddress! + t * s
                // Only s < 2(t + 1) can be reached after t + 1 frames.
                for j in 0..<Swift.min(s, 2 * (t + 1)) {
                    var v = prev[j]
                    if j >= 1 { v = logAdd(v, prev[j - 1]) }
                    if canSkip(labels, j) { v = logAdd(v, prev[j - 2]) }
                    cur[j] = v == -.infinity ? v : v + y(i, t, extended(labels, j))
                }
            }
        }
        return a
    }

    /// −log p(l | x) of clip `i` from its α.
    func negativeLogLikelihood(_ i: Int, alpha: [Double]) -> Double {
        let s = 2 * targets[i].count + 1, tb = inputLengths[i]
        guard tb > 0 else { return targets[i].isEmpty ? 0 : .infinity }
        let last = (tb - 1) * s
        let p = s > 1 ? logAdd(alpha[last + s - 1], alpha[last + s - 2]) : alpha[last + s - 1]
        return -p
    }

    /// β of clip `i`, [T_i × S] row-major.
    func beta(_ i: Int) -> [Double] {
        let labels = targets[i], s = 2 * labels.count + 1, tb = inputLengths[i]
        var b = [Double](repeating: -.infinity, count: tb * s)
        b.withUnsafeMutableBufferPointer { b in
            let lastRow = b.baseAddress! + (tb - 1) * s
            lastRow[s - 1] = y(i, tb - 1, blank)
            if s > 1 { lastRow[s - 2] = y(i, tb - 1, labels[labels.count - 1]) }
            var t = tb - 2
            while t >= 0 {
                let next = b.baseAddress! + (t + 1) * s, cur = b.baseAddress! + t * s
                // Only s ≥ S − 2(T_i − t) can still reach the end.
                for j in Swift.max(0, s - 2 * (tb - t))..<s {
                    var v = next[j]
                    if j + 1 < s { v = logAdd(v, next[j + 1]) }
                    if j + 2 < s && canSkip(labels, j + 2) { v = logAdd(v, next[j + 2]) }
                    cur[j] = v == -.infinity ? v : v + y(i, t, extended(labels, j))
                }
                t -= 1
            }
        }
        return b
    }

    /// Writes clip `i`'s gradient rows (see `ctcLoss`) into `dx` (zeros beyond its input length).
    func gradient(_ i: Int, alpha: [Double], nll: Double, scale: Double, zeroInfinity: Bool, into dx: UnsafeMutablePointer<Float>) {
        let tb = inputLengths[i], c = classes
        guard tb > 0 else { return }
        let rows = dx + i * frames * c
        if nll == .infinity {
            if !zeroInfinity { rows.update(repeating: .nan, count: tb * c) }
            return
        }
        let labels = targets[i], s = 2 * labels.count + 1
        let beta = beta(i)
        // Distinct classes of l′ and, for each s, its slot among them.
        var classesUsed: [Int] = [blank]
        var slot = [Int](repeating: 0, count: s)
        for j in stride(from: 1, to: s, by: 2) {
            if let k = classesUsed.firstIndex(of: labels[j >> 1]) { slot[j] = k }
            else { slot[j] = classesUsed.count; classesUsed.append(labels[j >> 1]) }
        }
        var logAB = [Double](repeating: -.infinity, count: classesUsed.count)
        let g = Float(scale)
        for t in 0..<tb {
            let src = logProbs + (i * frames + t) * c, dst = rows + t * c
            var k = 0
            while k + 16 <= c { store16(g * FastMath.exp(load16(src, k)), dst, k); k += 16 }
            while k < c { dst[k] = g * FastMath.exp(src[k]); k += 1 }
            for u in 0..<logAB.count { logAB[u] = -.infinity }
            for j in 0..<s { logAB[slot[j]] = logAdd(logAB[slot[j]], alpha[t * s + j] + beta[t * s + j]) }
            for (u, k) in classesUsed.enumerated() where logAB[u] > -.infinity {
                let yk = Double(src[k])
                dst[k] = Float(scale * (Foundation.exp(yk) - Foundation.exp(logAB[u] + nll - yk)))
            }
        }
    }
}

/// log(e^a + e^b) without overflow; −∞ is the identity.
@inline(__always) func logAdd(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + Foundation.log1p(Foundation.exp(b - a)) : b + Foundation.log1p(Foundation.exp(a - b))
}
