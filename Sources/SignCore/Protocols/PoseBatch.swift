import SignPose
import SignTensor

/// A padded batch of pose clips in one layout, ready for an encoder.
///
/// `poses` is [B, T, P, C] with C = (x, y, score) after preprocessing; `mask` is [B, T] with 1 for
/// real frames and 0 for padding. Optional per-clip annotations travel with the batch so pretext
/// tasks and heads read what they need.
///
/// Texts are per clip: `clipTexts[b]` is nil for a clip without text (unlabelled data mixed with
/// captioned data). `texts` is the all-or-nothing view heads use: every clip's text, or nil as soon
/// as one clip has none; tasks that can work on the captioned subset (contrastive learning) read
/// `clipTexts` / `textIndices`.
public struct PoseBatch {
    public var poses: Tensor
    public var mask: Tensor
    public var layout: PoseLayout
    public var ids: [String]
    /// Each clip's text, nil for a clip without one (nil altogether: no clip has text).
    public var clipTexts: [String?]?
    /// Every clip's text, or nil unless every clip has one. Setting it sets `clipTexts`.
    public var texts: [String]? {
        get {
            guard let clipTexts, clipTexts.allSatisfy({ $0 != nil }) else { return nil }
            return clipTexts.map { $0! }
        }
        set { clipTexts = newValue.map { $0.map { Optional($0) } } }
    }
    /// Indices of the clips that have a text, in batch order.
    public var textIndices: [Int] { clipTexts.map { t in t.indices.filter { t[$0] != nil } } ?? [] }
    public var languages: [String]?
    public var labels: [Int]?
    /// Gloss id sequences (CTC targets).
    public var glosses: [[Int]]?

    public init(poses: Tensor, mask: Tensor, layout: PoseLayout, ids: [String], texts: [String]? = nil,
                languages: [String]? = nil, labels: [Int]? = nil, glosses: [[Int]]? = nil, clipTexts: [String?]? = nil) throws {
        if texts != nil && clipTexts != nil { throw TensorError("PoseBatch", "give texts or clipTexts, not both") }
        guard poses.rank == 4, poses.shape[2] == layout.pointCount else {
            throw TensorError("PoseBatch", "poses must be [B, T, \(layout.pointCount), C] for layout \(layout.name), got \(poses.shape)")
        }
        guard mask.shape == [poses.shape[0], poses.shape[1]] else {
            throw TensorError("PoseBatch", "mask must be [\(poses.shape[0]), \(poses.shape[1])], got \(mask.shape)")
        }
        guard ids.count == poses.shape[0] else { throw TensorError("PoseBatch", "\(ids.count) ids for a batch of \(poses.shape[0])") }
        for (name, n) in [("texts", texts?.count), ("clipTexts", clipTexts?.count), ("languages", languages?.count), ("labels", labels?.count), ("glosses", glosses?.count)] {
            if let n, n != ids.count { throw TensorError("PoseBatch", "\(n) \(name) for a batch of \(ids.count)") }
        }
        self.poses = poses; self.mask = mask; self.layout = layout; self.ids = ids
        self.clipTexts = clipTexts ?? texts.map { $0.map { Optional($0) } }
        self.languages = languages; self.labels = labels; self.glosses = glosses
    }

    public var size: Int { poses.shape[0] }
    public var frames: Int { poses.shape[1] }
    /// Number of valid frames of each clip.
    public var lengths: [Int] {
        let t = frames
        return (0..<size).map { b in (0..<t).reduce(0) { $0 + (mask.pointer[b * t + $1] > 0 ? 1 : 0) } }
    }
}
