import SignNN
import SignPose
import SignTensor

/// The pose decoder of masked pose modeling (paper notes §3.5 [G]): encoder tokens → (x, y) of every
/// keypoint that belongs to a part.
///
///   h = inputProjection(tokens)                   Linear D → d
///     [+ contextProjection(visible context)]      Linear Q·8 → d (`visibleContext`, see `VisiblePoseContext`)
///   h = layers(h, keyMask)                        pre-LN Transformer layers (GELU), padding masked
///   h = norm(h)                                   final LayerNorm (pre-LN stacks end unnormalized)
///   ŷ_part = <part>Head(h)                        Linear d → 2·J_part, read as [B, T, J_part, 2]
///     [+ reference_part]                          with a visible context: the residual from the copy-nearest
///                                                 reference (heads start at 0.01× their usual init, bias 0,
///                                                 so an untrained decoder predicts about the copy)
///
/// One head per part the layout has (`body_head`, `left_hand_head`, `right_hand_head`, `face_head`,
/// `mouth_head`). The heads depend on each part's point count, so the decoder is sized from the
/// layout given at build time (the recipe's `layout`) and refuses batches whose layout has other
/// counts per part: sizing at build time keeps every parameter known to the optimizer and the
/// checkpoint from the start (lazily built heads would appear after the optimizer was made).
/// Predictions come out concatenated over parts in `PosePart.allCases` order, i.e. for the layout
/// points `pointOrder`. The encoder's tokens already carry position, so the decoder adds none.
/// Discarded after pre-training.
public final class PoseDecoder: Module {
    public let inputProjection: Linear
    /// Embeds the `VisiblePoseContext` features of a frame (nil: the decoder sees the tokens only).
    public let contextProjection: Linear?
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm
    public let bodyHead: Linear?
    public let leftHandHead: Linear?
    public let rightHandHead: Linear?
    public let faceHead: Linear?
    public let mouthHead: Linear?
    /// Point count of each part the decoder predicts (0 for parts it lacks), `PosePart.allCases` order.
    public let pointsPerPart: [Int]
    /// The layout the decoder was sized for.
    public let layoutName: String

    public init(inputDim: Int, layout: PoseLayout, dim: Int, layers depth: Int, heads: Int, ffDim: Int,
                dropout: Float, visibleContext: Bool = false, rng: inout RandomStream) throws {
        inputProjection = Linear(inputDim, dim, rng: &rng)
        layers = try (0..<depth).map { _ in
            try TransformerEncoderLayer(dModel: dim, heads: heads, ffDim: ffDim, dropout: dropout, activation: .gelu,
                                        normFirst: true, rng: &rng)
        }
        norm = LayerNorm(dim)
        pointsPerPart = PosePart.allCases.map { layout.indices(of: $0)?.count ?? 0 }
        var headRng = rng
        func head(_ part: PosePart) -> Linear? {
            let j = layout.indices(of: part)?.count ?? 0
            return j > 0 ? Linear(dim, 2 * j, rng: &headRng) : nil
        }
        bodyHead = head(.body)
        leftHandHead = head(.leftHand)
        rightHandHead = head(.rightHand)
        faceHead = head(.face)
        mouthHead = head(.mouth)
        rng = headRng
        let predicted = pointsPerPart.reduce(0, +)
        contextProjection = visibleContext ? Linear(predicted * VisiblePoseContext.featuresPerPoint, dim, rng: &rng) : nil
        if visibleContext {
            for head in [bodyHead, leftHandHead, rightHandHead, faceHead, mouthHead].compactMap({ $0 }) {
                for i in 0..<head.weight.count { head.weight.pointer[i] *= 0.01 }
                if let bias = head.bias { bias.pointer.update(repeating: 0, count: bias.count) }
            }
        }
        layoutName = layout.name
        super.init()
        guard pointsPerPart.contains(where: { $0 > 0 }) else {
            throw TensorError("PoseDecoder", "layout \(layout.name) has no body, hand, face or mouth points to predict")
        }
    }

    /// Layout point indices in the order of the decoder's output (parts in `PosePart.allCases` order).
    public static func pointOrder(_ layout: PoseLayout) -> [Int] {
        PosePart.allCases.flatMap { layout.indices(of: $0) ?? [] }
    }

    /// Throws unless `layout` has the decoder's point count for every part.
    public func check(_ layout: PoseLayout) throws {
        let counts = PosePart.allCases.map { layout.indices(of: $0)?.count ?? 0 }
        guard counts == pointsPerPart else {
            func text(_ c: [Int]) -> String {
                zip(PosePart.allCases, c).map { "\($0.displayName) \($1)" }.joined(separator: ", ")
            }
            throw TensorError("pretext/masked-pose", "the pose decoder was built for layout \(layoutName) (\(text(pointsPerPart))) "
                              + "but the batch has layout \(layout.name) (\(text(counts))); set the recipe's \"layout\" to the batch layout")
        }
    }

    /// tokens [B, T, D], keyMask [B, T] → predictions [B, T, Q, 2] for the Q points of `pointOrder`.
    /// A decoder with a `contextProjection` needs the batch's `VisiblePoseContext` and predicts
    /// reference + residual.
    public func callAsFunction(_ tokens: Tensor, keyMask: Tensor?, context: VisiblePoseContext? = nil) throws -> Tensor {
        var h = try inputProjection(tokens)
        let b = tokens.shape[0], t = tokens.shape[1]
        if let contextProjection {
            guard let context else {
                throw TensorError("PoseDecoder", "this decoder was built with visibleContext and needs the batch's VisiblePoseContext")
            }
            guard context.features.shape == [b, t, contextProjection.weight.shape[1]] else {
                throw TensorError("PoseDecoder", "context features must be [\(b), \(t), \(contextProjection.weight.shape[1])], got \(context.features.shape)")
            }
            h = try h + contextProjection(context.features)
        }
        for layer in layers { h = try layer(h, keyMask: keyMask) }
        h = try norm(h)
        var parts: [Tensor] = []
        for (head, j) in zip([bodyHead, leftHandHead, rightHandHead, faceHead, mouthHead], pointsPerPart) {
            guard let head else { continue }
            parts.append(try head(h).reshaped([b, t, j, 2]))
        }
        let residual = parts.count == 1 ? parts[0] : try Tensor.concat(parts, axis: 2)
        guard contextProjection != nil, let context else { return residual }
        return try residual + context.reference
    }
}
