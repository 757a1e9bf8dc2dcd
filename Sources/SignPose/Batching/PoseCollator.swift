import SignTensor

/// Turns clips (already preprocessed, one layout) into the model input: `poses [B, T, P, C]` with
/// C = `coordinateDims` + 1 channels (x, y[, z …], score) of person 0, and `mask [B, T]` (1 = frame,
/// 0 = padding). T is the longest clip, capped at `maxFrames`; a longer clip keeps `maxFrames` frames
/// chosen by `FrameSampling` (a random sorted subset when training, evenly spaced when evaluating).
/// Shorter clips are padded at the end with zero frames (all channels 0, so padding also reads as
/// missing points) whose mask is 0.
public struct PoseCollator: Codable, Equatable, Hashable, Sendable {
    /// Longest clip in frames (nil: no cap).
    public var maxFrames: Int?
    /// Coordinates taken per point (nil: every stored dim of the clips).
    public var coordinateDims: Int?

    public init(maxFrames: Int? = 256, coordinateDims: Int? = nil) {
        self.maxFrames = maxFrames
        self.coordinateDims = coordinateDims
    }

    /// The batch tensors (see the type's doc). Throws `empty` for no clips, `shapeMismatch` when the
    /// clips' layouts or dims differ, `invalidArgument` for `maxFrames` < 1 or dims out of range.
    public func collate(_ clips: [PoseSequence], training: Bool, rng: inout RandomStream) throws -> (poses: Tensor, mask: Tensor) {
        guard let first = clips.first else { throw PoseError("<memory>", .empty, "cannot collate an empty batch") }
        if let m = maxFrames, m < 1 { throw PoseError("<memory>", .invalidArgument, "maxFrames must be ≥ 1, got \(m)") }
        for (i, clip) in clips.enumerated().dropFirst() {
            guard clip.layout.pointCount == first.layout.pointCount, clip.layout == first.layout else {
                throw PoseError("<memory>", .shapeMismatch, "clip \(i) has layout \(clip.layout.name) (\(clip.layout.pointCount) points), clip 0 has \(first.layout.name) (\(first.layout.pointCount) points)")
            }
            guard coordinateDims != nil || clip.dims == first.dims else {
                throw PoseError("<memory>", .shapeMismatch, "clip \(i) has \(clip.dims) dims, clip 0 has \(first.dims)")
            }
        }
        let k = coordinateDims ?? first.dims
        if let bad = clips.firstIndex(where: { k < 1 || k > $0.dims }) {
            throw PoseError("<memory>", .invalidArgument, "coordinateDims \(k) out of range 1...\(clips[bad].dims) (clip \(bad))")
        }
        let B = clips.count, P = first.pointCount, C = k + 1
        let longest = clips.map(\.frameCount).max()!
        let T = maxFrames.map { min($0, longest) } ?? longest
        let poses = Tensor.zeros([B, T, P, C])
        let mask = Tensor.zeros([B, T])
        let po = poses.pointer, mo = mask.pointer
        for (b, clip) in clips.enumerated() {
            let keep = FrameSampling.indices(count: clip.frameCount, maxFrames: T, training: training, rng: &rng)
            let frames = keep.count == clip.frameCount ? clip : try clip.selectingFrames(keep)
            let x = try frames.tensor(person: 0, dims: k, includeConfidence: true)
            (po + b * T * P * C).update(from: x.pointer, count: x.count)
            for t in 0..<keep.count { mo[b * T + t] = 1 }
        }
        return (poses, mask)
    }
}
