/// One clip read from a shard pack: metadata and keypoints as a flat float array.
public struct CorpusClip: Equatable, Sendable {
    /// Position in the pack's index.
    public var index: Int
    public var metadata: ClipMetadata
    /// Code of the label in the pack header's `labels` (the class index for recognition), nil without label.
    public var labelIndex: Int?
    public var frames: Int
    public var points: Int
    /// `frames × points × 3` values, frame-major: x, y, score per point (score 0 = missing).
    public var values: [Float]

    public init(index: Int, metadata: ClipMetadata, labelIndex: Int?, frames: Int, points: Int, values: [Float]) {
        self.index = index; self.metadata = metadata; self.labelIndex = labelIndex
        self.frames = frames; self.points = points; self.values = values
    }

    public var id: String { metadata.id }

    /// The clip as a `PoseSequence` in `layout` (the pack's layout; 2 dims, score as confidence).
    public func sequence(layout: PoseLayout) throws -> PoseSequence {
        guard layout.pointCount == points else {
            throw PoseError(metadata.id, .shapeMismatch, "layout \(layout.name) has \(layout.pointCount) points, the clip \(points)")
        }
        var data = [Float](repeating: 0, count: frames * points * 2)
        var conf = [Float](repeating: 0, count: frames * points)
        values.withUnsafeBufferPointer { v in
            data.withUnsafeMutableBufferPointer { d in
                conf.withUnsafeMutableBufferPointer { c in
                    for k in 0..<(frames * points) {
                        d[2 * k] = v[3 * k]; d[2 * k + 1] = v[3 * k + 1]; c[k] = v[3 * k + 2]
                    }
                }
            }
        }
        return try PoseSequence(layout: layout.withDims(2), frames: frames, dims: 2, data: data, confidence: conf,
                                fps: metadata.fps, width: metadata.width, height: metadata.height, file: metadata.id)
    }

    /// Replaces the values with `sequence`'s person 0 (x, y, confidence); frame count follows it.
    public mutating func setValues(from sequence: PoseSequence) throws {
        guard sequence.pointCount == points, sequence.dims >= 2 else {
            throw PoseError(metadata.id, .shapeMismatch, "the sequence has \(sequence.pointCount) points × \(sequence.dims) dims, the clip \(points) × 2")
        }
        let T = sequence.frameCount, N = sequence.peopleCount, D = sequence.dims, P = points
        var v = [Float](repeating: 0, count: T * P * 3)
        sequence.data.withUnsafeBufferPointer { d in
            sequence.confidence.withUnsafeBufferPointer { c in
                v.withUnsafeMutableBufferPointer { o in
                    for t in 0..<T {
                        for p in 0..<P {
                            let src = t * N * P + p
                            o[(t * P + p) * 3] = d[src * D]; o[(t * P + p) * 3 + 1] = d[src * D + 1]; o[(t * P + p) * 3 + 2] = c[src]
                        }
                    }
                }
            }
        }
        values = v
        frames = T
    }

    /// Applies Uni-Sign spatial normalization (`Preprocessing.normalize`) in place. Clips whose frame size
    /// is unknown are normalized without dividing by it.
    public mutating func normalize(_ preprocessing: Preprocessing, layout: PoseLayout) throws {
        var p = preprocessing
        if metadata.width == 0 || metadata.height == 0 { p.divideByFrameSize = false }
        try setValues(from: try p.normalize(try sequence(layout: layout), file: metadata.id))
    }
}

/// A batch of clips as the streaming reader delivers it.
public struct CorpusBatch: Sendable {
    public var epoch: Int
    /// 0-based position of the batch in this worker's epoch.
    public var number: Int
    public var clips: [CorpusClip]

    public var indices: [Int] { clips.map(\.index) }
    /// Longest clip (padding length).
    public var maxFrames: Int { clips.map(\.frames).max() ?? 0 }
}
