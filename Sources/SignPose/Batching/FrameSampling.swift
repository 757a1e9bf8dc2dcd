import SignTensor

/// Which frames of a clip longer than `maxFrames` are kept.
///
/// - training: `maxFrames` distinct frames drawn uniformly at random, in increasing order
///   (`Preprocessing.sampleFrames`, Uni-Sign's rule);
/// - evaluation: `maxFrames` evenly spaced frames including the first and the last,
///   `i_k = round(k·(count − 1)/(maxFrames − 1))` with halves rounded up (exact integer arithmetic;
///   the middle frame `(count − 1)/2` when `maxFrames` = 1), so the same clip always gives the same frames.
///
/// A clip of at most `maxFrames` frames (or `maxFrames` nil) keeps every frame.
public enum FrameSampling {
    public static func indices(count: Int, maxFrames: Int?, training: Bool, rng: inout RandomStream) -> [Int] {
        guard let m = maxFrames, m > 0, count > m else { return Array(0..<max(count, 0)) }
        if training { return Preprocessing(maxFrames: m).sampleFrames(count: count, rng: &rng) }
        return uniform(count: count, frames: m)
    }

    /// `frames` evenly spaced indices in 0..<count, first and last included (see the type's doc).
    public static func uniform(count: Int, frames m: Int) -> [Int] {
        guard m > 1 else { return m == 1 ? [(count - 1) / 2] : [] }
        return (0..<m).map { k in (2 * k * (count - 1) + (m - 1)) / (2 * (m - 1)) }
    }
}
