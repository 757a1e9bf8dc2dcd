import Testing
import Foundation
import SignTensor
import SignTestSupport

/// Attention by definition from engine ops (per batch and head: matmul, additive −1e9 mask,
/// softmax, matmul), as a second implementation to compare the fused kernel against.
func naiveAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, keyMask: Tensor?, causal: Bool) throws -> Tensor {
    let (b, sq, d) = (q.shape[0], q.shape[1], q.shape[2]), sk = k.shape[1], dh = d / heads
    let out = Tensor.zeros([b, sq, d])
    for bi in 0..<b { for h in 0..<heads {
        func head(_ t: Tensor, _ s: Int) throws -> Tensor {
            var data: [Float] = []
            for i in 0..<s { for j in 0..<dh { data.append(t[bi, i, h * dh + j]) } }
            return try Tensor(shape: [s, dh], data: data)
        }
        var maskData: [Float] = []
        for i in 0..<sq { for j in 0..<sk {
            let visible = (keyMask.map { $0[bi, j] != 0 } ?? true) && (!causal || j <= i)
            maskData.append(visible ? 0 : -1e9)
        } }
        let scores = try head(q, sq).matmul(head(k, sk), transposeOther: true) * (1 / Float(dh).squareRoot())
        let p = try (scores + Tensor(shape: [sq, sk], data: maskData)).softmax()
        let o = try p.matmul(head(v, sk))
        for i in 0..<sq { for j in 0..<dh { out.pointer[(bi * sq + i) * d + h * dh + j] = o[i, j] } }
    } }
    return out
}

@Suite("Scaled dot-product attention")
struct AttentionTests {
    // Fixture: B 2, Sq 3, Sk 4, 2 heads of 2; q, k, v from formulaTensor; batch 1 hides keys 2, 3.
    let q = formulaTensor([2, 3, 4], 0.3, 0.7), k = formulaTensor([2, 4, 4], 0.5, 0.2, 1), v = formulaTensor([2, 4, 4], 0.9, 0.4, 2)
    let keyMask = try! Tensor(shape: [2, 4], data: [1, 1, 1, 1, 1, 1, 0, 0])

