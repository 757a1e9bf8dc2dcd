import Foundation

/// A learning rate as a function of the optimizer step. `step` is the 0-based index of the update
/// about to run (`optimizer.stepCount` before calling `step()`).
public protocol LearningRateSchedule: Sendable {
    func learningRate(at step: Int) -> Float
}

extension Optimizer {
    /// Sets `learningRate` from `schedule` for the update about to run (index `stepCount`).
    public func apply(_ schedule: any LearningRateSchedule) {
        learningRate = schedule.learningRate(at: stepCount)
    }
}

/// Linear warmup from 0, then half a cosine down to `minLR` (Hugging Face's
/// `get_cosine_with_min_lr_schedule_with_warmup`, i.e. torch's `CosineAnnealingLR` after the warmup):
///   s < W:        lr = baseLR · s / W
///   W ≤ s:        q = min(1, (s − W) / max(1, S − W)),   lr = minLR + (baseLR − minLR) · ½(1 + cos πq)
/// with W = `warmupSteps`, S = `totalSteps`. Step 0 runs at lr 0 when W > 0; from step S on, lr = minLR.
public struct WarmupCosine: LearningRateSchedule {
    public let baseLR: Float, warmupSteps: Int, totalSteps: Int, minLR: Float

    public init(baseLR: Float, warmupSteps: Int, totalSteps: Int, minLR: Float = 0) {
        self.baseLR = baseLR
        self.warmupSteps = Swift.max(0, warmupSteps)
        self.totalSteps = Swift.max(0, totalSteps)
        self.minLR = minLR
    }

    public func learningRate(at step: Int) -> Float {
        let s = Swift.max(0, step)
        if s < warmupSteps { return Float(Double(baseLR) * Double(s) / Double(warmupSteps)) }
        let q = Swift.min(1, Double(s - warmupSteps) / Double(Swift.max(1, totalSteps - warmupSteps)))
        return Float(Double(minLR) + (Double(baseLR) - Double(minLR)) * 0.5 * (1 + cos(Double.pi * q)))
    }
}

/// Multiplies the rate by `gamma` every `stepSize` steps (torch `StepLR`): lr = baseLR · γ^⌊s / stepSize⌋.
public struct StepDecay: LearningRateSchedule {
    public let baseLR: Float, stepSize: Int, gamma: Float

    public init(baseLR: Float, stepSize: Int, gamma: Float = 0.1) {
        self.baseLR = baseLR
        self.stepSize = Swift.max(1, stepSize)
        self.gamma = gamma
    }

    public func learningRate(at step: Int) -> Float {
        Float(Double(baseLR) * pow(Double(gamma), Double(Swift.max(0, step) / stepSize)))
    }
}

/// The same rate at every step.
public struct Constant: LearningRateSchedule {
    public let rate: Float
    public init(_ rate: Float) { self.rate = rate }
    public func learningRate(at step: Int) -> Float { rate }
}
