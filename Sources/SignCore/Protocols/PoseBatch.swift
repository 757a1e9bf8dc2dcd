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
/// `clipTexts` / `textIndices`, fine-tuning selects the annotated rows (`annotatedRows(for:)`).
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
    /// Each clip's text or nil, when only some clips of the batch have one (`texts` is then nil, so a
    /// task that needs every clip's text refuses the batch rather than reading placeholders); nil when
    /// every clip or no clip has text. Setting it sets `clipTexts` (nil clears a partial set only).
    public var partialTexts: [String?]? {
        get { texts == nil ? clipTexts : nil }
        set {
            if let newValue { clipTexts = newValue } else if texts == nil { clipTexts = nil }
        }
    }
    /// Indices of the clips that have a text, in batch order.
    public var textIndices: [Int] { clipTexts.map { t in t.indices.filter { t[$0] != nil } } ?? [] }
    public var languages: [String]?
    public var labels: [Int]?
    /// Gloss id sequences (CTC targets).
    public var glosses: [[Int]]?
    /// Each clip's gloss ids or nil, when only some clips have glosses (`glosses` is then nil).
    public var partialGlosses: [[Int]?]?

    /// `texts` (every clip), `clipTexts` and `partialTexts` (per clip, nil = none) are three ways to
    /// give the same thing: at most one may be given.
    public init(poses: Tensor, mask: Tensor, layout: PoseLayout, ids: [String], texts: [String]? = nil,
                languages: [String]? = nil, labels: [Int]? = nil, glosses: [[Int]]? = nil, clipTexts: [String?]? = nil,
                partialTexts: [String?]? = nil, partialGlosses: [[Int]?]? = nil) throws {
        if [texts != nil, clipTexts != nil, partialTexts != nil].filter({ $0 }).count > 1 {
            throw TensorError("PoseBatch", "give one of texts, clipTexts or partialTexts, not several")
        }
        guard poses.rank == 4, poses.shape[2] == layout.pointCount else {
            throw TensorError("PoseBatch", "poses must be [B, T, \(layout.pointCount), C] for layout \(layout.name), got \(poses.shape)")
        }
        guard mask.shape == [poses.shape[0], poses.shape[1]] else {
            throw TensorError("PoseBatch", "mask must be [\(poses.shape[0]), \(poses.shape[1])], got \(mask.shape)")
        }
        guard ids.count == poses.shape[0] else { throw TensorError("PoseBatch", "\(ids.count) ids for a batch of \(poses.shape[0])") }
        for (name, n) in [("texts", texts?.count), ("clipTexts", clipTexts?.count), ("partialTexts", partialTexts?.count),
                          ("languages", languages?.count), ("labels", labels?.count), ("glosses", glosses?.count),
                          ("partialGlosses", partialGlosses?.count)] {
            if let n, n != ids.count { throw TensorError("PoseBatch", "\(n) \(name) for a batch of \(ids.count)") }
        }
        self.poses = poses; self.mask = mask; self.layout = layout; self.ids = ids
        self.clipTexts = clipTexts ?? partialTexts ?? texts.map { $0.map { Optional($0) } }
        self.languages = languages; self.labels = labels; self.glosses = glosses
        self.partialGlosses = partialGlosses
    }

    public var size: Int { poses.shape[0] }
    public var frames: Int { poses.shape[1] }
    /// Number of valid frames of each clip.
    public var lengths: [Int] {
        let t = frames
        return (0..<size).map { b in (0..<t).reduce(0) { $0 + (mask.pointer[b * t + $1] > 0 ? 1 : 0) } }
    }
}

/// What a head learns from, so fine-tuning can drop the clips that lack it.
public enum HeadTarget: Sendable {
    /// `labels` (−100 = unknown).
    case label
    /// `glosses` (`partialGlosses`: nil = none).
    case glosses
    /// `texts` (`partialTexts`: nil = none).
    case text
    /// Nothing per clip (every clip is used).
    case none
}

extension PoseBatch {
    /// The rows whose clip has the annotation `target` needs, in order; nil when the batch carries
    /// no per-clip information about it (every row is used, and a head that needs the annotation
    /// reports its absence itself).
    public func annotatedRows(for target: HeadTarget) -> [Int]? {
        switch target {
        case .label: return labels.map { l in l.indices.filter { l[$0] != -100 } }
        case .glosses: return glosses != nil ? Array(0..<size) : partialGlosses.map { g in g.indices.filter { g[$0] != nil } }
        case .text: return texts != nil ? Array(0..<size) : partialTexts.map { t in t.indices.filter { t[$0] != nil } }
        case .none: return nil
        }
    }

    /// The clips `rows` (in that order) as a batch: poses, mask and every annotation; trailing frames
    /// that are padding in every selected clip are dropped. Partial texts / glosses become complete
    /// when every selected clip has one. Errors: an empty selection, a row outside the batch.
    public func selecting(_ rows: [Int]) throws -> PoseBatch {
        guard !rows.isEmpty else { throw TensorError("PoseBatch.selecting", "no rows selected from a batch of \(size)") }
        for r in rows where r < 0 || r >= size { throw TensorError("PoseBatch.selecting", "row \(r) is outside a batch of \(size)") }
        var mask = try self.mask.indexSelect(axis: 0, indices: rows)
        var poses = try self.poses.indexSelect(axis: 0, indices: rows)
        let t = frames
        var last = 0
        for i in 0..<rows.count { for f in 0..<t where mask.pointer[i * t + f] > 0 { last = max(last, f + 1) } }
        if last < t && last > 0 {
            mask = try mask.slice(axis: 1, start: 0, end: last)
            poses = try poses.slice(axis: 1, start: 0, end: last)
        }
        func pick<T>(_ a: [T]?) -> [T]? { a.map { a in rows.map { a[$0] } } }
        let someTexts = pick(partialTexts), someGlosses = pick(partialGlosses)
        let allTexts = someTexts.flatMap { $0.contains { $0 == nil } ? nil : $0.map { $0! } }
        let allGlosses = someGlosses.flatMap { $0.contains { $0 == nil } ? nil : $0.map { $0! } }
        return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: rows.map { ids[$0] }, texts: pick(texts) ?? allTexts,
                             languages: pick(languages), labels: pick(labels), glosses: pick(glosses) ?? allGlosses,
                             partialTexts: allTexts == nil ? someTexts : nil, partialGlosses: allGlosses == nil ? someGlosses : nil)
    }
}
