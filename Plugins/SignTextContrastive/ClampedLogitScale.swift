import Foundation
import SignTensor

/// A learnable InfoNCE temperature kept as `logit_scale` = log(1/τ) (CLIP) and clamped at τ_min:
/// the similarity scale is exp(min(logit_scale, log(1/τ_min))) = 1/τ, whose gradient reaches the
/// parameter unless the clamp is active.
public protocol ClampedLogitScale: AnyObject {
    /// log(1/τ), the learned parameter (a scalar).
    var logitScale: Tensor { get }
    /// The lower bound τ_min.
    var minTemperature: Double { get }
}

extension ClampedLogitScale {
    /// The largest logit scale, log(1/τ_min).
    public var maxLogitScale: Float { Float(Foundation.log(1 / minTemperature)) }

    /// exp(min(logit_scale, log(1/τ_min))) = 1/τ: tracks the parameter's gradient unless clamped.
    public func scale() -> Tensor {
        logitScale.item > maxLogitScale ? Tensor(maxLogitScale).exp() : logitScale.exp()
    }

    /// The effective temperature τ = 1 / scale.
    public var temperature: Float { 1 / Foundation.exp(Swift.min(logitScale.item, maxLogitScale)) }
}
