import Foundation

/// Layer-wise learning-rate decay for fine-tuning (recipe `optimizer.layerDecay: d`, BEiT / ELECTRA
/// style). With an encoder of depth L (`PoseEncoder.depth()`), a parameter of encoder layer i
/// (0 = input embedding, L = top layer) learns at lr·d^(L+1−i), and everything outside the encoder
/// (the head) at lr·1:
///
///   head.*             × 1
///   encoder layer L    × d        (top layer, and what follows it: final norms, fusion)
///   encoder layer L−1  × d²
///   …
///   encoder layer 0    × d^(L+1)  (input embedding: GCNs, mask tokens, input projections)
///
/// Scales are computed in Double (d^k by repeated multiplication) and applied by AdamW per parameter.
public enum LayerDecay {
    /// The learning-rate scale of each name in `parameters` (full names, the encoder's under
    /// `encoderPrefix`). Errors: d outside (0, 1], an encoder without depths, an encoder parameter
    /// the depth table does not name.
    public static func scales(encoder: any PoseEncoder, encoderPrefix: String = "encoder.", parameters: [String],
                              decay d: Double) throws -> [String: Double] {
        guard d > 0, d <= 1 else { throw RecipeError(path: "optimizer.layerDecay", message: "expected a decay in (0, 1], got \(d)") }
        guard let depth = try encoder.depth() else {
            throw RecipeError(path: "optimizer.layerDecay", message: "the encoder (\(type(of: encoder))) defines no layer depths, so layer-wise decay cannot apply")
        }
        let powers = (0...depth.layers + 1).reduce(into: [1.0]) { p, _ in p.append(p.last! * d) }   // powers[k] = d^k
        var out: [String: Double] = [:]
        for name in parameters {
            guard name.hasPrefix(encoderPrefix) else { out[name] = 1; continue }
            let local = String(name.dropFirst(encoderPrefix.count))
            guard let layer = depth.layerOfParameter[local] else {
                throw RecipeError(path: "optimizer.layerDecay", message: "the encoder's depth table has no layer for parameter \(name)")
            }
            out[name] = powers[depth.layers + 1 - layer]
        }
        return out
    }
}