    // Expected values: torch.nn.functional.scaled_dot_product_attention (torch 2.13 CPU) with a
    // boolean attn_mask built from the key mask (and tril for causal), heads split as [B, H, S, dh]
    // and merged back (one-off Python session).
    @Test func forwardMatchesTorch() throws {
        let y = try scaledDotProductAttention(query: q, key: k, value: v, heads: 2, keyMask: keyMask)
        #expect(allClose(y, [0.6553771, 0.5384962, 0.06603968, -0.2971767, 0.5767602, 0.4976537, 0.03495637, -0.3814473,
                             0.9159828, 0.6356226, 0.1013983, -0.1670181, 0.5908071, 0.3245545, -0.2820899, 0.04359679,
                             0.5754096, 0.3058494, -0.262444, -0.3054339, 0.4186642, 0.1154337, -0.2568405, -0.4049876], tol: 1e-5))
        let c = try scaledDotProductAttention(query: q, key: k, value: v, heads: 2, keyMask: keyMask, causal: true)
        #expect(allClose(c, [1.409297, 0.6997798, -0.2635045, -0.8187444, 0.8001762, 0.4944635, -0.1905346, -0.703815,
                             1.04055, 0.537522, -0.3302666, -0.4789585, -0.1415142, -0.5650757, -0.3006572, 0.3734641,
                             0.5754096, 0.3058494, -0.262444, -0.3054339, 0.4186642, 0.1154337, -0.2568405, -0.4049876], tol: 1e-5))
    }

    /// Larger shapes (rows of 37 and 70 keys: SIMD body plus tails) against the op-by-op definition.
    @Test(arguments: [(5, 37, false), (70, 70, true), (33, 20, true)])
    func matchesNaiveAttention(sq: Int, sk: Int, causal: Bool) throws {
        let q = rand([2, sq, 12], seed: 1), k = rand([2, sk, 12], seed: 2), v = rand([2, sk, 12], seed: 3)
        var maskData = [Float](repeating: 1, count: 2 * sk)
        for j in (sk - sk / 3)..<sk { maskData[sk + j] = 0 }
        let mask = try Tensor(shape: [2, sk], data: maskData)
        let y = try scaledDotProductAttention(query: q, key: k, value: v, heads: 3, keyMask: mask, causal: causal)
        let ref = try naiveAttention(q, k, v, heads: 3, keyMask: mask, causal: causal)
        #expect(maxAbsDiff(y, ref) < 1e-5)
    }

    @Test func fullyMaskedRowsGiveZerosNotNaN() throws {
        let mask = try Tensor(shape: [2, 4], data: [1, 0, 1, 1, 0, 0, 0, 0])
        let y = try scaledDotProductAttention(query: q, key: k, value: v, heads: 2, keyMask: mask)
        #expect(y.allFinite)
        for i in 0..<3 { for j in 0..<4 { #expect(y[1, i, j] == 0) } }
        #expect(y[0, 0, 0] != 0)
        let r = try gradCheck([q, k, v]) { try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], heads: 2, keyMask: mask) }
        #expect(r.passed, "\(r)")
        #expect(q.grad!.allFinite && k.grad!.allFinite && v.grad!.allFinite)
        for i in 0..<3 { for j in 0..<4 { #expect(q.grad![1, i, j] == 0) } }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gradients(masked: Bool, causal: Bool) throws {
        let q = rand([2, 5, 6], seed: 4), k = rand([2, 19, 6], seed: 5), v = rand([2, 19, 6], seed: 6)
        var maskData = [Float](repeating: 1, count: 38)
        for j in [3, 7, 15, 16, 17, 18] { maskData[19 + j] = 0 }
        let mask = masked ? try Tensor(shape: [2, 19], data: maskData) : nil
        let r = try gradCheck([q, k, v]) { try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], heads: 2, keyMask: mask, causal: causal) }
        #expect(r.passed, "masked \(masked) causal \(causal): \(r)")
    }

    /// Packed layouts give the same values as separate tensors, and their gradients agree with
    /// finite differences (Q, K, V written into column blocks of one gradient).
    @Test func packedLayoutsMatchSeparate() throws {
        let qkv = rand([2, 6, 12], seed: 7)
        func cols(_ t: Tensor, _ c0: Int, _ w: Int) throws -> Tensor {
            var data: [Float] = []
            for r in 0..<(t.count / t.shape[2]) { for j in 0..<w { data.append(t.pointer[r * t.shape[2] + c0 + j]) } }
            return try Tensor(shape: [t.shape[0], t.shape[1], w], data: data)
        }
        let mask = try Tensor(shape: [2, 6], data: [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0])
        let packed = try scaledDotProductAttention(packedQKV: qkv, heads: 2, keyMask: mask, causal: true)
        let separate = try scaledDotProductAttention(query: cols(qkv, 0, 4), key: cols(qkv, 4, 4), value: cols(qkv, 8, 4),
                                                     heads: 2, keyMask: mask, causal: true)
        #expect(maxAbsDiff(packed, separate) < 1e-6)
        let r = try gradCheck([qkv]) { try scaledDotProductAttention(packedQKV: $0[0], heads: 2, keyMask: mask, causal: true) }
        #expect(r.passed, "packedQKV: \(r)")

        let query = rand([2, 3, 4], seed: 8), kv = rand([2, 6, 8], seed: 9)
        let cross = try scaledDotProductAttention(query: query, packedKeyValue: kv, heads: 2, keyMask: mask)
        let crossRef = try scaledDotProductAttention(query: query, key: cols(kv, 0, 4), value: cols(kv, 4, 4), heads: 2, keyMask: mask)
        #expect(maxAbsDiff(cross, crossRef) < 1e-6)
        let rc = try gradCheck([query, kv]) { try scaledDotProductAttention(query: $0[0], packedKeyValue: $0[1], heads: 2, keyMask: mask) }
        #expect(rc.passed, "packedKeyValue: \(rc)")
    }

    /// Self-attention with one tensor as query, key and value: the three gradients add up.
    @Test func sharedInputGradients() throws {
        let x = rand([2, 5, 4], seed: 10)
        let r = try gradCheck([x]) { try scaledDotProductAttention(query: $0[0], key: $0[0], value: $0[0], heads: 2, causal: true) }
        #expect(r.passed, "\(r)")
    }

    @Test func dropoutIsReproducibleAndDifferentiable() throws {
        let q = rand([2, 4, 6], seed: 11), k = rand([2, 40, 6], seed: 12), v = rand([2, 40, 6], seed: 13)
        var a = RandomStream(seed: 3), b = RandomStream(seed: 3)
        let ya = try scaledDotProductAttention(query: q, key: k, value: v, heads: 2, dropout: 0.3, rng: &a)
        let yb = try scaledDotProductAttention(query: q, key: k, value: v, heads: 2, dropout: 0.3, rng: &b)
        #expect(ya.toArray() == yb.toArray())
        let plain = try scaledDotProductAttention(query: q, key: k, value: v, heads: 2)
        #expect(maxAbsDiff(ya, plain) > 1e-3)
        let r = try gradCheck([q, k, v]) { xs in
            var rng = RandomStream(seed: 21)   // the same dropout mask on every evaluation
            return try scaledDotProductAttention(query: xs[0], key: xs[1], value: xs[2], heads: 2, keyMask: nil, causal: true, dropout: 0.3, rng: &rng)
        }
        #expect(r.passed, "\(r)")
    }

    @Test func badShapesThrow() {
        #expect(throws: TensorError("attention", "query width 4 is not a positive multiple of 3 heads")) {
            try scaledDotProductAttention(query: q, key: k, value: v, heads: 3)
        }
        #expect(throws: TensorError("attention", "keyMask [2, 3] must be [2, 4] (batch, keys)")) {
            try scaledDotProductAttention(query: q, key: k, value: v, heads: 2, keyMask: Tensor.ones([2, 3]))
        }
        #expect(throws: TensorError.self) { try scaledDotProductAttention(query: q, key: k, value: q, heads: 2) }
        #expect(throws: TensorError.self) { try scaledDotProductAttention(packedQKV: q, heads: 2) }
    }
}

