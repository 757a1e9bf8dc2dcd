import ArgumentParser
import Foundation
import RetrievalHead
import SignCore
import SignNN
import SignPose
import SignTensor

/// `signzoo embed --checkpoint DIR (--poses FILES… | --texts FILE) -o emb.safetensors`.
///
/// With a `head/retrieval` checkpoint, poses and texts land in the same L2-normalized space (the
/// head's projections); with any other checkpoint only poses can be embedded (the encoder's pooled
/// feature, L2-normalized). Output: tensor `embeddings` [N, E]; `__metadata__` holds `kind`
/// (`pose` / `text`), `items` (JSON list of file paths or texts) and the checkpoint path.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Embed pose files or texts with a fine-tuned checkpoint.")

    @Option(help: "Fine-tuned checkpoint folder or zoo id.") var checkpoint: String
    @Option(parsing: .upToNextOption, help: "Pose files to embed.") var poses: [String] = []
    @Option(help: "A text file with one text per line to embed (needs a head/retrieval checkpoint).") var texts: String?
    @Option(name: .shortAndLong, help: "Output safetensors file.") var output: String
    @Option(help: "Layout of .npy/.npz/.json inputs that do not name one.") var layout: String?

    func validate() throws {
        guard poses.isEmpty != (texts == nil) else { throw ValidationError("give either --poses FILE… or --texts FILE") }
    }

    func run() throws {
        let (objective, pipeline, _) = try FinetunedCheckpoint.load(try checkpointFolder(checkpoint), registry: try ActivePlugins.registry())
        let retrieval = objective.head as? RetrievalHead
        var rows: [[Float]] = [], items: [String] = [], kind = "pose"
        if let texts {
            guard let retrieval, let textEncoder = objective.textEncoder else {
                throw ValidationError("\(checkpoint) is not a head/retrieval checkpoint with a text encoder; only --poses can be embedded")
            }
            items = try String(contentsOfFile: texts, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            kind = "text"
            for start in stride(from: 0, to: items.count, by: 32) {
                let chunk = Array(items[start..<min(items.count, start + 32)])
                let e = try withNoGrad { try retrieval.textEmbedding(try textEncoder.encode(chunk)) }
                rows += (0..<chunk.count).map { Array(e.toArray()[$0 * e.shape[1]..<($0 + 1) * e.shape[1]]) }
            }
        } else {
            for path in poses {
                let seq = try PoseIO.read(path, layout: try layout.map { try PoseLayouts.named($0) })
                let batch = try pipeline.inferenceBatch([seq], ids: [path])
                let e: Tensor = try withNoGrad {
                    let encoded = try objective.encoder.encode(batch)
                    return try retrieval?.poseEmbedding(encoded) ?? normalizedRows(encoded.pooled)
                }
                rows.append(e.toArray())
                items.append(path)
            }
        }
        guard let dim = rows.first?.count else { throw ValidationError("nothing to embed") }
        let table = try Tensor(shape: [rows.count, dim], data: rows.flatMap { $0 })
        let list = String(decoding: try JSONSerialization.data(withJSONObject: items), as: UTF8.self)
        try Safetensors.write([("embeddings", table)], metadata: ["kind": kind, "items": list, "checkpoint": checkpoint], to: URL(fileURLWithPath: output))
        print("wrote \(rows.count) \(kind) embeddings of width \(dim) to \(output)")
    }
}

/// `signzoo search --checkpoint DIR --index emb.safetensors "query text"`: the indexed pose clips
/// closest to a text query (cosine similarity in the retrieval head's space).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Find the indexed pose clips closest to a text query.")

    @Option(help: "Fine-tuned head/retrieval checkpoint folder.") var checkpoint: String
    @Option(help: "Pose embeddings written by `signzoo embed --poses`.") var index: String
    @Option(help: "How many results.") var top = 5
    @Argument(help: "Query text.") var query: String

    func run() throws {
        let (objective, _, _) = try FinetunedCheckpoint.load(try checkpointFolder(checkpoint), registry: try ActivePlugins.registry())
        guard let retrieval = objective.head as? RetrievalHead, let textEncoder = objective.textEncoder else {
            throw ValidationError("\(checkpoint) is not a head/retrieval checkpoint with a text encoder")
        }
        let file = try Safetensors.read(URL(fileURLWithPath: index))
        guard let table = file.tensors["embeddings"], table.rank == 2, file.metadata["kind"] == "pose",
              let items = (try? JSONSerialization.jsonObject(with: Data((file.metadata["items"] ?? "").utf8))) as? [String],
              items.count == table.shape[0] else {
            throw ValidationError("\(index) is not a pose index written by `signzoo embed --poses` (needs tensor embeddings [N, E], kind pose, items)")
        }
        let q = try withNoGrad { try retrieval.textEmbedding(try textEncoder.encode([query])) }
        guard q.shape[1] == table.shape[1] else {
            throw ValidationError("index width \(table.shape[1]) differs from the checkpoint's embedding width \(q.shape[1]) (built with another checkpoint?)")
        }
        let scores = try withNoGrad { try table.matmul(q, transposeOther: true) }.toArray()
        for (rank, i) in scores.indices.sorted(by: { scores[$0] > scores[$1] }).prefix(top).enumerated() {
            print(String(format: "%2d  %.4f  %@", rank + 1, scores[i], items[i]))
        }
    }
}

/// Rows scaled to unit L2 norm.
func normalizedRows(_ x: Tensor) throws -> Tensor {
    let norms = try (x * x).sum(axes: [1], keepDims: true).sqrt() + 1e-12
    return try x / norms
}
