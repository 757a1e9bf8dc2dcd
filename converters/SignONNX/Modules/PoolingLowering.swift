import SignTensor
import SignNN

extension ONNXGraphBuilder {
    /// `AttentionPooling` over tokens [B, T, D] with a float mask [B, T] (1 = valid):
    ///   s = Reshape(score(tokens), [0, 0])                       [B, T]
    ///   a = Softmax(Where(1 − mask ≠ 0, −10⁹, s)) · mask          (engine maskedFill, then × mask)
    ///   y = Squeeze(Unsqueeze(a, 1)·tokens, 1)                    [B, D]
    public func lower(_ m: AttentionPooling, tokens: String, mask: String) throws -> String {
        let scores = try reshape(try scope("score") { try lower(m.score, tokens) }, [0, 0])
        let masked = try maskedFill(scores, mask: try sub(1, mask), value: Self.maskedScore)
        let weights = try mul(try softmax(masked, axis: -1), mask)
        return moduleOutput(try squeeze(try matmul(try unsqueeze(weights, axes: [1]), tokens), axes: [1]))
    }

    /// `maskedMeanPool`: y_b = Σ_t m_bt·x_bt / Σ_t m_bt for tokens [B, T, D] and a 0/1 float mask [B, T],
    /// as one batched MatMul of the normalized mask with the tokens.
    public func maskedMeanPool(tokens: String, mask: String) throws -> String {
        let weights = try div(mask, try reduceSum(mask, axes: [1], keepDims: true))
        return try squeeze(try matmul(try unsqueeze(weights, axes: [1]), tokens), axes: [1])
    }
}
