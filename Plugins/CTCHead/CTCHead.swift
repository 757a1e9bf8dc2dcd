import SignCore
import SignNN
import SignPose
import SignTensor

/// What the head computes for a batch: per-frame log-probabilities over blank + glosses and the
/// valid (downsampled) frames of each clip.
public struct CTCHeadOutput {
    /// [B, T′, G + 1]; class 0 is the blank, class g + 1 the gloss with id g.
    public var logProbs: Tensor
    /// Valid frames of each clip after downsampling (the CTC input lengths).
    public var lengths: [Int]
    /// [B, T′] 1 for the first `lengths[b]` frames.
    public var mask: Tensor
}

/// `head/ctc`: continuous sign language recognition over the encoder's per-frame tokens
/// (paper notes §5 [G]):
///
///   x = tokens ⊙ mask                                   [B, T, D], padding zeroed
///   x = temporal blocks (0, 1 or 2 × Conv k5 + BN + ReLU + MaxPool 2), or Linear D → d
///   x = pre-LN Transformer layers (key padding mask) + final LayerNorm   (model "transformer")
///   log p = logSoftmax(classifier(x))                   [B, T′, G + 1], blank = 0
///
/// Gloss ids in `PoseBatch.glosses` index the build context's `glosses` list (0-based), so gloss g
/// is class g + 1. Loss: `ctc.loss` = CTC (zero-infinity by default); metrics `ctc.infeasible`
/// (clips with fewer frames than their glosses need), `ctc.frames` (mean T′ per clip) and
/// `ctc.greedy_wer` (percent, group costs, best-path decoding of the training batch).
/// The encoder mask must mark a prefix of each clip's frames as valid (padding at the end).
public final class CTCHead: Module, TaskHead {
    public let temporal: [TemporalConvBlock]
    public let inputProjection: Linear?
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm?
    public let classifier: Linear
    public let config: CTCHeadConfig
    public let glosses: [String]
    public let inputDim: Int

    public var termPrefix: String { "ctc" }
    public var needsText: Bool { false }
    public var vocabulary: [String: [String]] { ["glosses": glosses] }

    /// Throws on an invalid config, an empty or repeating gloss list, or a non-positive width.
    public init(config: CTCHeadConfig, inputDim: Int, glosses: [String], rng: inout RandomStream) throws {
        try config.validate()
        guard inputDim >= 1 else { throw TensorError("head/ctc", "encoder width must be ≥ 1, got \(inputDim)") }
        guard !glosses.isEmpty else { throw TensorError("head/ctc", "the gloss list is empty; a CTC head needs at least one gloss") }
        var seen = Set<String>()
        for g in glosses where !seen.insert(g).inserted {
            throw TensorError("head/ctc", "gloss \"\(g)\" appears twice in the gloss list")
        }
        self.config = config
        self.glosses = glosses
        self.inputDim = inputDim
        temporal = try (0..<config.temporalBlocks).map { i in
            try TemporalConvBlock(inChannels: i == 0 ? inputDim : config.dim, outChannels: config.dim, rng: &rng)
        }
        inputProjection = config.temporalBlocks == 0 ? Linear(inputDim, config.dim, rng: &rng) : nil
        let depth = config.model == .transformer ? config.layers : 0
        layers = try (0..<depth).map { _ in
            try TransformerEncoderLayer(dModel: config.dim, heads: config.heads, ffDim: config.ffDim, dropout: Float(config.dropout),
                                        activation: .gelu, normFirst: true, rng: &rng)
        }
        norm = depth > 0 ? LayerNorm(config.dim) : nil
        classifier = Linear(config.dim, glosses.count + 1, rng: &rng)
        super.init()
    }

    /// Encoder output → log-probabilities and CTC input lengths.
    public func callAsFunction(_ encoded: EncoderOutput) throws -> CTCHeadOutput {
        let tokens = encoded.tokens
        guard tokens.rank == 3, tokens.shape[2] == inputDim else {
            throw TensorError("head/ctc", "encoder tokens must be [B, T, \(inputDim)], got \(tokens.shape)")
        }
        let b = tokens.shape[0], t = tokens.shape[1]
        guard encoded.mask.shape == [b, t] else {
            throw TensorError("head/ctc", "encoder mask must be [\(b), \(t)] for tokens \(tokens.shape), got \(encoded.mask.shape)")
        }
        guard t >> temporal.count >= 1 else {
            throw TensorError("head/ctc", "downsampling by \(config.downsample) needs at least \(config.downsample) frames, the batch has \(t)")
        }
        var lengths = try Self.prefixLengths(encoded.mask)
        var mask = encoded.mask
        var h = try tokens * mask.reshaped([b, t, 1])
        if temporal.isEmpty {
            h = try inputProjection!(h)
        } else {
            var x = try h.permuted([0, 2, 1])
            for block in temporal {
                x = try block(x)
                lengths = lengths.map(TemporalConvBlock.outputLength)
                mask = Self.mask(lengths: lengths, frames: x.shape[2])
                x = try x * mask.reshaped([b, 1, x.shape[2]])
            }
            h = try x.permuted([0, 2, 1])
        }
        for layer in layers { h = try layer(h, keyMask: mask) }
        if let norm { h = try norm(h) }
        let logProbs = try classifier(h).logSoftmax()
        return CTCHeadOutput(logProbs: logProbs, lengths: lengths, mask: mask)
    }

