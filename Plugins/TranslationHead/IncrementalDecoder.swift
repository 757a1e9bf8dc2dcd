import SignCore
import SignNN
import SignTensor

/// The translation head's decoder run one position at a time with a key/value cache (inference
/// only: no dropout, no gradient). Rows are clip-major: row b·beams + k is beam k of clip b.
///
/// Per layer it keeps the memory's packed cross-attention [K | V] ([R, T, 2d], projected once per
/// clip and repeated for the beams) and the self-attention [K | V] of the tokens fed so far
/// ([R, t, 2d], grown by one row per step). A step computes, for the new token at position t,
///   x   = √d·E[y_t] + P[t]
///   x  += out_proj(attn(q = W_q·norm1(x), [K|V]_self ∪ {W_k, W_v · norm1(x)}))
///   x  += out_proj(attn(q = W_q·norm2(x), [K|V]_memory, memory mask))
///   x  += linear2(act(linear1(norm3(x))))
/// and returns log-softmax(logits(norm(x))) — the same numbers as the teacher-forced `forward` at
/// position t (tested), since causal attention at t only sees positions ≤ t.
final class IncrementalDecoder {
    let head: TranslationHead
    let rows: Int
    let beams: Int
    let memoryMask: Tensor
    let memoryKV: [Tensor]
    var selfKV: [Tensor?]
    var position = 0

    init(head: TranslationHead, encoded: EncoderOutput, beams: Int) throws {
        guard beams >= 1 else { throw TensorError("head/translation", "beam width must be ≥ 1, got \(beams)") }
        self.head = head
        self.beams = beams
        let mem = try head.memory(encoded)
        let b = mem.shape[0], d = head.config.dModel
        rows = b * beams
        let repeatRows = (0..<rows).map { $0 / beams }
        memoryMask = beams == 1 ? encoded.mask : try encoded.mask.indexSelect(axis: 0, indices: repeatRows)
        memoryKV = try head.layers.map { layer in
            let kv = try mem.linear(weight: layer.multiheadAttn.inProjWeight, bias: layer.multiheadAttn.inProjBias, outputRows: d..<(3 * d))
            return beams == 1 ? kv : try kv.indexSelect(axis: 0, indices: repeatRows)
        }
        selfKV = Array(repeating: nil, count: head.layers.count)
    }

    /// Feeds one token per row; returns log-probabilities [rows × V], row-major.
    func step(_ tokens: [Int]) throws -> [Float] {
        guard tokens.count == rows else { throw TensorError("head/translation", "decoder step got \(tokens.count) tokens for \(rows) rows") }
        let d = head.config.dModel, heads = head.config.heads
        var x = try head.embed(tokens, rows: rows, length: 1, offset: position)
        for (l, layer) in head.layers.enumerated() {
            let sa = layer.selfAttn
            let h1 = try layer.norm1(x)
            let q = try h1.linear(weight: sa.inProjWeight, bias: sa.inProjBias, outputRows: 0..<d)
            let kvNew = try h1.linear(weight: sa.inProjWeight, bias: sa.inProjBias, outputRows: d..<(3 * d))
            let kv = try selfKV[l].map { try Tensor.concat([$0, kvNew], axis: 1) } ?? kvNew
            selfKV[l] = kv
            x = try x + sa.outProj(try scaledDotProductAttention(query: q, packedKeyValue: kv, heads: heads))
            let ca = layer.multiheadAttn
            let q2 = try layer.norm2(x).linear(weight: ca.inProjWeight, bias: ca.inProjBias, outputRows: 0..<d)
            x = try x + ca.outProj(try scaledDotProductAttention(query: q2, packedKeyValue: memoryKV[l], heads: heads, keyMask: memoryMask))
            x = try x + layer.linear2(layer.activation(try layer.linear1(try layer.norm3(x))))
        }
        position += 1
        let logp = try head.logits(try head.norm(x)).logSoftmax(axis: -1)
        return logp.toArray()
    }

    /// New row i continues old row `origin[i]`: the self-attention caches follow (the memory rows
    /// do not move, since beams never cross clips).
    func reorder(_ origin: [Int]) throws {
        guard origin.count == rows else { throw TensorError("head/translation", "reorder got \(origin.count) rows for \(rows)") }
        for (i, o) in origin.enumerated() where o / beams != i / beams {
            throw TensorError("head/translation", "reorder moves row \(o) of clip \(o / beams) to clip \(i / beams)")
        }
        if origin == Array(0..<rows) { return }
        selfKV = try selfKV.map { try $0?.indexSelect(axis: 0, indices: origin) }
    }
}
