import Foundation
import SignTensor

/// A seeded generator of sign pose sequences: a vocabulary of signs, a set of signers, and isolated
/// or continuous performances of the signs in the `coco-wholebody-133` or `mediapipe-holistic-543`
/// skeleton (any registered layout whose points both name — `mslu-79`, `unisign-69`, `masa-49`,
/// `reduced-holistic-178`, `holistic-hands-body-75` — by point selection).
///
/// Everything is a function of the seed: sign i is drawn from stream (seed, "sign", i), signer k from
/// (seed, "signer", k), and a performance from (seed, kind, signs, signer, take), so one sample does not
/// depend on which others are generated, or in which order.
///
/// The class is carried by the signal: a sign fixes its location, its movement path, its hand shapes
/// and orientations, one or two hands and an optional facial cue; signers change body size, position,
/// proportions, tempo, signing-space size, jitter and missing points, and each take jitters the path,
/// shapes and timing.
public struct SyntheticSignGenerator: Sendable {
    public let seed: UInt64
    public let vocabulary: [SyntheticSign]
    public let signers: [SyntheticSigner]
    public let width: Int
    public let height: Int
    public let fps: Float

    /// A vocabulary of `signs` signs and `signers` signers (≥ 3, so that dev and test signers exist).
    public init(signs: Int, signers: Int = 10, seed: UInt64 = 0, width: Int = 512, height: Int = 512,
                fps: Float = 25) throws {
        guard signs >= 1 else { throw PoseError("<memory>", .invalidArgument, "the vocabulary needs at least 1 sign, got \(signs)") }
        guard signers >= 3 else {
            throw PoseError("<memory>", .invalidArgument, "at least 3 signers are needed (train, dev and test signers), got \(signers)")
        }
        guard width >= 64, height >= 64, width <= 65535, height <= 65535 else {
            throw PoseError("<memory>", .invalidArgument, "frame size \(width)×\(height) is outside 64…65535")
        }
        guard fps > 0, fps.isFinite else { throw PoseError("<memory>", .invalidArgument, "fps must be positive, got \(fps)") }
        self.seed = seed
        self.width = width
        self.height = height
        self.fps = fps
        vocabulary = (0..<signs).map { i in
            var rng = Self.stream(seed, [1, UInt64(i)])
            return SyntheticSign.random(index: i, rng: &rng)
        }
        self.signers = (0..<signers).map { k in
            var rng = Self.stream(seed, [2, UInt64(k)])
            return SyntheticSigner.random(id: k, count: signers, width: width, height: height, rng: &rng)
        }
    }

    /// Take `take` of sign `sign` by signer `signer`, in `layout`.
    public func isolated(sign: Int, signer: Int, take: Int = 0, layout: PoseLayout) throws -> PoseSequence {
        try check(signs: [sign], signer: signer)
        var rng = Self.stream(seed, [3, UInt64(sign), UInt64(signer), UInt64(take)])
        return try perform([sign], signer: signer, layout: layout, rng: &rng).sequence
    }

    /// Take `take` of the continuous sentence made of the signs `signs` (in order, with transitions) by
    /// `signer`, in `layout`, and the frame range of each sign.
    public func sentence(signs: [Int], signer: Int, take: Int = 0, layout: PoseLayout) throws
        -> (sequence: PoseSequence, spans: [Range<Int>]) {
        guard !signs.isEmpty else { throw PoseError("<memory>", .invalidArgument, "a sentence needs at least one sign") }
        try check(signs: signs, signer: signer)
        var rng = Self.stream(seed, [4, UInt64(signer), UInt64(take)] + signs.map { UInt64($0) })
        return try perform(signs, signer: signer, layout: layout, rng: &rng)
    }

    func check(signs: [Int], signer: Int) throws {
        if let bad = signs.first(where: { $0 < 0 || $0 >= vocabulary.count }) {
            throw PoseError("<memory>", .invalidArgument, "sign \(bad) is outside the vocabulary of \(vocabulary.count)")
        }
        guard signer >= 0 && signer < signers.count else {
            throw PoseError("<memory>", .invalidArgument, "signer \(signer) is outside 0..<\(signers.count)")
        }
    }

    func perform(_ signs: [Int], signer: Int, layout: PoseLayout, rng: inout RandomStream) throws
        -> (sequence: PoseSequence, spans: [Range<Int>]) {
        let family = try Self.family(for: layout)
        let performance = SyntheticPerformance.perform(signs.map { vocabulary[$0] }, signer: signers[signer], rng: &rng)
        let base = try SyntheticSkeleton.build(performance, signer: signers[signer], family: family, width: width,
                                               height: height, fps: fps, rng: &rng)
        guard layout != base.layout else { return (base, performance.spans) }
        return (try base.converted(to: layout.withDims(base.dims)), performance.spans)
    }

    /// The skeleton family to generate for `layout`: COCO-WholeBody when every point of `layout` has a
    /// namesake in `coco-wholebody-133`, else MediaPipe Holistic when `mediapipe-holistic-543` has them all.
    static func family(for layout: PoseLayout) throws -> SyntheticSkeleton.Family {
        for family in [SyntheticSkeleton.Family.cocoWholeBody133, .holistic543] {
            let base = try PoseLayouts.named(family.layoutName)
            if (try? base.indices(matching: layout)) != nil { return family }
        }
        throw PoseError("<memory>", .unknownLayout,
                        "layout \(layout.name) is neither coco-wholebody-133 nor mediapipe-holistic-543 nor a selection of their points")
    }

    /// A stream for one purpose: SplitMix64-style mixing of the seed with the `parts`.
    static func stream(_ seed: UInt64, _ parts: [UInt64]) -> RandomStream {
        var h = seed ^ 0x5EED_5EED_5EED_5EED
        for p in parts {
            h = (h ^ p) &+ 0x9E37_79B9_7F4A_7C15
            h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 31
        }
        return RandomStream(seed: h)
    }
}
