/// Selection and masks (engine `where`, `maskedFill`, attention key masks). Masked positions get
/// a large finite negative (`maskedScore`, −1e9), never −∞, so a fully masked softmax row stays finite.
extension ONNXGraphBuilder {
    /// The additive score for hidden positions (AttentionPooling's −10⁹).
    public static let maskedScore: Float = -1e9

    /// a where condition else b (Where); `condition` is a bool value.
    public func `where`(_ condition: String, _ a: String, _ b: String) throws -> String {
        try apply("Where", [condition, a, b])
    }

    /// Engine `where(condition, a, b)` with a Float condition (nonzero = true): Cast to bool, Where.
    public func whereNonzero(_ condition: String, _ a: String, _ b: String) throws -> String {
        try `where`(try cast(condition, to: .bool), a, b)
    }

    /// Engine `maskedFill(mask, value)`: `value` where mask ≠ 0, else x (mask broadcasts to x).
    public func maskedFill(_ x: String, mask: String, value: Float) throws -> String {
        try whereNonzero(mask, try constant(value), x)
    }

    /// A keep mask (1 = valid, 0 = padding, float) as additive scores: (keep − 1)·10⁹, i.e. 0 for valid
    /// and −10⁹ for padded positions; add it to the scores before a softmax.
    public func additiveMask(_ keep: String) throws -> String {
        try mul(try add(keep, -1), -Self.maskedScore)
    }
}
