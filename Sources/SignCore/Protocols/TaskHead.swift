import SignNN
import SignTensor

/// What a head sees for one batch: the encoder's output, the batch (labels, glosses, texts) and,
/// for heads that need it, the frozen text encoder's features of the batch's texts.
public struct HeadInput {
    public var encoded: EncoderOutput
    public var batch: PoseBatch
    public var text: TextFeatures?
    public init(encoded: EncoderOutput, batch: PoseBatch, text: TextFeatures? = nil) {
        self.encoded = encoded; self.batch = batch; self.text = text
    }
}

/// One clip's prediction, as `signzoo predict` prints it.
public enum HeadPrediction: Equatable, Sendable {
    /// Top-k classes with probabilities, best first.
    case classes([(label: String, probability: Float)])
    /// A gloss sequence (CTC decoding).
    case glosses([String])
    /// A generated sentence (translation).
    case text(String)
    /// An embedding (retrieval).
    case embedding([Float])

    public static func == (a: HeadPrediction, b: HeadPrediction) -> Bool {
        switch (a, b) {
        case (.classes(let x), .classes(let y)): return x.map(\.label) == y.map(\.label) && x.map(\.probability) == y.map(\.probability)
        case (.glosses(let x), .glosses(let y)): return x == y
        case (.text(let x), .text(let y)): return x == y
        case (.embedding(let x), .embedding(let y)): return x == y
        default: return false
        }
    }
}

/// Accumulates a head's predictions over an evaluation split and reports its metrics
/// (`top1`, `wer`, `bleu4`, `t2v_r1`, …) plus optional artefacts (a confusion matrix as CSV).
public protocol HeadEvaluator: AnyObject {
    func add(_ input: HeadInput) throws
    func metrics() throws -> [String: Double]
    /// Extra files to write beside the metrics JSON: file name → contents.
    func artefacts() throws -> [String: String]
}

extension HeadEvaluator {
    public func artefacts() throws -> [String: String] { [:] }
}

/// A fine-tuning head (`head/…` plugins) over the pre-trained encoder's tokens.
///
/// Heads get what they need to size themselves (encoder width, label list, gloss or text
/// vocabulary) from the `BuildContext`, and return the same lists from `vocabulary` so a
/// fine-tuned checkpoint carries them and `predict` needs nothing else.
public protocol TaskHead: Module {
    /// Prefix of the head's loss terms and metrics (`islr`, `ctc`, `retrieval`, `translation`).
    var termPrefix: String { get }
    /// Whether `HeadInput.text` must be filled (retrieval).
    var needsText: Bool { get }
    /// The lists the head was built with (`labels`, `glosses`, `vocabulary`) for the checkpoint.
    var vocabulary: [String: [String]] { get }
    /// Training loss terms and cheap batch metrics.
    func loss(_ input: HeadInput) throws -> StepOutput
    /// Inference for each clip of the batch (eval mode, no gradient).
    func predict(_ input: HeadInput, topK: Int) throws -> [HeadPrediction]
    /// A fresh evaluator for a pass over a split.
    func makeEvaluator() -> HeadEvaluator
    /// The evaluator metric that picks the best fine-tuning checkpoint on the validation split
    /// (`top1` ↑, `wer` ↓, …); nil (the default): the last step's weights are kept.
    var selectionMetric: SelectionMetric? { get }
    /// The per-clip annotation the head learns from; fine-tuning drops the clips of a batch that
    /// lack it (`.none`, the default: every clip is used).
    var target: HeadTarget { get }
}

extension TaskHead {
    public var selectionMetric: SelectionMetric? { nil }
    public var target: HeadTarget { .none }
}
