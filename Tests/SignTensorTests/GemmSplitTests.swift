import Testing
import SignTensor
import SignTestSupport

@Suite("Thread-split GEMM")
struct GemmSplitTests {
    /// 300×100×200 is above the split threshold: each thread computes a block of C's rows;
    /// 40×500×250 has too few rows, so threads take blocks of columns. Checked against a Double
    /// dot-product reference for every transpose combination, with β = 1.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], [(300, 100, 200), (40, 500, 250)])
    func splitMatchesReference(transposes: (Bool, Bool), size: (Int, Int, Int)) {
        let (ta, tb) = transposes, (m, n, k) = size
        let a = rand(ta ? [k, m] : [m, k], seed: 1), b = rand(tb ? [n, k] : [k, n], seed: 2)
        let c = rand([m, n], seed: 3), c0 = c.copy()
        sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a.pointer, lda: ta ? m : k,
              b: b.pointer, ldb: tb ? k : n, beta: 1, c: c.pointer, ldc: n)
        var worst: Double = 0
        for i in stride(from: 0, to: m, by: 7) { for j in stride(from: 0, to: n, by: 3) {
            var s = 0.0
            for p in 0..<k { s += Double(ta ? a[p, i] : a[i, p]) * Double(tb ? b[j, p] : b[p, j]) }
            worst = Swift.max(worst, Swift.abs(Double(c[i, j]) - (0.5 * s + Double(c0[i, j]))))
        } }
        #expect(worst < 1e-4)
    }
}
