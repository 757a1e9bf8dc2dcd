import SignCore
import SignTensor

/// Accumulates ISLR results over a split and reports (all fractions in [0, 1]):
/// - `top1`, `top5`: per-instance accuracy (P-I), the share of clips whose label is among the k best classes;
/// - `per_class_top1`, `per_class_top5`: per-class accuracy (P-C), the mean over the classes present in
///   the split of each class's own top-k accuracy (`perClassTopKAccuracy`);
/// - `clips`: clips scored; `unlabelled_clips`: clips skipped because their label is −100.
/// Ranks break equal logits by class index (`TieBreaking.byIndex`), so a top-1 hit is exactly a
/// clip whose predicted (arg-max) class is its label, as in `predict` and the confusion matrix.
/// With C ≤ 5 classes top-5 is 1 by definition.
///
/// Artefact `confusion_matrix.csv`: rows = true class, columns = predicted (arg-max) class, over the
/// classes that occur in the split as a label or a prediction (in class order), named by the label list.
/// Logits are computed in eval mode without gradient.
public final class ISLREvaluator: HeadEvaluator {
    public let head: ISLRHead
    /// Per scored clip: its label, the rank of its label, its arg-max class.
    public private(set) var targets: [Int] = []
    public private(set) var ranks: [Int] = []
    public private(set) var predictions: [Int] = []
    public private(set) var unlabelled = 0

    public init(head: ISLRHead) { self.head = head }

    public func add(_ input: HeadInput) throws {
        let y = try head.targets(input.batch)
        let z = try head.inferenceLogits(input.encoded)
        guard z.shape[0] == y.count else {
            throw TensorError("head/islr evaluator", "encoder tokens \(input.encoded.tokens.shape) do not match a batch of \(y.count) clips")
        }
        let c = head.classCount
        let predicted = z.argmaxLastAxis()
        for (row, label) in y.enumerated() {
            guard label != -100 else { unlabelled += 1; continue }
            targets.append(label)
            ranks.append(rankOfBestPositive(z.pointer + row * c, count: c, positives: [label], ties: .byIndex))
            predictions.append(predicted[row])
        }
    }

    public func metrics() throws -> [String: Double] {
        guard !ranks.isEmpty else {
            throw TensorError("head/islr evaluator", "no labelled clip was evaluated (\(unlabelled) clips had the unknown label −100)")
        }
        return ["top1": try topKAccuracy(ranks: ranks, k: 1),
                "top5": try topKAccuracy(ranks: ranks, k: 5),
                "per_class_top1": try perClassTopKAccuracy(targets: targets, ranks: ranks, k: 1),
                "per_class_top5": try perClassTopKAccuracy(targets: targets, ranks: ranks, k: 5),
                "clips": Double(ranks.count),
                "unlabelled_clips": Double(unlabelled)]
    }

    public func artefacts() throws -> [String: String] {
        guard !ranks.isEmpty else { return [:] }
        return ["confusion_matrix.csv": try ConfusionMatrix(targets: targets, predictions: predictions).csv(names: head.labels)]
    }
}
