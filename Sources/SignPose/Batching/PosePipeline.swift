import SignTensor

/// Everything between a pose file and the model input, as one value recorded in a checkpoint's
/// config: layout selection, spatial normalisation, augmentation (training only), frame cap.
///
/// `prepare` runs, on person 0:
/// 1. `layout` (a registered name such as `mslu-79`; nil keeps the file's layout): the points of that
///    layout, by point name. Done first, so the body box of the normalisation is measured on the body
///    points the model sees (as Uni-Sign does on its 69 points) and later steps touch fewer points;
/// 2. `preprocessing.normalize` (spatial only; the pipeline caps frames itself, so
///    `preprocessing.maxFrames` is not used here);
/// 3. when training, `augmentation.apply` (on the whole clip, so a crop fraction refers to the real clip);
/// 4. `FrameSampling` to `maxFrames` (random sorted subset when training, evenly spaced when evaluating).
///
/// `batch` prepares every clip and collates them with `collator` (same `maxFrames`).
public struct PosePipeline: Codable, Equatable, Hashable, Sendable {
    public var preprocessing: Preprocessing
    /// Registered layout to select (e.g. "mslu-79"), or nil for the clip's own layout.
    public var layout: String?
    public var augmentation: Augmentation
    /// Longest clip in frames (nil: no cap).
    public var maxFrames: Int?

    public init(preprocessing: Preprocessing = .uniSign, layout: String? = nil, augmentation: Augmentation = .default,
                maxFrames: Int? = 256) {
        self.preprocessing = preprocessing
        self.layout = layout
        self.augmentation = augmentation
        self.maxFrames = maxFrames
    }

    /// The collator for this pipeline's output: x, y and score per point, capped at `maxFrames`.
    public var collator: PoseCollator { PoseCollator(maxFrames: maxFrames, coordinateDims: 2) }

    /// One clip ready for collation (see the type's doc). `file` names the source in errors.
    public func prepare(_ seq: PoseSequence, training: Bool, rng: inout RandomStream, file: String = "<memory>") throws -> PoseSequence {
        if let m = maxFrames, m < 1 { throw PoseError(file, .invalidArgument, "maxFrames must be ≥ 1, got \(m)") }
        var out = try seq.person(0)
        if let layout { out = try out.converted(toLayoutNamed: layout, file: file) }
        out = try preprocessing.normalize(out, file: file)
        if training { out = try augmentation.apply(out, rng: &rng) }
        let keep = FrameSampling.indices(count: out.frameCount, maxFrames: maxFrames, training: training, rng: &rng)
        return keep.count == out.frameCount ? out : try out.selectingFrames(keep)
    }

    /// `prepare` on every clip (in order, one stream), then `collator.collate`.
    public func batch(_ clips: [PoseSequence], training: Bool, rng: inout RandomStream) throws -> (poses: Tensor, mask: Tensor) {
        let prepared = try clips.map { try prepare($0, training: training, rng: &rng) }
        return try collator.collate(prepared, training: training, rng: &rng)
    }
}