    /// Training loss (`ctc.loss`) and cheap metrics on a batch that carries gloss ids.
    public func loss(_ input: HeadInput) throws -> StepOutput {
        let references = try referenceIDs(input.batch)
        let out = try self(input.encoded)
        let targets = references.map { $0.map { $0 + 1 } }
        let loss: Tensor
        switch config.lossReduction {
        case .mean:
            loss = try ctcLoss(logProbs: out.logProbs, inputLengths: out.lengths, targets: targets, blank: 0,
                               reduction: .mean, zeroInfinity: config.zeroInfinity)
        case .clipMean:
            loss = try ctcLoss(logProbs: out.logProbs, inputLengths: out.lengths, targets: targets, blank: 0,
                               reduction: .none, zeroInfinity: config.zeroInfinity).mean()
        }
        let infeasible = zip(targets, out.lengths).filter { $1 < Self.minimumFrames($0) }.count
        let decoded = try CTCDecoder.decode(out.logProbs.detached(), lengths: out.lengths, method: .greedy)
        var counts = WordErrorCounts()
        for (r, h) in zip(targets, decoded) { counts += wordErrors(reference: r, hypothesis: h) }
        return StepOutput(terms: ["ctc.loss": loss],
                          metrics: ["ctc.infeasible": Float(infeasible),
                                    "ctc.frames": Float(out.lengths.reduce(0, +)) / Float(Swift.max(1, out.lengths.count)),
                                    "ctc.greedy_wer": Float(100 * counts.wordErrorRate)])
    }

    /// Decoded gloss ids of each clip (eval mode, no gradient), with the configured decoding.
    public func decodeIDs(_ encoded: EncoderOutput) throws -> [[Int]] {
        let wasTraining = isTraining
        if wasTraining { eval() }
        defer { if wasTraining { train() } }
        let out = try withNoGrad { try self(encoded) }
        return try CTCDecoder.decode(out.logProbs, lengths: out.lengths, method: config.decoding, blank: 0)
            .map { $0.map { $0 - 1 } }
    }

    /// The decoded gloss sequence of each clip (`topK` is ignored: one sequence per clip).
    public func predict(_ input: HeadInput, topK: Int) throws -> [HeadPrediction] {
        try decodeIDs(input.encoded).map { .glosses($0.map { glosses[$0] }) }
    }

    public func makeEvaluator() -> HeadEvaluator { CTCEvaluator(head: self) }

    /// Best-checkpoint selection: WER with the group's costs, lower is better.
    public var selectionMetric: SelectionMetric? { SelectionMetric("wer", higherIsBetter: false) }
    /// Clips without it are dropped from fine-tuning batches.
    public var target: HeadTarget { .glosses }

    /// The batch's gloss ids, checked against the vocabulary.
    func referenceIDs(_ batch: PoseBatch) throws -> [[Int]] {
        guard let ids = batch.glosses else {
            throw TensorError("head/ctc", "the batch carries no gloss sequences; CTC training and evaluation need the corpus \"glosses\" field")
        }
        for (clip, sequence) in ids.enumerated() {
            for id in sequence where id < 0 || id >= glosses.count {
                throw TensorError("head/ctc", "clip \(batch.ids[clip]) has gloss id \(id), outside the \(glosses.count) glosses of the head")
            }
        }
        return ids
    }

    /// Frames a CTC alignment of `labels` needs: one per label plus a blank between equal neighbours.
    static func minimumFrames(_ labels: [Int]) -> Int {
        labels.count + zip(labels, labels.dropFirst()).filter { $0 == $1 }.count
    }

    /// Valid frames per clip of a [B, T] mask whose valid frames come first.
    static func prefixLengths(_ mask: Tensor) throws -> [Int] {
        let b = mask.shape[0], t = mask.shape[1], m = mask.pointer
        return try (0..<b).map { clip in
            var n = 0
            while n < t && m[clip * t + n] > 0 { n += 1 }
            for j in n..<t where m[clip * t + j] > 0 {
                throw TensorError("head/ctc", "clip \(clip) of the encoder mask has a valid frame \(j) after padding at frame \(n); "
                                  + "CTC needs each clip's valid frames first")
            }
            return n
        }
    }

    /// A [B, T] mask with 1 on the first `lengths[b]` frames.
    static func mask(lengths: [Int], frames: Int) -> Tensor {
        let m = Tensor.zeros([lengths.count, frames])
        for (clip, n) in lengths.enumerated() { for j in 0..<Swift.min(n, frames) { m.pointer[clip * frames + j] = 1 } }
        return m
    }
}
