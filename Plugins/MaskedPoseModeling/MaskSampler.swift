import SignCore
import SignPose
import SignTensor

/// One masking step of a `MaskPlan`: what was hidden in which clip.
public struct MaskUnit: Equatable, Sendable {
    /// The strategy that produced it (`clip` when a clip could be drawn, otherwise the step fell
    /// back to `frame`; see `MaskSampler`).
    public var strategy: MaskStrategy
    public var clip: Int
    /// Time indices covered (one frame except for clips).
    public var frames: Range<Int>
    /// Part tokens masked (all four for frame and clip steps, none for joint steps).
    public var tokens: [PartToken]
    /// Layout point indices whose inputs are zeroed (joint steps only).
    public var joints: [Int]
}

/// A drawn masking of a batch: the encoder's `PoseMasking` plus the (frame, point) pairs the loss
/// covers.
public struct MaskPlan {
    public var units: [MaskUnit]
    /// [B, T, 4] (PartToken order), 1 = masked token.
    public var partTokens: Tensor
    /// [B, T, P], 1 = keypoint input zeroed.
    public var joints: Tensor
    /// [B, T, P], 1 = the loss covers this (frame, point): a masked part token covers that part's
    /// points in that frame, a masked frame every point of a part, a masked joint itself. Points in
    /// no part (legs, feet) are never covered (the decoder does not predict them).
    public var lossPoints: Tensor
    /// Valid frames that carry some masking, and valid frames in all.
    public var maskedFrames: Int
    public var validFrames: Int

    public var masking: PoseMasking { PoseMasking(partTokens: partTokens, joints: joints) }
    /// maskedFrames / validFrames (0 for an all-padding batch).
    public var maskedFrameRatio: Float { validFrames == 0 ? 0 : Float(maskedFrames) / Float(validFrames) }
}

/// Draws masks for masked pose modeling.
///
/// Per clip b with n valid frames (mask = 1; padding is never masked), the budget is
/// N = round(maskRatio · n) frames (halves round up). Until N valid frames carry masking, one step:
/// 1. picks a valid frame t that carries no masking yet, uniformly;
/// 2. draws a strategy with probability ∝ its weight;
/// 3. applies it at t:
///    - `frame`: the four part tokens of t;
///    - `clip`: a length ℓ uniform in minClipLength…maxClipLength, cut to the remaining budget; the clip
///      grows forward from t over consecutive valid, still unmasked frames, then backward from t − 1
///      to reach ℓ; every frame gets its four part tokens masked. When ℓ or the free run around t is
///      below 2 the step masks t as a `frame` step instead (so recorded clips are always 2…max long);
///    - `part`: each part token the layout has (body, left hand, right hand, non-manual) is masked
///      independently with partProbability; if none came up, one of them uniformly;
///    - `joint`: m uniform in 1…jointsPerFrame distinct points of t (among points of some part,
///      m capped at their number), zeroed at the encoder input.
/// Every step consumes the frames it touches, so exactly N frames of each clip carry masking.
/// All draws come from the given stream: the same seed gives the same plan.
public struct MaskSampler {
    public var config: MaskedPoseConfig

    public init(config: MaskedPoseConfig) { self.config = config }

