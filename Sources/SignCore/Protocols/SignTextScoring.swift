import SignTensor

/// A set of embedded items as token sequences: [N, L, E] with a [N, L] mask (1 = real token);
/// clip-level embeddings use L = 1.
public struct EmbeddedTokens {
    public var tokens: Tensor
    public var mask: Tensor
    public init(tokens: Tensor, mask: Tensor) { self.tokens = tokens; self.mask = mask }
    public var count: Int { tokens.shape[0] }

    /// The sets stacked along N, each padded with masked zero tokens to the longest L.
    public static func concatenated(_ sets: [EmbeddedTokens]) throws -> EmbeddedTokens {
        guard let first = sets.first else { throw TensorError("EmbeddedTokens", "nothing to concatenate") }
        let e = first.tokens.shape[2], l = sets.map { $0.tokens.shape[1] }.max()!, n = sets.reduce(0) { $0 + $1.count }
        let tokens = Tensor.zeros([n, l, e]), mask = Tensor.zeros([n, l])
        var row = 0
        for s in sets {
            guard s.tokens.rank == 3, s.tokens.shape[2] == e, s.mask.shape == Array(s.tokens.shape.prefix(2)) else {
                throw TensorError("EmbeddedTokens", "sets must be [N, L, \(e)] with [N, L] masks, got \(s.tokens.shape) and \(s.mask.shape)")
            }
            let sl = s.tokens.shape[1]
            for i in 0..<s.count {
                for j in 0..<sl {
                    mask.pointer[(row + i) * l + j] = s.mask.pointer[i * sl + j]
                    (tokens.pointer + ((row + i) * l + j) * e).update(from: s.tokens.pointer + (i * sl + j) * e, count: e)
                }
            }
            row += s.count
        }
        return EmbeddedTokens(tokens: tokens, mask: mask)
    }
}

/// A pretext task that scores pose clips against texts (sign–text contrastive learning), so a
/// pre-trained checkpoint can be evaluated by retrieval over a whole split: clips and texts are
/// embedded once, then every clip is scored against every text.
public protocol SignTextScoring: PretextTask {
    /// The pose side of a batch's unmasked encoding.
    func embedPoses(_ encoded: EncoderOutput) throws -> EmbeddedTokens
    /// The text side of frozen text features.
    func embedTexts(_ features: TextFeatures) throws -> EmbeddedTokens
    /// [Np, Nt] similarities (higher = better match).
    func scores(poses: EmbeddedTokens, texts: EmbeddedTokens) throws -> Tensor
}
