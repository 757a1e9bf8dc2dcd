import Foundation
import SignCore
import SignNN
import SignPose
import SignTensor

/// The MSLU pose encoder (paper notes §3.1, reconstruction §3.2(c)): per-part spatial GCNs on every
/// frame, a manual and a non-manual temporal Transformer, and a fusion to D-wide per-frame tokens.
///
/// For a batch poses [B, T, P, C] (C = x, y, score) with frame mask [B, T]:
/// 1. `PoseMasking.joints` [B, T, P] zeroes those keypoints' inputs.
/// 2. Only valid frames are embedded (padded frames never reach the GCNs, so BatchNorm statistics and
///    every valid output ignore them). Each part token comes from a spatial GCN on the part's points
///    (`PartGCN`, node-major [V, N, C], mean over nodes): `body_gcn` on the body, `hand_gcn` on both
///    hands at once (shared weights; the left hand is mirrored, x ↦ −x, first, so it looks like a
///    right hand), `non_manual_gcn` on face + mouth points together. The graphs come from the layout
///    (`LayoutGraphs`, built once per layout); no parameter depends on the layout, so the same weights
///    run on mslu-79 and on Holistic layouts.
/// 3. `PoseMasking.partTokens` [B, T, 4] (order of `PartToken`) replaces a part token by its own learned
///    mask token: `mask_token` [4, w] holds one row per `PartToken` (body, left hand, right hand,
///    non-manual). The hands have separate rows although they share the GCN, so a decoder can tell
///    which hand was hidden.
/// 4. Manual: concat(body, left hand, right hand) → Linear(3w → d); non-manual: Linear(w → d). Padded
///    frames enter as zeros; each `TemporalBranch` adds optional temporal conv, position encoding and
///    dropout, then a pre-LN Transformer with key-padding mask and final LayerNorm.
/// 5. tokens = Linear(2d → D)(concat(manual, non-manual)) ⊙ mask; pooled = masked mean over frames.
///
/// A layout without face and mouth points (holistic-hands-body-75, masa-49): the non-manual branch does
/// not run and the fusion takes the learned `absent_non_manual` [d] vector in its place at every frame
/// (the fusion keeps its shape, nothing is fed zeros); `streams` then holds only `manual`.
/// `streams["manual"]` / `streams["non_manual"]` [B, T, d] are the branch outputs ⊙ mask; the keys
/// present say which branches ran. A layout lacking the body or a hand is an error naming the layout
/// and the missing part. Eval mode (`eval()`): dropout off, BatchNorm running statistics.
public final class MSLUEncoder: Module, PoseEncoder {
    let bodyGcn: PartGCN
    let handGcn: PartGCN
    let nonManualGcn: PartGCN
    let maskToken: Tensor
    let manual: TemporalBranch
    let nonManual: TemporalBranch
    let absentNonManual: Tensor
    let fusion: Linear
    public let config: MSLUEncoderConfig
    private var graphCache: [PoseLayout: LayoutGraphs] = [:]
    private let cacheLock = NSLock()

    public var outputDim: Int { config.outputDim }

    /// Builds the encoder with parameters drawn from `seed` (PyTorch-like inits; mask tokens and the
    /// absent vector N(0, 0.02²)).
    public init(config: MSLUEncoderConfig, seed: UInt64 = 0) throws {
        var rng = RandomStream(seed: seed)
        let (c, w, k) = (config.inputChannels, config.gcnWidths, config.partitions)
        bodyGcn = PartGCN(inChannels: c, widths: w, partitions: k, norm: config.gcnNorm, rng: &rng)
        handGcn = PartGCN(inChannels: c, widths: w, partitions: k, norm: config.gcnNorm, rng: &rng)
        nonManualGcn = PartGCN(inChannels: c, widths: w, partitions: k, norm: config.gcnNorm, rng: &rng)
        maskToken = Tensor.randn([PartToken.allCases.count, config.partDim], std: 0.02, rng: &rng, requiresGrad: true)
        manual = try TemporalBranch(inDim: 3 * config.partDim, config: config, rng: &rng)
        nonManual = try TemporalBranch(inDim: config.partDim, config: config, rng: &rng)
        absentNonManual = Tensor.randn([config.branchDim], std: 0.02, rng: &rng, requiresGrad: true)
        fusion = Linear(2 * config.branchDim, config.outputDim, rng: &rng)
        self.config = config
        super.init()
    }

    /// The part graphs of `layout` (cached per layout); throws when it lacks the body or a hand.
    public func graphs(for layout: PoseLayout) throws -> LayoutGraphs {
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let g = graphCache[layout] { return g }
        let g = try LayoutGraphs(layout: layout, strategy: config.strategy)
        graphCache[layout] = g
        return g
    }

    public func encode(_ batch: PoseBatch, masking: PoseMasking?) throws -> EncoderOutput {
        let parts = try partTokens(batch, masking: masking)
        let (b, t, d) = (batch.size, batch.frames, config.branchDim)
        let mask3 = try batch.mask.reshaped([b, t, 1])
        let manualRows = try Tensor.concat([parts.body, parts.leftHand, parts.rightHand], axis: 1)
        let manualIn = try parts.frames.scatter(try manual.proj(manualRows)).reshaped([b, t, d])
        let manualOut = try manual.contextualize(manualIn, mask: batch.mask)
        var streams = ["manual": try manualOut * mask3]
        let nonManualOut: Tensor
        if let nm = parts.nonManual {
            let nmIn = try parts.frames.scatter(try nonManual.proj(nm)).reshaped([b, t, d])
            nonManualOut = try nonManual.contextualize(nmIn, mask: batch.mask)
            streams["non_manual"] = try nonManualOut * mask3
        } else {
            nonManualOut = try absentNonManual.expanded(to: [b, t, d])
        }
        let tokens = try fusion(try Tensor.concat([manualOut, nonManualOut], axis: 2)) * mask3
        let counts = Tensor(uninitializedShape: [b, 1])
        for (i, n) in batch.lengths.enumerated() { counts.pointer[i] = Float(max(n, 1)) }
        let pooled = try tokens.sum(axes: [1]) / counts
        return EncoderOutput(tokens: tokens, mask: batch.mask, pooled: pooled, streams: streams)
    }

