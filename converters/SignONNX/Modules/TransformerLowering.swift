import SignTensor
import SignNN

extension ONNXGraphBuilder {
    /// `TransformerEncoderLayer` in eval mode, with the Swift module's norm placement:
    ///   post-LN: h = norm1(x + SA(x));  y = norm2(h + FF(h))
    ///   pre-LN:  h = x + SA(norm1(x));  y = h + FF(norm2(h))
    /// SA = self_attn(·, keyMask), FF = linear2(act(linear1(·))); dropouts are the identity.
    public func lower(_ m: TransformerEncoderLayer, _ x: String, keyMask: String? = nil) throws -> String {
        func sa(_ h: String) throws -> String { try scope("self_attn") { try lower(m.selfAttn, h, keyMask: keyMask) } }
        func ff(_ h: String) throws -> String { try feedForward(m.linear1, m.activation, m.linear2, h) }
        func norm(_ name: String, _ n: LayerNorm, _ h: String) throws -> String { try scope(name) { try lower(n, h) } }
        if m.normFirst {
            let h = try add(x, try sa(try norm("norm1", m.norm1, x)))
            return moduleOutput(try add(h, try ff(try norm("norm2", m.norm2, h))))
        }
        let h = try norm("norm1", m.norm1, try add(x, try sa(x)))
        return moduleOutput(try norm("norm2", m.norm2, try add(h, try ff(h))))
    }

    /// `TransformerDecoderLayer` in eval mode (causal self-attention by default, cross-attention to
    /// `memory` [B, Sm, D]):
    ///   post-LN: h = norm1(x + SA(x));  h = norm2(h + CA(h, mem));  y = norm3(h + FF(h))
    ///   pre-LN:  h = x + SA(norm1(x));  h = h + CA(norm2(h), mem);  y = h + FF(norm3(h))
    public func lower(_ m: TransformerDecoderLayer, _ x: String, memory: String, selfKeyMask: String?,
                      memoryKeyMask: String?, causal: Bool = true) throws -> String {
        func sa(_ h: String) throws -> String {
            try scope("self_attn") { try lower(m.selfAttn, h, keyMask: selfKeyMask, causal: causal) }
        }
        func ca(_ h: String) throws -> String {
            try scope("multihead_attn") { try lower(m.multiheadAttn, query: h, key: memory, value: memory, keyMask: memoryKeyMask) }
        }
        func ff(_ h: String) throws -> String { try feedForward(m.linear1, m.activation, m.linear2, h) }
        func norm(_ name: String, _ n: LayerNorm, _ h: String) throws -> String { try scope(name) { try lower(n, h) } }
        if m.normFirst {
            var h = try add(x, try sa(try norm("norm1", m.norm1, x)))
            h = try add(h, try ca(try norm("norm2", m.norm2, h)))
            return moduleOutput(try add(h, try ff(try norm("norm3", m.norm3, h))))
        }
        var h = try norm("norm1", m.norm1, try add(x, try sa(x)))
        h = try norm("norm2", m.norm2, try add(h, try ca(h)))
        return moduleOutput(try norm("norm3", m.norm3, try add(h, try ff(h))))
    }

    /// `TransformerEncoder`: `layers.N` in order, then the optional final `norm`.
    public func lower(_ m: TransformerEncoder, _ x: String, keyMask: String? = nil) throws -> String {
        var h = x
        for (i, layer) in m.layers.enumerated() { h = try scope("layers.\(i)") { try lower(layer, h, keyMask: keyMask) } }
        if let norm = m.norm { h = try scope("norm") { try lower(norm, h) } }
        return moduleOutput(h)
    }

    /// linear2(act(linear1(x))) with the children's scopes.
    func feedForward(_ linear1: Linear, _ activation: Activation, _ linear2: Linear, _ x: String) throws -> String {
        let h = try lower(activation, try scope("linear1") { try lower(linear1, x) })
        return try scope("linear2") { try lower(linear2, h) }
    }
}
