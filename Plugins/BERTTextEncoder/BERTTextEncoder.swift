import Foundation
import SignCore
import SignNN
import SignTensor

/// `text/bert`: a frozen BERT-family encoder run in Swift on a Hugging Face model folder.
///
/// `encode(texts)` returns the last hidden state of every token, [CLS] and [SEP] included, as
/// `TextFeatures` [B, L_max, D] with mask [B, L_max] (1 = token; padded rows are 0). With `pooled`
/// it returns one row per text, the masked mean over its tokens (sentence-transformers' mean
/// pooling), as [B, 1, D] with mask 1. Features carry no gradient and are cached per distinct text
/// (least recently used evicted beyond `cacheSize` texts). New texts are run in batches of
/// `batchSize`, sorted by length so that little padding is computed.
public final class BERTTextEncoder: TextEncoder {
    public let model: BertModel
    public let tokenizer: BertTokenizer
    public let modelID: String
    public let pooled: Bool
    public let batchSize: Int
    public var outputDim: Int { model.config.hiddenSize }
    private let cache: FeatureCache
    private let lock = NSLock()

    /// Files a folder needs, in the order they are checked.
    public static let requiredFiles = ["config.json", "model.safetensors", "vocab.txt (or tokenizer.json)"]

    /// Loads `folder` (config.json, model.safetensors, vocab.txt or tokenizer.json, optionally
    /// tokenizer_config.json and sentence_bert_config.json). `maxLength` (ids per text, [CLS]/[SEP]
    /// included) defaults to sentence_bert_config.json's max_seq_length, else tokenizer_config.json's
    /// model_max_length, capped by the model's positions. `modelID` defaults to the folder's path.
    public init(folder: URL, maxLength: Int? = nil, batchSize: Int = 32, cacheSize: Int = 4096,
                pooled: Bool = false, modelID: String? = nil) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BERTError("model folder \(folder.path) does not exist (it needs \(Self.requiredFiles.joined(separator: ", ")))")
        }
        func need(_ name: String, _ hint: String = "") throws -> URL {
            let url = folder.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path) else { throw BERTError("model folder \(folder.path) has no \(name)\(hint)") }
            return url
        }
        let configURL = try need("config.json")
        let binHint = fm.fileExists(atPath: folder.appendingPathComponent("pytorch_model.bin").path)
            ? " (it has pytorch_model.bin: convert it once with `python3 converters/python/bin_to_safetensors.py \(folder.path)`)" : ""
        let weightsURL = try need("model.safetensors", binHint)
        guard fm.fileExists(atPath: folder.appendingPathComponent("vocab.txt").path)
                || fm.fileExists(atPath: folder.appendingPathComponent("tokenizer.json").path) else {
            throw BERTError("model folder \(folder.path) has no vocab.txt (nor tokenizer.json)")
        }
        guard batchSize >= 1 else { throw BERTError("batchSize must be at least 1, got \(batchSize)") }

        let config = try BertConfig.load(configURL)
        let limit = try Self.defaultMaxLength(folder: folder, positions: config.maxPositions)
        let length = maxLength ?? limit
        guard length >= 2, length <= config.maxPositions else {
            throw BERTError("maxLength \(length) must lie in 2…\(config.maxPositions) (the model's max_position_embeddings)")
        }
        tokenizer = try BertTokenizer.load(folder: folder, maxLength: length)
        guard tokenizer.vocabulary.count <= config.vocabSize else {
            throw BERTError("\(folder.path): the vocabulary has \(tokenizer.vocabulary.count) tokens but config.json's vocab_size is \(config.vocabSize)")
        }
        model = try BertModel(config)
        try model.loadHuggingFace(weightsURL)
        model.eval()
        model.freeze()
        self.modelID = modelID ?? folder.standardizedFileURL.path
        self.pooled = pooled
        self.batchSize = batchSize
        cache = FeatureCache(capacity: cacheSize)
    }

    /// sentence_bert_config.json's max_seq_length, else tokenizer_config.json's model_max_length,
    /// else the model's positions; never more than the positions.
    static func defaultMaxLength(folder: URL, positions: Int) throws -> Int {
        let fm = FileManager.default
        for (file, key) in [("sentence_bert_config.json", "max_seq_length"), ("tokenizer_config.json", "model_max_length")] {
            let url = folder.appendingPathComponent(file)
            guard fm.fileExists(atPath: url.path) else { continue }
            let json = try readJSONObject(url)
            // model_max_length is a huge sentinel (1e30) when the tokenizer sets no limit.
            if let n = json[key] as? NSNumber, n.doubleValue >= 2, n.doubleValue <= Double(positions) { return n.intValue }
        }
        return positions
    }

    public func encode(_ texts: [String]) throws -> TextFeatures {
        lock.lock()
        defer { lock.unlock() }
        var found: [TextKey: Tensor] = [:]
        var missing: [String] = [], pending = Set<TextKey>()
        for t in texts {
            let key = TextKey(t)
            guard found[key] == nil, !pending.contains(key) else { continue }
            if let f = cache.get(t) { found[key] = f } else { pending.insert(key); missing.append(t) }
        }
        for (text, features) in try run(missing) {
            found[TextKey(text)] = features
            cache.put(text, features)
        }
        let rows = texts.map { found[TextKey($0)]! }
        return try Self.pad(rows, dim: outputDim)
    }

    /// Number of texts whose features are cached.
    public var cachedCount: Int { lock.lock(); defer { lock.unlock() }; return cache.count }

    /// Runs the model on `texts` (distinct), in length-sorted batches: per text [L_i, D], or [1, D] when pooled.
    private func run(_ texts: [String]) throws -> [(String, Tensor)] {
        guard !texts.isEmpty else { return [] }
        let ids = texts.map(tokenizer.encode)
        let order = ids.indices.sorted { ids[$0].count < ids[$1].count }
        var out: [(String, Tensor)] = []
        out.reserveCapacity(texts.count)
        let d = outputDim
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let batch = Array(order[start..<min(order.count, start + batchSize)])
            let length = batch.map { ids[$0].count }.max()!
            var flat = [Int32](repeating: tokenizer.padID, count: batch.count * length)
            var maskValues = [Float](repeating: 0, count: batch.count * length)
            for (b, i) in batch.enumerated() {
                for (p, id) in ids[i].enumerated() { flat[b * length + p] = id; maskValues[b * length + p] = 1 }
            }
            let mask = try Tensor(shape: [batch.count, length], data: maskValues)
            let hidden = try withNoGrad { try model(ids: try IndexTensor(shape: [batch.count, length], values: flat), mask: mask) }
            for (b, i) in batch.enumerated() {
                let n = ids[i].count
                let src = hidden.pointer + b * length * d
                let rows: Tensor
                if pooled {
                    rows = Tensor.zeros([1, d])
                    let sum = rows.pointer
                    for p in 0..<n { for c in 0..<d { sum[c] += src[p * d + c] } }
                    for c in 0..<d { sum[c] /= Float(n) }
                } else {
                    rows = Tensor(uninitializedShape: [n, d])
                    rows.pointer.update(from: src, count: n * d)
                }
                out.append((texts[i], rows))
            }
        }
        return out
    }

    /// Per-text rows [L_i, D] → [B, max L_i, D] (zeros past each text's end) and the mask.
    static func pad(_ rows: [Tensor], dim d: Int) throws -> TextFeatures {
        let length = rows.map { $0.shape[0] }.max() ?? 0
        let tokens = Tensor.zeros([rows.count, length, d])
        let mask = Tensor.zeros([rows.count, length])
        for (b, r) in rows.enumerated() {
            let n = r.shape[0]
            (tokens.pointer + b * length * d).update(from: r.pointer, count: n * d)
            (mask.pointer + b * length).update(repeating: 1, count: n)
        }
        return TextFeatures(tokens: tokens, mask: mask)
    }
}
