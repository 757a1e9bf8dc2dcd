import Foundation
import Testing
import SignCore
import SignNN
import SignTensor
import SignTestSupport
import BERTTextEncoder

/// Features of all-MiniLM-L6-v2 against sentence-transformers 6.2.0 (transformers 5.24, torch
/// 2.13 CPU), fixtures written once by converters/python/gen_text_fixtures.py over the 8 texts of
/// Tests/Fixtures/text/embedding_sentences.jsonl (English, German, Chinese, emoji, one word, a long
/// sentence, the empty text).
@Suite("BERT features match sentence-transformers")
struct EmbeddingParityTests {
    static func sentences() throws -> [String] {
        try String(contentsOf: textFixture("embedding_sentences.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { line in
                let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                return record["text"] as! String
            }
    }

    @Test func meanPooledEmbeddingsMatchWithin1e4() throws {
        let texts = try Self.sentences()
        let reference = try Safetensors.read(textFixture("minilm_sentence_embedding.safetensors"))
        #expect(reference.metadata["texts"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] } == texts)
        let features = try MiniLM.encoder().encode(texts)
        let pooled = try features.pooled()
        let meanError = maxAbsDiff(pooled, reference.tensors["mean_pooled"]!)
        // sentence-transformers' own output is the L2-normalized mean (its Normalize module).
        let norms = try (pooled * pooled).sum(axes: [1], keepDims: true).sqrt()
        let normalizedError = maxAbsDiff(try pooled / norms, reference.tensors["embedding"]!)
        print("MiniLM mean-pooled max |Δ| = \(meanError), normalized (vs SentenceTransformer.encode) max |Δ| = \(normalizedError)")
        #expect(meanError <= 1e-4)
        #expect(normalizedError <= 1e-4)
    }

    @Test func tokenFeaturesMatchWithin1e4() throws {
        let texts = try Self.sentences()
        let reference = try Safetensors.read(textFixture("minilm_tokens.safetensors"))
        let offsets = try JSONSerialization.jsonObject(with: Data(reference.metadata["offsets"]!.utf8)) as! [Int]
        let rows = reference.tensors["features"]!
        let features = try MiniLM.encoder().encode(texts)
        let d = 384, length = features.tokens.shape[1]
        #expect(features.tokens.shape == [texts.count, offsets.indices.dropFirst().map { offsets[$0] - offsets[$0 - 1] }.max()!, d])
        var worst: Float = 0
        for b in texts.indices {
            let n = offsets[b + 1] - offsets[b]
            // The mask marks exactly the text's tokens ([CLS] … [SEP]); padded rows are zero.
            #expect((0..<length).map { features.mask[b, $0] } == (0..<length).map { $0 < n ? 1 : 0 })
            for p in 0..<length {
                for c in 0..<d {
                    let mine = features.tokens[b, p, c]
                    let expected: Float = p < n ? rows[offsets[b] + p, c] : 0
                    worst = max(worst, abs(mine - expected))
                }
            }
        }
        print("MiniLM token features max |Δ| = \(worst)")
        #expect(worst <= 1e-4)
    }

    @Test func pooledModeReturnsOneRowPerText() throws {
        let texts = try Self.sentences()
        let encoder = try BERTTextEncoder(folder: try MiniLM.folder.get(), pooled: true)
        let features = try encoder.encode(texts)
        #expect(features.tokens.shape == [texts.count, 1, 384])
        #expect(features.mask.toArray() == [Float](repeating: 1, count: texts.count))
        let reference = try Safetensors.read(textFixture("minilm_pooled.safetensors")).tensors["features"]!
        #expect(maxAbsDiff(try features.tokens.reshaped([texts.count, 384]), reference) <= 1e-4)
    }

    /// Encode speed on the fixture sentences repeated with numbering (64 distinct texts, nothing
    /// cached): best of 3 passes after one warm-up, printed for the record (compare with
    /// bench/text_encoder_reference.py on the same texts). The assertions are on the values only:
    /// batching with padding does not change a text's features.
    @Test func batchedEncodingEqualsOneByOneAndReportsSpeed() throws {
        let base = try Self.sentences()
        let texts = (0..<8).flatMap { i in base.map { "\($0) \(i)" } }
        let encoder = try BERTTextEncoder(folder: try MiniLM.folder.get(), batchSize: 32, cacheSize: 0)
        var batched = try encoder.encode(texts).pooled()
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            batched = try encoder.encode(texts).pooled()
            best = min(best, Date().timeIntervalSince(start))
        }
        print("text/bert MiniLM: \(texts.count) sentences in \(String(format: "%.3f", best)) s = \(String(format: "%.1f", Double(texts.count) / best)) sentences/s (best of 3, batch 32, \(Parallel.threads) threads)")
        for i in [0, 5, 17, 63] {
            let alone = try encoder.encode([texts[i]]).pooled()
            #expect(maxAbsDiff(alone, try batched.slice(axis: 0, start: i, end: i + 1)) <= 1e-5)
        }
    }
}
