import ArgumentParser
import Foundation
import SignNN
import SignTensor

/// `signzoo demo`: trains a small Transformer end to end on a learnable synthetic task (reverse a
/// token sequence) and prints the loss falling and the held-out accuracy rising.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Train a small Transformer on a synthetic sequence task and show it learn.")

    @Option(help: "Training steps.") var steps = 300
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Threads (default: SIGNZOO_THREADS or all cores).") var threads: Int?

    func run() throws {
        if let threads { Parallel.threads = threads }
        let task = ReversalTask(vocabulary: 10, length: 8)
        var rng = RandomStream(seed: seed)
        let model = try TinySequenceModel(vocabulary: task.vocabulary, length: task.length, dModel: 64, heads: 4, layers: 2, rng: &rng)
        let optimizer = try AdamW(parameters: model.namedParameters(), learningRate: 3e-3, weightDecay: 0.01)
        let schedule = WarmupCosine(baseLR: 3e-3, warmupSteps: 30, totalSteps: steps, minLR: 1e-4)
        var data = rng.derived(1)
        let heldOut = task.batch(256, rng: &data)
        print("demo: reverse a sequence of \(task.length) tokens (vocabulary \(task.vocabulary)); \(model.parameterCount) parameters, \(Parallel.threads) threads")
        print("chance accuracy \(String(format: "%.1f", 100.0 / Double(task.vocabulary)))%")
        let start = Date()
        for step in 1...steps {
            let (inputs, targets) = task.batch(64, rng: &data)
            optimizer.learningRate = schedule.learningRate(at: step)
            optimizer.zeroGrad()
            let loss = try crossEntropy(logits: try model(inputs).reshaped([-1, task.vocabulary]), targets: targets)
            try checkFinite(loss, step: step, term: "cross_entropy")
            try loss.backward()
            _ = clipGradNorm(model.parameters(), maxNorm: 1)
            try optimizer.step()
            if step == 1 || step % 25 == 0 || step == steps {
                let acc = try withNoGrad { () throws -> Double in
                    model.eval(); defer { model.train() }
                    let pred = try model(heldOut.0).argmaxLastAxis()
                    return Double(zip(pred, heldOut.1).filter { $0 == $1 }.count) / Double(pred.count)
                }
                print(String(format: "step %4d  loss %.4f  held-out token accuracy %5.1f%%  lr %.2e", step, loss.item, acc * 100, optimizer.learningRate))
            }
        }
        print(String(format: "done in %.1f s", Date().timeIntervalSince(start)))
    }
}

/// Inputs: random tokens; targets: the same tokens in reverse order (needs attention over positions).
struct ReversalTask {
    let vocabulary: Int, length: Int
    func batch(_ n: Int, rng: inout RandomStream) -> (IndexTensor, [Int]) {
        var ids: [Int32] = [], targets: [Int] = []
        for _ in 0..<n {
            let seq = (0..<length).map { _ in rng.int(vocabulary) }
            ids += seq.map(Int32.init)
            targets += seq.reversed()
        }
        return (try! IndexTensor(shape: [n, length], values: ids), targets)
    }
}

/// Token + position embeddings → Transformer encoder → per-position classifier.
final class TinySequenceModel: Module {
    let tokenEmbedding: Embedding
    let positionEmbedding: Tensor
    let encoder: TransformerEncoder
    let classifier: Linear

    init(vocabulary: Int, length: Int, dModel: Int, heads: Int, layers: Int, rng: inout RandomStream) throws {
        tokenEmbedding = Embedding(vocabulary, dModel, rng: &rng)
        positionEmbedding = Tensor.randn([length, dModel], std: 1, rng: &rng, requiresGrad: true)
        encoder = TransformerEncoder(layers: try (0..<layers).map { _ in
            try TransformerEncoderLayer(dModel: dModel, heads: heads, ffDim: 2 * dModel, dropout: 0, activation: .gelu, normFirst: true, rng: &rng)
        }, finalNorm: LayerNorm(dModel))
        classifier = Linear(dModel, vocabulary, rng: &rng)
        super.init()
    }

    func callAsFunction(_ ids: IndexTensor) throws -> Tensor {
        let x = try tokenEmbedding(ids) + positionEmbedding
        return try classifier(try encoder(x, keyMask: nil))
    }
}
