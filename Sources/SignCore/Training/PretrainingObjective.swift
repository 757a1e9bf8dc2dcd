import SignNN
import SignTensor

/// The module saved by pre-training: the encoder under `encoder.` and each pretext task's own
/// modules under `pretext.<id>.` (fine-tuning loads `encoder.*` and drops the rest).
public final class PretrainingModel: Module {
    public let encoder: Module
    public let pretext: ModuleDict
    public init(encoder: any PoseEncoder, pretext: [(String, any PretextTask)]) {
        self.encoder = encoder
        self.pretext = ModuleDict(pretext.map { ($0.0, $0.1 as Module) })
        super.init()
    }
}

/// Multi-task pre-training: every pretext task's terms on each batch. The encoder's unmasked
/// output is shared between tasks; each task draws its randomness from (seed, step, task index).
public final class PretrainingObjective: TrainingObjective {
    public let encoder: any PoseEncoder
    public let tasks: [(id: String, task: any PretextTask)]
    public let textEncoder: (any TextEncoder)?
    public let seed: UInt64
    let container: PretrainingModel
    public var model: Module { container }

    public init(encoder: any PoseEncoder, tasks: [(id: String, task: any PretextTask)], textEncoder: (any TextEncoder)?, seed: UInt64) throws {
        if tasks.contains(where: { $0.task.needsText }) && textEncoder == nil {
            let ids = tasks.filter { $0.task.needsText }.map(\.id).joined(separator: ", ")
            throw RecipeError(path: "text", message: "pretext \(ids) needs a text encoder; add a \"text\" node (text/precomputed or text/bert)")
        }
        self.encoder = encoder
        self.tasks = tasks
        self.textEncoder = textEncoder
        self.seed = seed
        container = PretrainingModel(encoder: encoder, pretext: tasks.map { ($0.id, $0.task) })
    }

    public func compute(_ batch: PoseBatch, step: Int, training: Bool) throws -> StepOutput {
        let base = RandomStream(seed: seed ^ 0x5EED_0F_7A5C).derived(UInt64(step))
        let context = PretextContext(encoder: encoder, batch: batch, textEncoder: textEncoder, rng: base)
        var out = StepOutput(terms: [:])
        for (i, entry) in tasks.enumerated() {
            context.rng = base.derived(UInt64(i + 1))
            let r = try entry.task.compute(context)
            out.terms.merge(r.terms) { a, _ in a }
            out.metrics.merge(r.metrics) { a, _ in a }
        }
        return out
    }
}
