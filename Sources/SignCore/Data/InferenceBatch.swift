import SignPose
import SignTensor

extension PosePipeline {
    /// Raw clips (as read from files) → an evaluation batch: each clip `prepare`d once in eval mode
    /// (layout subset, normalization, evenly spaced frames up to `maxFrames`), then collated; the
    /// batch's layout is the pipeline's (or the clips' own when the pipeline keeps it). This is what
    /// `PackBatchSource` does for a held-out split, so a clip predicted from its file meets the model
    /// exactly as in evaluation (up to the pack's float16 storage).
    public func inferenceBatch(_ clips: [PoseSequence], ids: [String]) throws -> PoseBatch {
        guard clips.count == ids.count, !clips.isEmpty else {
            throw TensorError("inferenceBatch", "expected one id per clip and at least one clip, got \(clips.count) clips and \(ids.count) ids")
        }
        var rng = RandomStream(seed: 0)   // eval mode draws nothing; the stream only fills the signature
        let prepared = try zip(clips, ids).map { try prepare($0, training: false, rng: &rng, file: $1) }
        let (poses, mask) = try collator.collate(prepared, training: false, rng: &rng)
        let layout = try self.layout.map { try PoseLayouts.named($0) } ?? prepared[0].layout
        return try PoseBatch(poses: poses, mask: mask, layout: layout, ids: ids)
    }
}

extension FinetuneObjective {
    /// The head's predictions for a batch (eval mode, no gradient; the training mode is restored).
    public func predict(_ batch: PoseBatch, topK: Int) throws -> [HeadPrediction] {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        return try withNoGrad { try head.predict(try headInput(batch, encoderGrad: false), topK: topK) }
    }
}
