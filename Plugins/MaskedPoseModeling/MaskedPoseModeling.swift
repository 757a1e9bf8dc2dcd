import SignCore
import SignNN
import SignPose
import SignTensor

/// `pretext/masked-pose`: BERT-style masked pose modeling (paper notes §4.1).
///
/// On each batch: draw a `MaskPlan` from `context.rng` (`MaskSampler`), encode the batch with that
/// masking, decode every frame's tokens into part keypoints (`PoseDecoder`) and score the masked
/// positions with the confidence-weighted L1 (`maskedPoseL1`).
///
/// Terms: `masked_pose.l1`. Metrics: `masked_pose.masked_ratio` (valid frames carrying masking /
/// valid frames), `masked_pose.masked_points` (positions with weight > 0), and
/// `masked_pose.copy_nearest_l1`, the loss of copying the nearest unmasked frame on the same
/// positions (the model has learned something once `l1` is below it), and `masked_pose.interpolate_l1`,
/// linear interpolation between the nearest visible frames on either side (a stronger classical baseline).
/// With `visibleContext` (default) the decoder also gets the visible keypoints around each point
/// (`VisiblePoseContext`) and predicts the residual from the copy-nearest reference.
/// The encoder must keep one token per frame (T′ = T).
public final class MaskedPoseModeling: Module, PretextTask {
    public let decoder: PoseDecoder
    public let config: MaskedPoseConfig

    public var termPrefix: String { "masked_pose" }
    public var needsText: Bool { false }

    public init(config: MaskedPoseConfig, encoderDim: Int, layout: PoseLayout, rng: inout RandomStream) throws {
        self.config = config
        decoder = try PoseDecoder(inputDim: encoderDim, layout: layout, dim: config.decoderDim, layers: config.decoderLayers,
                                  heads: config.decoderHeads, ffDim: config.decoderFFDim, dropout: Float(config.dropout),
                                  visibleContext: config.visibleContext, rng: &rng)
        super.init()
    }

    public func compute(_ context: PretextContext) throws -> PretextResult {
        let batch = context.batch
        try decoder.check(batch.layout)
        let plan = try MaskSampler(config: config).sample(batch: batch, rng: &context.rng)
        let encoded = try context.encoder.encode(batch, masking: plan.masking)
        guard encoded.tokens.rank == 3, Array(encoded.tokens.shape.prefix(2)) == [batch.size, batch.frames] else {
            throw TensorError("pretext/masked-pose", "masked pose modeling needs one encoder token per frame: batch is [\(batch.size), \(batch.frames)] frames, "
                              + "encoder tokens are \(encoded.tokens.shape)")
        }
        let points = PoseDecoder.pointOrder(batch.layout)
        let visible = try VisiblePoseContext(poses: batch.poses, lossPoints: plan.lossPoints, validFrames: batch.mask, points: points)
        let prediction = try decoder(encoded.tokens, keyMask: encoded.mask, context: decoder.contextProjection == nil ? nil : visible)
        let targets = try MaskedPoseTargets(poses: batch.poses, lossPoints: plan.lossPoints, points: points)
        let loss = try maskedPoseL1(prediction: prediction, targets: targets)
        let baseline = copyNearestUnmaskedLoss(targets: targets, lossPoints: plan.lossPoints, validFrames: batch.mask, points: points)
        var positions = 0
        for i in 0..<targets.weight.count where targets.weight.pointer[i] > 0 { positions += 1 }
        return PretextResult(terms: ["masked_pose.l1": loss],
                             metrics: ["masked_pose.masked_ratio": plan.maskedFrameRatio,
                                       "masked_pose.masked_points": Float(positions),
                                       "masked_pose.copy_nearest_l1": baseline,
                                       "masked_pose.interpolate_l1": weightedL1(visible.interpolation, targets: targets)])
    }
}
