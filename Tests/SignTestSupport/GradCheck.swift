import SignTensor

/// Result of comparing analytic gradients with central finite differences.
public struct GradCheckReport: CustomStringConvertible {
    public var worst: Float = 0          // max over elements of |a − n| / (atol + rtol·|n|)
    public var worstDetail = ""
    public var checked = 0
    /// True when every checked element satisfied |a − n| ≤ atol + rtol·|n|.
    public var passed: Bool { worst <= 1 }
    public var description: String { "checked \(checked) elements, worst ratio \(worst) \(worstDetail)" }
}

/// Checks d(Σ R ⊙ f(inputs))/d(inputs) against central differences (f evaluated in Float32,
/// the projection summed in Double). `R` is a fixed random tensor so every output contributes.
/// At most `maxPerInput` elements per input are perturbed (evenly spaced).
public func gradCheck(_ inputs: [Tensor], eps: Float = 1e-2, atol: Float = 2e-3, rtol: Float = 2e-2,
                      maxPerInput: Int = 64, seed: UInt64 = 7, _ f: ([Tensor]) throws -> Tensor) throws -> GradCheckReport {
    for x in inputs { x.requiresGrad = true; x.grad = nil }
    var rng = RandomStream(seed: seed)
    let out = try f(inputs)
    let r = Tensor.randn(out.shape, rng: &rng)
    func project(_ y: Tensor) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(y.pointer[i]) * Double(r.pointer[i]) }
        return s
    }
    let loss = try (out * r).sum()
    try loss.backward()
    var report = GradCheckReport()
    for (ii, x) in inputs.enumerated() {
        let analytic = x.grad ?? Tensor.zeros(x.shape)
        let step = Swift.max(1, x.count / maxPerInput)
        var i = 0
        while i < x.count {
            let orig = x.pointer[i]
            x.pointer[i] = orig + eps
            let plus = try withNoGrad { project(try f(inputs)) }
            x.pointer[i] = orig - eps
            let minus = try withNoGrad { project(try f(inputs)) }
            x.pointer[i] = orig
            let numeric = Float((plus - minus) / Double(2 * eps))
            let a = analytic.pointer[i]
            let ratio = Swift.abs(a - numeric) / (atol + rtol * Swift.abs(numeric))
            if ratio > report.worst || ratio.isNaN {
                report.worst = ratio.isNaN ? .infinity : ratio
                report.worstDetail = "(input \(ii) element \(i): analytic \(a), numeric \(numeric))"
            }
            report.checked += 1
            i += step
        }
    }
    return report
}

/// Max |a − b| over two tensors of the same shape (∞ when shapes differ).
public func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    var m: Float = 0
    for i in 0..<a.count { m = Swift.max(m, Swift.abs(a.pointer[i] - b.pointer[i])) }
    return m
}

/// Max |a − b| / (|b| + floor) — relative error for gradient fixtures.
public func maxRelDiff(_ a: Tensor, _ b: Tensor, floor: Float = 1e-3) -> Float {
    guard a.shape == b.shape else { return .infinity }
    var m: Float = 0
    for i in 0..<a.count { m = Swift.max(m, Swift.abs(a.pointer[i] - b.pointer[i]) / (Swift.abs(b.pointer[i]) + floor)) }
    return m
}

/// A seeded random tensor for tests.
public func rand(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    var rng = RandomStream(seed: seed)
    return Tensor.randn(shape, std: std, rng: &rng)
}
