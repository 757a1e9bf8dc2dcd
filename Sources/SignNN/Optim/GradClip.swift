import SignTensor

/// Clips the global L2 norm of the gradients, as `torch.nn.utils.clip_grad_norm_(norm_type=2)`:
///   N = √(Σ_p Σ_i g_pi²)  over every parameter with a gradient (nil grads are ignored)
///   c = maxNorm / (N + 1e-6);  when c < 1 every gradient is scaled in place by c
/// Returns N, the norm before clipping. A non-finite N (a NaN/Inf gradient) is returned as is and the
/// gradients are left untouched (torch would multiply them by NaN); check it before stepping.
/// The sum of squares runs in fixed 64K-element blocks added in Double, so it has the same bits for
/// any thread count.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var sumSquares = 0.0
    for p in parameters {
        guard let g = p.grad else { continue }
        sumSquares += blockSquares(g)
    }
    let norm = Float(sumSquares.squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    if coefficient < 1 { scaleGrads(parameters, by: coefficient) }
    return norm
}

/// Multiplies every non-nil gradient by `factor` in place: `scaleGrads(ps, by: 1 / Float(microBatches))`
/// turns gradients accumulated over several `backward()` calls into their mean.
public func scaleGrads(_ parameters: [Tensor], by factor: Float) {
    for p in parameters {
        guard let g = p.grad else { continue }
        let G = UnsafeSendable(g.pointer)
        Parallel.chunks(g.count) { s, e in
            let g = G.value
            for i in s..<e { g[i] *= factor }
        }
    }
}

/// Σ g² of one tensor in 64K blocks (SIMD within a block, Double across blocks).
private func blockSquares(_ g: Tensor) -> Double {
    let block = 65_536, n = g.count
    var total = 0.0, start = 0
    while start < n {
        let len = Swift.min(block, n - start)
        total += Double(simdDot(g.pointer + start, g.pointer + start, len))
        start += len
    }
    return total
}
