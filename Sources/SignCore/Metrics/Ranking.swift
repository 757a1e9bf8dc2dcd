import SignTensor

/// How a rank treats items whose score equals the best matching item's.
public enum TieBreaking: String, CaseIterable, Sendable {
    /// Every non-matching item with an equal score ranks ahead of the match (a conservative rank: a
    /// collapsed model whose scores are all equal gets the worst rank, never R@1 = 1). Retrieval default.
    case pessimistic
    /// Every non-matching item with an equal score ranks behind the match (the best case).
    case optimistic
    /// Equal scores are ordered by index, lowest first — the order of a stable descending sort, of
    /// `argmax` (first maximum) and of `topK`. Classification uses it, so top-1 agrees with the
    /// predicted class.
    case byIndex
}

/// The 1-based rank of the best matching item in one row of scores, higher = better.
///
/// With the row's scores s, positives P (non-empty) and p* = max_{i∈P} s_i (i* the lowest index in
/// P with that score):
///   pessimistic: rank = 1 + #{j ∉ P : s_j ≥ p*}
///   optimistic:  rank = 1 + #{j ∉ P : s_j > p*}
///   byIndex:     rank = 1 + #{j ∉ P : s_j > p*  or  (s_j = p* and j < i*)}
/// Other positives never count against the rank (a query with several matches is ranked by its first hit).
/// NaN scores: a NaN positive ranks last (rank = 1 + #negatives); NaN negatives rank behind everything.
public func rankOfBestPositive(_ scores: UnsafePointer<Float>, count: Int, positives: [Int], ties: TieBreaking) -> Int {
    var best = -Float.infinity, bestIndex = Int.max
    var isPositive = [Bool](repeating: false, count: count)
    for p in positives {
        isPositive[p] = true
        let s = scores[p]
        if s > best || (s == best && p < bestIndex) { best = s; bestIndex = p }
    }
    let negatives = count - Set(positives).count
    guard bestIndex != Int.max else { return 1 + negatives }   // all positives NaN
    var ahead = 0
    for j in 0..<count where !isPositive[j] {
        let s = scores[j]
        switch ties {
        case .pessimistic: if s >= best { ahead += 1 }
        case .optimistic: if s > best { ahead += 1 }
        case .byIndex: if s > best || (s == best && j < bestIndex) { ahead += 1 }
        }
    }
    return 1 + ahead
}

/// Ranks of every query of a score matrix: `scores` [Q, G] (row q = query q against the G gallery
/// items), `positives[q]` the gallery items that match query q (non-empty, in 0..<G).
/// Returns the 1-based `rankOfBestPositive` of each row. Rows are ranked in parallel.
public func retrievalRanks(scores: Tensor, positives: [[Int]], ties: TieBreaking) throws -> [Int] {
    guard scores.rank == 2 else { throw TensorError("retrievalRanks", "scores must be [queries, gallery], got \(scores.shape)") }
    let q = scores.shape[0], g = scores.shape[1]
    guard positives.count == q else {
        throw TensorError("retrievalRanks", "\(positives.count) positive lists for \(q) queries (scores \(scores.shape))")
    }
    for (row, list) in positives.enumerated() {
        guard !list.isEmpty else { throw TensorError("retrievalRanks", "query \(row) has no matching gallery item") }
        if let bad = list.first(where: { $0 < 0 || $0 >= g }) {
            throw TensorError("retrievalRanks", "query \(row) lists gallery item \(bad), outside 0..<\(g)")
        }
    }
    let ranks = UnsafeMutableBufferPointer<Int>.allocate(capacity: q)
    defer { ranks.deallocate() }
    let out = UnsafeSendable(ranks.baseAddress!), s = UnsafeSendable(UnsafePointer(scores.pointer))
    Parallel.chunks(q, minPerThread: Swift.max(1, 65_536 / Swift.max(g, 1))) { start, end in
        for row in start..<end {
            out.value[row] = rankOfBestPositive(s.value + row * g, count: g, positives: positives[row], ties: ties)
        }
    }
    return Array(ranks)
}

/// Class ranks of a batch of scores: `scores` [N, C], `targets` the true class of each row (in 0..<C).
/// The rank of the true class among the C classes (1 = the top class), ties as given.
public func classRanks(scores: Tensor, targets: [Int], ties: TieBreaking = .byIndex) throws -> [Int] {
    try retrievalRanks(scores: scores, positives: targets.map { [$0] }, ties: ties)
}

/// The k best entries of one row of scores, best first; equal scores by index, lowest first (a stable
/// descending sort, like `torch.topk` on distinct values and `argmax` for k = 1; NaN last). k is capped at the count.
public func topK(_ scores: UnsafePointer<Float>, count: Int, k: Int) -> [(index: Int, score: Float)] {
    // NaN scores go last; otherwise higher first, then lower index first (a strict weak order).
    let order = (0..<count).sorted { a, b in
        let sa = scores[a], sb = scores[b]
        if sa.isNaN != sb.isNaN { return sb.isNaN }
        if !sa.isNaN && sa != sb { return sa > sb }
        return a < b
    }
    return order.prefix(Swift.max(0, Swift.min(k, count))).map { ($0, scores[$0]) }
}
