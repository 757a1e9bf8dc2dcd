import Foundation
import SignTensor

/// Per-instance (P-I) top-k accuracy from the rank of each instance's true class (`classRanks`):
///   acc_k = (1/N) Σ_n [rank_n ≤ k]
/// With k ≥ C every instance is a hit. Errors: no instance, k < 1.
public func topKAccuracy(ranks: [Int], k: Int) throws -> Double {
    guard !ranks.isEmpty else { throw TensorError("topKAccuracy", "no instance to score") }
    guard k >= 1 else { throw TensorError("topKAccuracy", "k must be ≥ 1, got \(k)") }
    return Double(ranks.reduce(0) { $0 + ($1 <= k ? 1 : 0) }) / Double(ranks.count)
}

/// Per-class (P-C) top-k accuracy: the mean, over the classes present in `targets`, of each class's
/// own top-k accuracy:
///   acc_k = (1/|C′|) Σ_{c ∈ C′} (1/N_c) Σ_{n: y_n = c} [rank_n ≤ k],   C′ = {c : N_c > 0}
/// Classes absent from the split do not count (for k = 1 this is scikit-learn's
/// `balanced_accuracy_score`). Errors: no instance, mismatched counts, k < 1.
public func perClassTopKAccuracy(targets: [Int], ranks: [Int], k: Int) throws -> Double {
    guard !ranks.isEmpty else { throw TensorError("perClassTopKAccuracy", "no instance to score") }
    guard targets.count == ranks.count else {
        throw TensorError("perClassTopKAccuracy", "\(targets.count) targets for \(ranks.count) ranks")
    }
    guard k >= 1 else { throw TensorError("perClassTopKAccuracy", "k must be ≥ 1, got \(k)") }
    var totals: [Int: (hits: Int, count: Int)] = [:]
    for (y, r) in zip(targets, ranks) {
        let old = totals[y] ?? (0, 0)
        totals[y] = (old.hits + (r <= k ? 1 : 0), old.count + 1)
    }
    // Sum in class order so the result does not depend on dictionary order.
    let perClass = totals.keys.sorted().map { Double(totals[$0]!.hits) / Double(totals[$0]!.count) }
    return perClass.reduce(0, +) / Double(perClass.count)
}

/// A confusion matrix over class indices: `counts[i][j]` = instances of class `classes[i]` predicted
/// as `classes[j]`. `classes` is the sorted union of the true and predicted classes, as in
/// scikit-learn's `confusion_matrix(y_true, y_pred)` without `labels`.
public struct ConfusionMatrix: Equatable, Sendable {
    public let classes: [Int]
    public let counts: [[Int]]

    /// Errors: mismatched counts, no instance.
    public init(targets: [Int], predictions: [Int]) throws {
        guard targets.count == predictions.count else {
            throw TensorError("ConfusionMatrix", "\(targets.count) targets for \(predictions.count) predictions")
        }
        guard !targets.isEmpty else { throw TensorError("ConfusionMatrix", "no instance to count") }
        classes = Set(targets + predictions).sorted()
        var position: [Int: Int] = [:]
        for (i, c) in classes.enumerated() { position[c] = i }
        var m = [[Int]](repeating: [Int](repeating: 0, count: classes.count), count: classes.count)
        for (y, p) in zip(targets, predictions) { m[position[y]!][position[p]!] += 1 }
        counts = m
    }

    /// The matrix as CSV (RFC 4180: fields with a comma, quote or line break are quoted, quotes
    /// doubled; lines end in "\n"). Header row: `true\predicted`, then the predicted classes' names;
    /// each following row: the true class's name, then its counts. `names[c]` names class c.
    /// Errors: a class without a name.
    public func csv(names: [String]) throws -> String {
        if let c = classes.first(where: { $0 < 0 || $0 >= names.count }) {
            throw TensorError("ConfusionMatrix.csv", "class \(c) has no name (\(names.count) names)")
        }
        var out = (["true\\predicted"] + classes.map { names[$0] }).map(csvField).joined(separator: ",") + "\n"
        for (i, c) in classes.enumerated() {
            out += ([csvField(names[c])] + counts[i].map(String.init)).joined(separator: ",") + "\n"
        }
        return out
    }
}

/// One CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled).
public func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