@Suite("Row-block linear")
struct LinearRowsTests {
    @Test func matchesLinearOnSlicedWeightsAndGradients() throws {
        let x = rand([2, 3, 4], seed: 1), w = rand([9, 4], seed: 2), b = rand([9], seed: 3)
        let y = try x.linear(weight: w, bias: b, outputRows: 3..<7)
        var wData: [Float] = [], bData: [Float] = []
        for r in 3..<7 { for c in 0..<4 { wData.append(w[r, c]) }; bData.append(b[r]) }
        let ref = try x.linear(weight: Tensor(shape: [4, 4], data: wData), bias: Tensor(shape: [4], data: bData))
        #expect(maxAbsDiff(y, ref) < 1e-6)
        let r = try gradCheck([x, w, b]) { try $0[0].linear(weight: $0[1], bias: $0[2], outputRows: 3..<7) }
        #expect(r.passed, "\(r)")
        #expect(w.grad![0, 0] == 0 && w.grad![8, 3] == 0 && b.grad![2] == 0)
        #expect(throws: TensorError.self) { try x.linear(weight: w, bias: b, outputRows: 5..<10) }
    }
}

@Suite("Vectorized activations")
struct VectorizedActivationTests {
    /// 4099 elements: the SIMD16 body, the scalar tail and the thread split all run.
    @Test func geluAndReluMatchDefinition() throws {
        let x = rand([4099], seed: 5, std: 3)
        let g = x.gelu(), r = x.relu()
        for i in stride(from: 0, to: 4099, by: 7) {
            let v = Double(x.pointer[i])
            #expect(Swift.abs(Double(g.pointer[i]) - 0.5 * v * (1 + erf(v / 2.0.squareRoot()))) < 2e-6)
            #expect(r.pointer[i] == Swift.max(x.pointer[i], 0))
        }
        let small = rand([40], seed: 6)
        let rg = try gradCheck([small], eps: 1e-3) { $0[0].gelu() }
        #expect(rg.passed, "\(rg)")
        let s = try (x + x).toArray()
        #expect(s[4098] == 2 * x.pointer[4098] && s[17] == 2 * x.pointer[17])
    }
}
