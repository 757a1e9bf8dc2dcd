import SignTensor

/// Recall@K from the 1-based ranks of each query's first correct hit (`retrievalRanks`):
///   R@K = (1/Q) Σ_q [rank_q ≤ K]        (a fraction in [0, 1]; papers print it × 100)
/// Errors: no query, K < 1.
public func recallAtK(ranks: [Int], k: Int) throws -> Double {
    guard !ranks.isEmpty else { throw TensorError("recallAtK", "no query to score") }
    guard k >= 1 else { throw TensorError("recallAtK", "K must be ≥ 1, got \(k)") }
    return Double(ranks.reduce(0) { $0 + ($1 <= k ? 1 : 0) }) / Double(ranks.count)
}

/// Median rank (MedR) of the 1-based ranks, as `numpy.median`: the middle rank for an odd count, the
/// mean of the two middle ranks for an even count (so it may end in .5). Errors: no query.
public func medianRank(_ ranks: [Int]) throws -> Double {
    guard !ranks.isEmpty else { throw TensorError("medianRank", "no query to score") }
    let s = ranks.sorted(), n = s.count
    return n % 2 == 1 ? Double(s[n / 2]) : Double(s[n / 2 - 1] + s[n / 2]) / 2
}
