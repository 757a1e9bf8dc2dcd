import Foundation

/// Everything beyond weights and optimizer moments that a resumed run needs to continue with the
/// same bits (`trainer_state.json` beside the checkpoint).
public struct TrainerState: Codable, Equatable, Sendable {
    public var schema = 1
    /// Optimizer steps completed.
    public var step = 0
    /// The epoch in progress and how many of its batches were consumed.
    public var epoch = 0
    public var batchesIntoEpoch = 0
    /// Clips seen so far.
    public var clips = 0
    /// The last evaluation's mean terms (for best-checkpoint selection and cards).
    public var lastEval: [String: Double] = [:]
    /// The best evaluation so far under `Trainer.selection` (nil without selection or before the first).
    public var best: BestCheckpoint?
    public var config: TrainerConfig

    public init(config: TrainerConfig) { self.config = config }
}
