import SignNN
import SignTensor

/// Batches of pose clips, restartable: `makeIterator(epoch:)` must return the same batches in the
/// same order for the same epoch (shuffling and augmentation seeded by (seed, epoch, position)),
/// so a resumed run can skip to where it stopped and continue with the same bits.
public protocol BatchSource {
    func makeIterator(epoch: Int) throws -> any BatchIterator
}

public protocol BatchIterator: AnyObject {
    /// The next batch, or nil at the end of the epoch.
    func next() throws -> PoseBatch?
}

/// Loss terms and metrics of one batch.
public struct StepOutput {
    /// Unweighted scalar losses by name (`masked_pose.l1`, `contrastive.infonce`, `islr.ce`).
    public var terms: [String: Tensor]
    public var metrics: [String: Float]
    public init(terms: [String: Tensor], metrics: [String: Float] = [:]) { self.terms = terms; self.metrics = metrics }
}

/// What the Trainer optimizes: a module (everything trainable and every buffer, saved in checkpoints)
/// and the loss terms it produces on a batch. Pre-training and fine-tuning each provide one.
public protocol TrainingObjective: AnyObject {
    var model: Module { get }
    /// Loss terms for `batch`. `step` seeds the objective's own randomness (masking); `training`
    /// is false during evaluation.
    func compute(_ batch: PoseBatch, step: Int, training: Bool) throws -> StepOutput
}

/// An objective whose parameters have layer depths (fine-tuning): the Trainer asks it for
/// per-parameter learning-rate scales when the recipe sets `optimizer.layerDecay`.
public protocol LayerDecaying: TrainingObjective {
    /// The scale of each named trainable parameter for decay `d` (see `LayerDecay`).
    func learningRateScales(layerDecay d: Double, parameters: [String]) throws -> [String: Double]
}
