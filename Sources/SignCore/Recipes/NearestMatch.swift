/// Levenshtein distance between two strings (insert, delete, substitute each cost 1).
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// The candidate closest to `s` by edit distance, when it is close enough to be a likely typo
/// (distance ≤ max(2, len/3)) — or the one that contains `s`.
public func nearest(_ s: String, in candidates: [String]) -> String? {
    guard !candidates.isEmpty else { return nil }
    if let c = candidates.first(where: { $0.contains(s) || s.contains($0) }) { return c }
    let scored = candidates.map { ($0, editDistance(s.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }!
    return scored.1 <= Swift.max(2, s.count / 3) ? scored.0 : nil
}