    /// The part tokens of the valid frames, after joint and part-token masking.
    public struct PartTokens {
        let frames: ValidFrames
        /// [Nv, w] each, Nv = the valid frames in batch order (b, then t).
        public let body, leftHand, rightHand: Tensor
        /// nil when the layout has no face and mouth points.
        public let nonManual: Tensor?
    }

    /// Steps 1–3 of `encode`: the part tokens of the valid frames (for tests and analysis).
    public func partTokens(_ batch: PoseBatch, masking: PoseMasking?) throws -> PartTokens {
        let g = try graphs(for: batch.layout)
        let (b, t, p, c) = (batch.poses.shape[0], batch.poses.shape[1], batch.poses.shape[2], batch.poses.shape[3])
        guard c == config.inputChannels else {
            throw TensorError("MSLUEncoder", "poses have \(c) channels per point, the encoder was built for \(config.inputChannels) (x, y, score)")
        }
        var x = batch.poses
        if let joints = masking?.joints {
            guard joints.shape == [b, t, p] else {
                throw TensorError("MSLUEncoder", "masking.joints must be [\(b), \(t), \(p)], got \(joints.shape)")
            }
            x = try x * (1 - joints).reshaped([b, t, p, 1])
        }
        let frames = ValidFrames(mask: batch.mask)
        guard frames.count > 0 else { throw TensorError("MSLUEncoder", "the batch has no valid frame (mask is all zeros)") }
        let rows = try frames.gather(try x.reshaped([b * t, p, c]))
        let nv = frames.count

        var body = try bodyGcn(try Self.nodeMajor(rows, g.body.indices), aggregation: g.bodyAggregation)
        let vh = g.rightHand.nodes
        let hands = try rows.indexSelect(axis: 1, indices: g.leftHand.indices + g.rightHand.indices)
            .reshaped([nv, 2, vh, c]).permuted([2, 1, 0, 3]) * Self.handSigns(channels: c)
        let handTokens = try handGcn(try hands.reshaped([vh, 2 * nv, c]), aggregation: g.handAggregation)
        var left = try handTokens.slice(axis: 0, start: 0, end: nv)
        var right = try handTokens.slice(axis: 0, start: nv, end: 2 * nv)
        var nonManualTokens = try g.nonManual.map {
            try nonManualGcn(try Self.nodeMajor(rows, $0.indices), aggregation: g.nonManualAggregation!)
        }

        if let m = masking?.partTokens {
            guard m.shape == [b, t, PartToken.allCases.count] else {
                throw TensorError("MSLUEncoder", "masking.partTokens must be [\(b), \(t), \(PartToken.allCases.count)], got \(m.shape)")
            }
            let mv = try frames.gather(try m.reshaped([b * t, PartToken.allCases.count]))
            func masked(_ token: Tensor, _ part: PartToken) throws -> Tensor {
                let column = try mv.slice(axis: 1, start: part.rawValue, end: part.rawValue + 1)
                return try Tensor.where(column, try maskToken.slice(axis: 0, start: part.rawValue, end: part.rawValue + 1), token)
            }
            body = try masked(body, .body)
            left = try masked(left, .leftHand)
            right = try masked(right, .rightHand)
            nonManualTokens = try nonManualTokens.map { try masked($0, .nonManual) }
        }
        return PartTokens(frames: frames, body: body, leftHand: left, rightHand: right, nonManual: nonManualTokens)
    }

    /// rows [Nv, P, C] → the part's points node-major [V, Nv, C].
    static func nodeMajor(_ rows: Tensor, _ indices: [Int]) throws -> Tensor {
        try rows.indexSelect(axis: 1, indices: indices).permuted([1, 0, 2])
    }

    /// [1, 2, 1, C]: −1 on the x channel of the left hand (hand 0), 1 elsewhere.
    static func handSigns(channels c: Int) -> Tensor {
        let s = Tensor.ones([1, 2, 1, c])
        s.pointer[0] = -1
        return s
    }
}

/// The valid frames of a [B, T] mask as flat rows b·T + t, with the map back to the padded grid.
struct ValidFrames {
    /// Flat indices of the valid frames, ascending.
    let rows: [Int]
    /// For every flat frame, its position in `rows`, or `rows.count` (a zero row) for padding.
    let positions: [Int]
    var count: Int { rows.count }
    var all: Bool { rows.count == positions.count }

    init(mask: Tensor) {
        var rows: [Int] = [], positions: [Int] = []
        for i in 0..<mask.count {
            if mask.pointer[i] > 0 { positions.append(rows.count); rows.append(i) } else { positions.append(-1) }
        }
        self.rows = rows
        self.positions = positions.map { $0 < 0 ? rows.count : $0 }
    }

    /// x [B·T, …] → [Nv, …] (identity when every frame is valid).
    func gather(_ x: Tensor) throws -> Tensor {
        all ? x : try x.indexSelect(axis: 0, indices: rows)
    }

    /// rows [Nv, d] → [B·T, d] with zeros on padded frames.
    func scatter(_ x: Tensor) throws -> Tensor {
        if all { return x }
        let padded = try Tensor.concat([x, Tensor.zeros([1, x.shape[1]])], axis: 0)
        return try padded.indexSelect(axis: 0, indices: positions)
    }
}
