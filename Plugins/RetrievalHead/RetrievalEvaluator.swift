import SignCore
import SignTensor

/// Embeds a whole split and scores retrieval over the full gallery, in both directions.
///
/// Gallery and queries: every clip contributes its pose embedding; the texts are de-duplicated —
/// identical strings form one text-gallery entry (embedded once, at first sight), and a clip matches
/// the entry of its own text. So with U distinct texts among N clips:
/// - pose → text (`v2t_*`): N queries against the U distinct texts; each clip has exactly one match.
/// - text → pose (`t2v_*`): U queries (each distinct text once) against the N clips; every clip with
///   that text is a match, and a query is ranked by its best-scoring match.
/// Ranks are 1-based and break ties pessimistically (`TieBreaking.pessimistic`: a non-matching item
/// with an equal similarity ranks ahead). Metrics (R@K as fractions in [0, 1]):
///   `v2t_r1`, `v2t_r5`, `v2t_r10`, `v2t_medr`, `t2v_r1`, `t2v_r5`, `t2v_r10`, `t2v_medr`,
///   `clips` (N), `texts` (U). MedR is `numpy.median` of the ranks (may end in .5).
/// Embeddings are computed in eval mode without gradient; memory is N·E + U·E floats plus one
/// N × U similarity matrix at the end.
public final class RetrievalEvaluator: HeadEvaluator {
    public let head: RetrievalHead
    /// Pose embeddings, one row of E per clip, in the order added.
    public private(set) var poseRows: [Float] = []
    /// Each clip's text.
    public private(set) var clipTexts: [String] = []
    /// The distinct texts in order of first appearance, and their embeddings (rows of E).
    public private(set) var distinctTexts: [String] = []
    public private(set) var textRows: [Float] = []
    private var textIndex: [String: Int] = [:]

    public init(head: RetrievalHead) { self.head = head }

    public func add(_ input: HeadInput) throws {
        let (texts, features) = try head.checkedText(input)
        let (v, t) = try head.inference { (try head.poseEmbedding(input.encoded), try head.textEmbedding(features)) }
        let e = head.config.embedDim
        poseRows += UnsafeBufferPointer(start: v.pointer, count: v.count)
        for (row, text) in texts.enumerated() {
            clipTexts.append(text)
            if textIndex[text] == nil {
                textIndex[text] = distinctTexts.count
                distinctTexts.append(text)
                textRows += UnsafeBufferPointer(start: t.pointer + row * e, count: e)
            }
        }
    }

    /// The ranks of both directions: pose → text (one per clip) and text → pose (one per distinct text).
    public func ranks() throws -> (poseToText: [Int], textToPose: [Int]) {
        guard !clipTexts.isEmpty else { throw TensorError("head/retrieval evaluator", "no clip was evaluated") }
        let e = head.config.embedDim, n = clipTexts.count, u = distinctTexts.count
        let poses = try Tensor(shape: [n, e], data: poseRows), texts = try Tensor(shape: [u, e], data: textRows)
        let clipToText = clipTexts.map { textIndex[$0]! }
        var clipsOfText = [[Int]](repeating: [], count: u)
        for (clip, text) in clipToText.enumerated() { clipsOfText[text].append(clip) }
        return try withNoGrad {
            let v2t = try retrievalRanks(scores: try poses.matmul(texts, transposeOther: true),
                                         positives: clipToText.map { [$0] }, ties: .pessimistic)
            let t2v = try retrievalRanks(scores: try texts.matmul(poses, transposeOther: true),
                                         positives: clipsOfText, ties: .pessimistic)
            return (v2t, t2v)
        }
    }

    public func metrics() throws -> [String: Double] {
        let (v2t, t2v) = try ranks()
        var out: [String: Double] = ["clips": Double(clipTexts.count), "texts": Double(distinctTexts.count)]
        for (name, r) in [("v2t", v2t), ("t2v", t2v)] {
            for k in [1, 5, 10] { out["\(name)_r\(k)"] = try recallAtK(ranks: r, k: k) }
            out["\(name)_medr"] = try medianRank(r)
        }
        return out
    }
}
