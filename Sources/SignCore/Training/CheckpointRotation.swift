import Foundation
import SignNN
import SignTensor

/// Training checkpoints under `<run>/checkpoints/step-00000200/`: `model.safetensors`,
/// `optimizer.safetensors`, `trainer_state.json` and `config.json`, each written atomically; the
/// folder is assembled under a temporary name and renamed into place, so a crash never leaves a
/// half checkpoint that `latest()` would pick. Only the newest `keep` are kept.
struct CheckpointRotation {
    let directory: URL
    let keep: Int

    func save(model: Module, optimizer: AdamW, state: TrainerState, config: [String: Any]) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = String(format: "step-%08d", state.step)
        let final = directory.appendingPathComponent(name)
        let temp = directory.appendingPathComponent(".\(name).partial")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        try Safetensors.write(model.stateDict(), to: temp.appendingPathComponent("model.safetensors"))
        try Safetensors.write(optimizer.stateTensors(), metadata: ["step": String(optimizer.stepCount)],
                              to: temp.appendingPathComponent("optimizer.safetensors"))
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(state), to: temp.appendingPathComponent("trainer_state.json"))
        if !config.isEmpty {
            try AtomicFile.write(try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]),
                                 to: temp.appendingPathComponent("config.json"))
        }
        try? fm.removeItem(at: final)
        try fm.moveItem(at: temp, to: final)
        for old in try list().dropLast(keep) { try? fm.removeItem(at: old) }
    }

    /// Complete checkpoints, oldest first.
    func list() throws -> [URL] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("step-") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func latest() throws -> URL? { try list().last }

    /// Loads weights (strictly), optimizer state and trainer state from `dir`.
    func load(_ dir: URL, into model: Module, optimizer: AdamW) throws -> TrainerState {
        try model.load(from: dir.appendingPathComponent("model.safetensors"))
        let opt = try Safetensors.read(dir.appendingPathComponent("optimizer.safetensors"))
        guard let stepText = opt.metadata["step"], let step = Int(stepText) else {
            throw CheckpointError(file: dir.appendingPathComponent("optimizer.safetensors").path, reason: "metadata lacks the optimizer step")
        }
        let named = opt.tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        try optimizer.loadState(named, step: step)
        let stateURL = dir.appendingPathComponent("trainer_state.json")
        do { return try JSONDecoder().decode(TrainerState.self, from: Data(contentsOf: stateURL)) }
        catch { throw CheckpointError(file: stateURL.path, reason: "unreadable trainer state (\(error))") }
    }
}
