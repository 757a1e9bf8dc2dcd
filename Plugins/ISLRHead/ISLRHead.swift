import Foundation
import SignCore
import SignNN
import SignTensor

/// `head/islr`: isolated sign recognition over the encoder's tokens (paper notes §5, the MASA /
/// SignBERT+ head).
///
///   h = AttentionPooling(tokens, mask)       Linear D → 1 score per frame, softmax over valid frames, weighted sum   [B, D]
///   z = classifier(dropout(h))               Linear D → C over `labels`                                              [B, C]
///   islr.ce = crossEntropy(z, labels, label smoothing ε)    clips labelled −100 (unknown) are ignored
///
/// Batch metric `islr.acc`: the share of labelled clips whose arg-max class is their label.
/// `predict` returns the top-k classes with softmax probabilities, best first (equal logits by
/// class index). Parameters: `pooling.score.weight/bias`, `classifier.weight/bias`.
public final class ISLRHead: Module, TaskHead {
    public let pooling: AttentionPooling
    public let dropout: Dropout
    public let classifier: Linear
    /// Class names; class c is `labels[c]`.
    public let labels: [String]
    public let config: ISLRConfig
    /// The encoder width D.
    public let inputDim: Int

    public var termPrefix: String { "islr" }
    public var needsText: Bool { false }
    public var vocabulary: [String: [String]] { ["labels": labels] }
    public var classCount: Int { labels.count }

    /// Errors: a non-positive width, an empty label list, a label given twice.
    public init(config: ISLRConfig, encoderDim: Int, labels: [String], rng: inout RandomStream) throws {
        guard encoderDim > 0 else { throw TensorError("head/islr", "the encoder width must be positive, got \(encoderDim)") }
        guard !labels.isEmpty else { throw TensorError("head/islr", "the label list is empty; ISLR needs at least one class") }
        var seen = Set<String>()
        for (i, l) in labels.enumerated() where !seen.insert(l).inserted {
            throw TensorError("head/islr", "label \"\(l)\" appears twice in the label list (again at index \(i))")
        }
        self.config = config
        self.labels = labels
        inputDim = encoderDim
        pooling = AttentionPooling(encoderDim, rng: &rng)
        classifier = Linear(encoderDim, labels.count, rng: &rng)
        dropout = Dropout(p: Float(config.dropout), seed: rng.next())
        super.init()
    }

    /// Class logits [B, C] of encoded clips (dropout active in training mode).
    public func logits(_ encoded: EncoderOutput) throws -> Tensor {
        guard encoded.tokens.rank == 3, encoded.tokens.shape[2] == inputDim else {
            throw TensorError("head/islr", "expects encoder tokens [B, T, \(inputDim)], got \(encoded.tokens.shape)")
        }
        return try classifier(try dropout(try pooling(encoded.tokens, mask: encoded.mask)))
    }

    /// Logits in eval mode without gradient tracking (the training mode is restored afterwards).
    public func inferenceLogits(_ encoded: EncoderOutput) throws -> Tensor {
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        return try withNoGrad { try logits(encoded) }
    }

    /// The batch's class indices, checked: each in 0..<C or −100 (unknown).
    public func targets(_ batch: PoseBatch) throws -> [Int] {
        guard let labels = batch.labels else {
            throw TensorError("head/islr", "the batch carries no labels (clips \(Self.idList(batch.ids))); ISLR needs a class per clip (−100 for unknown)")
        }
        for (i, y) in labels.enumerated() where y != -100 && (y < 0 || y >= classCount) {
            throw TensorError("head/islr", "clip \(batch.ids[i]) has label \(y), outside 0..<\(classCount) (−100 marks an unknown label)")
        }
        return labels
    }

    public func loss(_ input: HeadInput) throws -> StepOutput {
        let y = try targets(input.batch)
        guard input.encoded.tokens.rank == 3, input.encoded.tokens.shape[0] == y.count else {
            throw TensorError("head/islr", "encoder tokens \(input.encoded.tokens.shape) do not match a batch of \(y.count) clips")
        }
        let z = try logits(input.encoded)
        let ce = try crossEntropy(logits: z, targets: y, labelSmoothing: Float(config.labelSmoothing), ignoreIndex: -100)
        var metrics: [String: Float] = [:]
        let labelled = y.enumerated().filter { $0.element != -100 }
        if !labelled.isEmpty {
            let predicted = z.argmaxLastAxis()
            metrics["islr.acc"] = Float(labelled.filter { predicted[$0.offset] == $0.element }.count) / Float(labelled.count)
        }
        return StepOutput(terms: ["islr.ce": ce], metrics: metrics)
    }

    /// Top-k classes of each clip with softmax probabilities, best first (k capped at C).
    public func predict(_ input: HeadInput, topK k: Int) throws -> [HeadPrediction] {
        guard k >= 1 else { throw TensorError("head/islr", "topK must be ≥ 1, got \(k)") }
        let z = try inferenceLogits(input.encoded)
        let p = try withNoGrad { try z.softmax(axis: -1) }
        let c = classCount
        return (0..<z.shape[0]).map { row in
            .classes(SignCore.topK(z.pointer + row * c, count: c, k: k).map { (labels[$0.index], p.pointer[row * c + $0.index]) })
        }
    }

    public func makeEvaluator() -> HeadEvaluator { ISLREvaluator(head: self) }

    /// Best-checkpoint selection: per-instance top-1 accuracy, higher is better.
    public var selectionMetric: SelectionMetric? { SelectionMetric("top1", higherIsBetter: true) }
    /// Clips without it are dropped from fine-tuning batches.
    public var target: HeadTarget { .label }

    /// `a, b, c` (the first 8 ids, then a count).
    static func idList(_ ids: [String]) -> String {
        ids.count <= 8 ? ids.joined(separator: ", ") : ids.prefix(8).joined(separator: ", ") + ", … (\(ids.count) in all)"
    }
}
