import Foundation
import SignNN
import SignTensor

/// The module a fine-tuning run trains and saves: `encoder.*` (from the pre-trained checkpoint)
/// and `head.*` (new).
public final class FinetuneModel: Module {
    public let encoder: Module
    public let head: Module
    public init(encoder: any PoseEncoder, head: any TaskHead) {
        self.encoder = encoder
        self.head = head
        super.init()
    }
}

/// Fine-tuning: the encoder's output on each batch goes to one task head (plus the frozen text
/// encoder's features when the head needs them). Clips without the head's target (a label of −100,
/// no glosses, no text) are dropped from the batch before the encoder, so a manifest mixing labelled
/// and unlabelled clips trains on the labelled ones. `frozenEncoderSteps` keeps the encoder frozen for
/// the first steps (head warm-up); the encoder runs in eval mode and without gradient while frozen.
///
/// `frozenBatchNorm` keeps the encoder's BatchNorm layers in eval mode throughout training (their
/// running statistics neither used nor updated from the batch; scale and shift still learn): with
/// small, heterogeneous real data and length-bucketed batches, batch statistics differ from batch to
/// batch and from what evaluation uses.
///
/// Layer-wise learning-rate decay (`optimizer.layerDecay`) scales the encoder's layers by their depth
/// (`LayerDecay`); the head learns at the full rate. Both combine with the frozen warm-up.
public final class FinetuneObjective: TrainingObjective, LayerDecaying {
    public let encoder: any PoseEncoder
    public let head: any TaskHead
    public let textEncoder: (any TextEncoder)?
    public let frozenEncoderSteps: Int
    public let frozenBatchNorm: Bool
    let container: FinetuneModel
    public var model: Module { container }

    public init(encoder: any PoseEncoder, head: any TaskHead, textEncoder: (any TextEncoder)?, frozenEncoderSteps: Int = 0,
                frozenBatchNorm: Bool = false) throws {
        if head.needsText && textEncoder == nil {
            throw RecipeError(path: "text", message: "head/\(head.termPrefix) needs a text encoder; add a \"text\" node (text/bert or text/precomputed)")
        }
        self.encoder = encoder; self.head = head; self.textEncoder = textEncoder; self.frozenEncoderSteps = frozenEncoderSteps
        self.frozenBatchNorm = frozenBatchNorm
        container = FinetuneModel(encoder: encoder, head: head)
    }

    /// The head's input for a batch: encoder output (+ text features).
    public func headInput(_ batch: PoseBatch, encoderGrad: Bool = true) throws -> HeadInput {
        let encoded = encoderGrad ? try encoder.encode(batch) : try withNoGrad { try encoder.encode(batch) }
        var input = HeadInput(encoded: encoded, batch: batch)
        if head.needsText, let textEncoder {
            guard let texts = batch.texts else { throw RecipeError(path: "data", message: "head/\(head.termPrefix) needs texts; clips \(batch.ids.prefix(3).joined(separator: ", ")) have none") }
            input.text = try withNoGrad { try textEncoder.encode(texts) }
        }
        return input
    }

    /// The batch's clips that carry the head's target (`TaskHead.target`): the batch itself when all
    /// do (or it says nothing either way), nil when none does.
    public func annotatedClips(_ batch: PoseBatch) throws -> PoseBatch? {
        guard let rows = batch.annotatedRows(for: head.target), rows.count < batch.size else { return batch }
        return rows.isEmpty ? nil : try batch.selecting(rows)
    }

    /// The head's loss on the clips that carry its target; a batch without any gives no loss term
    /// (the Trainer then makes no update from it) and the metric `<prefix>.skipped_clips`.
    public func compute(_ batch: PoseBatch, step: Int, training: Bool) throws -> StepOutput {
        guard let batch = try annotatedClips(batch) else {
            return StepOutput(terms: [:], metrics: ["\(head.termPrefix).skipped_clips": Float(batch.size)])
        }
        let frozen = training && step <= frozenEncoderSteps
        let norms = training && frozenBatchNorm && !frozen ? encoder.namedModules().map(\.1).filter { $0 is BatchNorm1d && $0.isTraining } : []
        if frozen { encoder.eval() }
        for m in norms { m.eval() }
        defer {
            if frozen { encoder.train() }
            for m in norms { m.train() }
        }
        return try head.loss(try headInput(batch, encoderGrad: !frozen))
    }

    public func learningRateScales(layerDecay d: Double, parameters: [String]) throws -> [String: Double] {
        try LayerDecay.scales(encoder: encoder, parameters: parameters, decay: d)
    }

    /// The head's metrics over a whole source (eval mode, no gradient; the model's mode is restored),
    /// plus its artefacts. Clips
    /// without the head's text or glosses are left out; label heads see every clip (their evaluator
    /// counts the unlabelled ones).
    public func evaluate(_ source: BatchSource) throws -> (metrics: [String: Double], artefacts: [String: String]) {
        let wasTraining = container.isTraining
        container.eval()
        defer { container.train(wasTraining) }
        let evaluator = head.makeEvaluator()
        try withNoGrad {
            let it = try source.makeIterator(epoch: 0)
            while let whole = try it.next() {
                guard let batch = head.target == .label ? whole : try annotatedClips(whole) else { continue }
                try evaluator.add(try headInput(batch, encoderGrad: false))
            }
        }
        return (try evaluator.metrics(), try evaluator.artefacts())
    }
}
