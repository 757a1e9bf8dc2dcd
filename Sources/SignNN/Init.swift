import Foundation
import SignTensor

/// Parameter initializers with PyTorch's conventions (`torch.nn.init`). Each returns a new tensor
/// drawn from `rng` (one seeded stream per purpose), with `requiresGrad` set by default since these
/// make parameters.
///
/// Fans (torch `_calculate_fan_in_and_fan_out`): for a weight [out, in, k₁, k₂, …] the receptive field
/// is r = Π kᵢ (1 for [out, in]), fan_in = in·r and fan_out = out·r. Shapes of rank < 2 have no fans
/// and throw.
public enum Init {
    /// Which fan the Kaiming initializers preserve: `fanIn` keeps forward activations' variance,
    /// `fanOut` keeps backward gradients' variance.
    public enum FanMode: Sendable { case fanIn, fanOut }

    /// (fan_in, fan_out) of a weight shape [out, in, k…].
    public static func fans(_ shape: [Int]) throws -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else {
            throw TensorError("Init.fans", "fan in and fan out need a shape of rank ≥ 2, got \(shapeText(shape))")
        }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).
    public static func xavierUniform(_ shape: [Int], gain: Float = 1, rng: inout RandomStream, requiresGrad: Bool = true) throws -> Tensor {
        let (fi, fo) = try fans(shape)
        let bound = gain * (6 / Float(Swift.max(fi + fo, 1))).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, rng: &rng, requiresGrad: requiresGrad)
    }

    /// N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)).
    public static func xavierNormal(_ shape: [Int], gain: Float = 1, rng: inout RandomStream, requiresGrad: Bool = true) throws -> Tensor {
        let (fi, fo) = try fans(shape)
        let std = gain * (2 / Float(Swift.max(fi + fo, 1))).squareRoot()
        return Tensor.randn(shape, std: std, rng: &rng, requiresGrad: requiresGrad)
    }

    /// The leaky-ReLU gain √(2 / (1 + a²)) (torch's default nonlinearity for Kaiming; a = 0 is ReLU's √2).
    public static func leakyReLUGain(_ a: Float) -> Float { (2 / (1 + a * a)).squareRoot() }

    /// U(−b, b) with b = gain·√(3 / fan), gain = √(2 / (1 + a²)), fan by `mode`.
    /// `a = √5` with `.fanIn` gives b = 1/√fan_in, the default init of `nn.Linear.weight`.
    public static func kaimingUniform(_ shape: [Int], a: Float = 0, mode: FanMode = .fanIn, rng: inout RandomStream, requiresGrad: Bool = true) throws -> Tensor {
        let fan = try selectFan(shape, mode)
        let bound = leakyReLUGain(a) * (3 / Float(fan)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, rng: &rng, requiresGrad: requiresGrad)
    }

    /// N(0, σ²) with σ = gain / √fan, gain = √(2 / (1 + a²)), fan by `mode`.
    public static func kaimingNormal(_ shape: [Int], a: Float = 0, mode: FanMode = .fanIn, rng: inout RandomStream, requiresGrad: Bool = true) throws -> Tensor {
        let fan = try selectFan(shape, mode)
        let std = leakyReLUGain(a) / Float(fan).squareRoot()
        return Tensor.randn(shape, std: std, rng: &rng, requiresGrad: requiresGrad)
    }

    /// N(mean, std²), any shape.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float, rng: inout RandomStream, requiresGrad: Bool = true) -> Tensor {
        let t = Tensor.randn(shape, std: std, rng: &rng)
        if mean != 0 { for i in 0..<t.count { t.pointer[i] += mean } }
        t.requiresGrad = requiresGrad
        return t
    }

    /// N(mean, std²) restricted to [low, high] (absolute bounds, like `trunc_normal_`; default ±2σ
    /// around the mean): values outside are redrawn, so the result is an exact truncated normal.
    /// Throws when the interval is empty or holds under 1e-4 of the mass (redrawing would not end).
    public static func truncatedNormal(_ shape: [Int], mean: Float = 0, std: Float, low: Float? = nil, high: Float? = nil,
                                       rng: inout RandomStream, requiresGrad: Bool = true) throws -> Tensor {
        let lo = low ?? mean - 2 * std, hi = high ?? mean + 2 * std
        let cdf = { (x: Float) -> Double in 0.5 * (1 + Foundation.erf(Double((x - mean) / std) / 2.0.squareRoot())) }
        guard std > 0, lo < hi, cdf(hi) - cdf(lo) >= 1e-4 else {
            throw TensorError("Init.truncatedNormal", "interval [\(lo), \(hi)] holds too little of N(\(mean), \(std)²)")
        }
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count {
            var v = mean + std * rng.normal()
            while v < lo || v > hi { v = mean + std * rng.normal() }
            t.pointer[i] = v
        }
        t.requiresGrad = requiresGrad
        return t
    }

    /// All zeros (biases, the last projection of residual branches).
    public static func zeros(_ shape: [Int], requiresGrad: Bool = true) -> Tensor { Tensor.zeros(shape, requiresGrad: requiresGrad) }

    /// All ones (norm scales).
    public static func ones(_ shape: [Int], requiresGrad: Bool = true) -> Tensor { Tensor.ones(shape, requiresGrad: requiresGrad) }

    private static func selectFan(_ shape: [Int], _ mode: FanMode) throws -> Int {
        let (fi, fo) = try fans(shape)
        let fan = mode == .fanIn ? fi : fo
        guard fan > 0 else { throw TensorError("Init.kaiming", "zero fan for shape \(shapeText(shape))") }
        return fan
    }
}

/// `[2, 3]` — shapes as errors print them.
func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
