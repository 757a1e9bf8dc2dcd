import SignTensor

/// Token features of a list of texts: [B, L, D] with a [B, L] mask (1 = real token). Sentence-level
/// encoders return L = 1.
public struct TextFeatures {
    public var tokens: Tensor
    public var mask: Tensor
    public init(tokens: Tensor, mask: Tensor) { self.tokens = tokens; self.mask = mask }

    /// [B, D]: the masked mean over tokens.
    public func pooled() throws -> Tensor {
        let m = try mask.reshaped(mask.shape + [1])
        return try (tokens * m).sum(axes: [1]) / (try m.sum(axes: [1]) + 1e-6)
    }
}

/// Texts → token features (`text/…` plugins). Text encoders are frozen during pre-training, so
/// their features carry no gradient and may be cached per distinct text.
public protocol TextEncoder: AnyObject {
    /// Feature width D.
    var outputDim: Int { get }
    /// A stable identifier of the model behind the features (for caches and checkpoint cards).
    var modelID: String { get }
    func encode(_ texts: [String]) throws -> TextFeatures
}
