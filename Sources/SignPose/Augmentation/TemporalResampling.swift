extension PoseSequence {
    /// The sequence resampled to `frames` frames taken at evenly spaced source positions from `start`
    /// through `end` (fractional frame indices, `0 ≤ start ≤ end ≤ frameCount − 1`), corners aligned:
    ///
    ///     s_j = start + j · (end − start) / (frames − 1)      (s_0 = (start + end) / 2 when frames = 1)
    ///
    /// With `t0 = ⌊s_j⌋`, `t1 = min(t0 + 1, frameCount − 1)`, `w = s_j − t0` and the nearest source
    /// frame `n = t0` when `w ≤ 0.5`, else `t1`, each point (of every person) becomes:
    /// - present in both t0 and t1 (confidence > 0): coordinates `x0 + w·(x1 − x0)`, confidence of `n`;
    /// - otherwise: a copy of frame `n`'s point (coordinates and confidence).
    ///
    /// So a point is present in the output exactly when it is present in the nearest source frame
    /// (missing points stay missing, and are never blended with the zeros that mark them), and a
    /// resampling at integer positions (`w = 0`) copies frames bit for bit. fps, frame size and layout
    /// are kept.
    public func resampled(frames n: Int, from start: Double, through end: Double) throws -> PoseSequence {
        guard n > 0 else { throw PoseError("<memory>", .invalidArgument, "resampling needs at least 1 output frame, got \(n)") }
        let last = Double(frameCount - 1)
        guard start.isFinite, end.isFinite, start >= 0, start <= end, end <= last else {
            throw PoseError("<memory>", .invalidArgument,
                            "resampling window \(start)...\(end) is not inside frames 0...\(frameCount - 1)")
        }
        let row = peopleCount * pointCount, D = dims
        var d = [Float](repeating: 0, count: n * row * D)
        var c = [Float](repeating: 0, count: n * row)
        data.withUnsafeBufferPointer { src in
            confidence.withUnsafeBufferPointer { srcC in
                d.withUnsafeMutableBufferPointer { dst in
                    c.withUnsafeMutableBufferPointer { dstC in
                        for j in 0..<n {
                            let s = n == 1 ? (start + end) / 2 : start + Double(j) * (end - start) / Double(n - 1)
                            let t0 = min(Int(s.rounded(.down)), frameCount - 1)
                            let t1 = min(t0 + 1, frameCount - 1)
                            let w = Float(s - Double(t0))
                            let near = w <= 0.5 ? t0 : t1
                            for k in 0..<row {
                                let c0 = srcC[t0 * row + k], c1 = srcC[t1 * row + k]
                                let o = j * row + k
                                dstC[o] = srcC[near * row + k]
                                if c0 > 0 && c1 > 0 && w > 0 {
                                    for e in 0..<D {
                                        let x0 = src[(t0 * row + k) * D + e], x1 = src[(t1 * row + k) * D + e]
                                        dst[o * D + e] = x0 + w * (x1 - x0)
                                    }
                                } else {
                                    for e in 0..<D { dst[o * D + e] = src[(near * row + k) * D + e] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return try PoseSequence(layout: layout, frames: n, people: peopleCount, dims: D, data: d, confidence: c,
                                fps: fps, width: width, height: height, depth: depth)
    }
}
