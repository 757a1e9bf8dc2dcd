import SignCore
import SignNN

extension MSLUEncoder {
    /// Layer ids for layer-wise learning-rate decay (`LayerDecay`), from the parameter names.
    /// L = `config.layers`; the manual and non-manual branches run side by side, so their layer i
    /// share an id:
    ///
    ///   0     input embedding: `body_gcn.*`, `hand_gcn.*`, `non_manual_gcn.*`, `mask_token`, and each
    ///         branch's `proj.*`, `temporal_conv.*`, `pos_embedding`
    ///   i+1   `manual.encoder.layers.i.*`, `non_manual.encoder.layers.i.*` (i = 0 … L−1)
    ///   L     after the last layer: `manual.encoder.norm.*`, `non_manual.encoder.norm.*`,
    ///         `absent_non_manual` (stands in for the non-manual branch's output), `fusion.*`
    ///
    /// A parameter these rules do not cover is an error naming it (so a new module cannot silently
    /// get the wrong rate).
    public func depth() throws -> EncoderDepth? {
        let top = config.layers
        var ids: [String: Int] = [:]
        for (name, _) in namedParameters() {
            let parts = name.split(separator: ".").map(String.init)
            let id: Int?
            switch parts.first {
            case "body_gcn", "hand_gcn", "non_manual_gcn", "mask_token": id = 0
            case "absent_non_manual", "fusion": id = top
            case "manual", "non_manual":
                switch (parts.count > 1 ? parts[1] : "", parts.count > 2 ? parts[2] : "") {
                case ("proj", _), ("temporal_conv", _), ("pos_embedding", _): id = 0
                case ("encoder", "layers"): id = parts.count > 3 ? Int(parts[3]).map { $0 + 1 } : nil
                case ("encoder", "norm"): id = top
                default: id = nil
                }
            default: id = nil
            }
            guard let id else { throw RecipeError(path: "optimizer.layerDecay", message: "encoder/mslu has no layer rule for parameter \(name)") }
            ids[name] = id
        }
        return try EncoderDepth(layers: top, layerOfParameter: ids)
    }
}