    public func sample(batch: PoseBatch, rng: inout RandomStream) throws -> MaskPlan {
        let b = batch.size, t = batch.frames, p = batch.layout.pointCount
        let layout = batch.layout
        let tokenPoints: [[Int]] = PartToken.allCases.map { tok in tok.parts.flatMap { layout.indices(of: $0) ?? [] } }
        let presentTokens = PartToken.allCases.filter { !tokenPoints[$0.rawValue].isEmpty }
        let partPoints = tokenPoints.flatMap { $0 }
        guard !partPoints.isEmpty else {
            throw TensorError("pretext/masked-pose", "layout \(layout.name) has no body, hand, face or mouth points to mask")
        }
        try validate()
        let strategies = MaskStrategy.allCases.filter { (config.strategyWeights[$0] ?? 0) > 0 }
        let weights = strategies.map { config.strategyWeights[$0]! }
        let totalWeight = weights.reduce(0, +)

        var tokens = [Float](repeating: 0, count: b * t * 4)
        var joints = [Float](repeating: 0, count: b * t * p)
        var loss = [Float](repeating: 0, count: b * t * p)
        var units: [MaskUnit] = []
        var maskedFrames = 0, validFrames = 0
        let m = batch.mask.pointer

        func maskTokens(_ clip: Int, _ frame: Int, _ list: [PartToken]) {
            for tok in list {
                tokens[(clip * t + frame) * 4 + tok.rawValue] = 1
                for q in tokenPoints[tok.rawValue] { loss[(clip * t + frame) * p + q] = 1 }
            }
        }

        for clip in 0..<b {
            let valid = (0..<t).map { m[clip * t + $0] > 0 }
            let n = valid.filter { $0 }.count
            validFrames += n
            let budget = Int((config.maskRatio * Double(n)).rounded(.toNearestOrAwayFromZero))
            var touched = [Bool](repeating: false, count: t)
            var used = 0
            while used < budget {
                let free = (0..<t).filter { valid[$0] && !touched[$0] }
                let frame = free[rng.int(free.count)]
                var strategy = Self.draw(strategies, weights, totalWeight, &rng)
                var span = frame..<(frame + 1)
                if strategy == .clip {
                    let length = Swift.min(config.minClipLength + rng.int(config.maxClipLength - config.minClipLength + 1), budget - used)
                    var lo = frame, hi = frame + 1
                    while hi - lo < length, hi < t, valid[hi], !touched[hi] { hi += 1 }
                    while hi - lo < length, lo > 0, valid[lo - 1], !touched[lo - 1] { lo -= 1 }
                    if hi - lo >= 2 { span = lo..<hi } else { strategy = .frame }
                }
                switch strategy {
                case .frame, .clip:
                    for f in span { maskTokens(clip, f, PartToken.allCases) }
                    units.append(MaskUnit(strategy: strategy, clip: clip, frames: span, tokens: PartToken.allCases, joints: []))
                case .part:
                    var chosen = presentTokens.filter { _ in Double(rng.uniform()) < config.partProbability }
                    if chosen.isEmpty { chosen = [presentTokens[rng.int(presentTokens.count)]] }
                    maskTokens(clip, frame, chosen)
                    units.append(MaskUnit(strategy: .part, clip: clip, frames: span, tokens: chosen, joints: []))
                case .joint:
                    let count = Swift.min(1 + rng.int(config.jointsPerFrame), partPoints.count)
                    var pool = partPoints, picked: [Int] = []
                    for _ in 0..<count { picked.append(pool.remove(at: rng.int(pool.count))) }
                    picked.sort()
                    for q in picked {
                        joints[(clip * t + frame) * p + q] = 1
                        loss[(clip * t + frame) * p + q] = 1
                    }
                    units.append(MaskUnit(strategy: .joint, clip: clip, frames: span, tokens: [], joints: picked))
                }
                for f in span { touched[f] = true }
                used += span.count
            }
            maskedFrames += used
        }
        return MaskPlan(units: units,
                        partTokens: try Tensor(shape: [b, t, 4], data: tokens),
                        joints: try Tensor(shape: [b, t, p], data: joints),
                        lossPoints: try Tensor(shape: [b, t, p], data: loss),
                        maskedFrames: maskedFrames, validFrames: validFrames)
    }

    /// Refuses settings the recipe reader would have refused (for configs built in code).
    func validate() throws {
        let c = config
        func fail(_ what: String) -> TensorError { TensorError("pretext/masked-pose", what) }
        guard (0...1).contains(c.maskRatio) else { throw fail("maskRatio must be in 0…1, got \(c.maskRatio)") }
        guard c.strategyWeights.values.allSatisfy({ $0 >= 0 && $0.isFinite }), c.strategyWeights.values.contains(where: { $0 > 0 }) else {
            throw fail("strategy weights must be finite, ≥ 0 and not all 0, got \(c.strategyWeights)")
        }
        guard c.minClipLength >= 2, c.maxClipLength >= c.minClipLength else {
            throw fail("clip lengths must satisfy 2 ≤ min ≤ max, got \(c.minClipLength)…\(c.maxClipLength)")
        }
        guard (0...1).contains(c.partProbability), c.jointsPerFrame >= 1 else {
            throw fail("partProbability must be in 0…1 and jointsPerFrame ≥ 1, got \(c.partProbability) and \(c.jointsPerFrame)")
        }
    }

    static func draw(_ strategies: [MaskStrategy], _ weights: [Double], _ total: Double, _ rng: inout RandomStream) -> MaskStrategy {
        var u = Double(rng.uniform()) * total
        for (s, w) in zip(strategies, weights) {
            if u < w { return s }
            u -= w
        }
        return strategies.last!
    }
}
