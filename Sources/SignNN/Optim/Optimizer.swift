import SignTensor

/// Updates parameters in place from their accumulated `.grad`.
///
/// Checkpointing: `stateTensors()` names every state tensor `<kind>.<parameter name>` (PyTorch's state
/// keys: `exp_avg`, `exp_avg_sq`, `momentum_buffer`, plus per-parameter `step`), and `stepCount` is the
/// number of `step()` calls. `loadState(_:step:)` restores both, so a resumed run continues with the
/// same bits as an uninterrupted one.
public protocol Optimizer: AnyObject {
    /// The rate the next `step()` uses (schedules set it before each step).
    var learningRate: Float { get set }
    /// Applies one update to every parameter that has a gradient; parameters with nil grad are skipped.
    func step() throws
    /// Clears the gradients of the optimized parameters.
    func zeroGrad()
    /// How many times `step()` has run (restored by `loadState`).
    var stepCount: Int { get }
    /// The optimizer's state tensors by name. They are live: copy them to keep a snapshot.
    func stateTensors() -> [(String, Tensor)]
    /// Replaces the state with `tensors` (as written by `stateTensors()`) and sets `stepCount = step`.
    func loadState(_ tensors: [(String, Tensor)], step: Int) throws
}

/// Checks the parameter list shared by the optimizers: unique names, each tensor listed once.
func validateParameters(_ op: String, _ parameters: [(String, Tensor)]) throws {
    var names = Set<String>(), ids = Set<ObjectIdentifier>()
    for (name, p) in parameters {
        guard names.insert(name).inserted else { throw TensorError(op, "parameter name '\(name)' appears twice") }
        guard ids.insert(ObjectIdentifier(p)).inserted else { throw TensorError(op, "parameter '\(name)' is the same tensor as an earlier one") }
    }
}

/// Checks every gradient's shape before any parameter changes, so a bad gradient never leaves the
/// model half updated.
func validateGradients(_ op: String, _ parameters: [(String, Tensor)]) throws {
    for (name, p) in parameters {
        if let g = p.grad, g.shape != p.shape {
            throw TensorError(op, "gradient of '\(name)' has shape \(shapeText(g.shape)), parameter has \(shapeText(p.shape))")
        }
    }
}

/// Splits state keys `<kind>.<parameter name>` into per-parameter tables and rejects unknown kinds,
/// unknown parameters and shape mismatches (`scalarKinds` hold one value, e.g. `step`).
func groupState(_ op: String, _ tensors: [(String, Tensor)], kinds: [String], scalarKinds: Set<String> = [],
                parameters: [(String, Tensor)]) throws -> [String: [String: Tensor]] {
    let shapes = Dictionary(parameters.map { ($0.0, $0.1.shape) }, uniquingKeysWith: { a, _ in a })
    var out: [String: [String: Tensor]] = [:]
    for (key, t) in tensors {
        guard let kind = kinds.first(where: { key.hasPrefix($0 + ".") }) else {
            throw TensorError(op, "unexpected state key '\(key)' (kinds: \(kinds.joined(separator: ", ")))")
        }
        let name = String(key.dropFirst(kind.count + 1))
        guard let shape = shapes[name] else { throw TensorError(op, "state key '\(key)' names no parameter") }
        let want = scalarKinds.contains(kind) ? [] : shape
        guard t.shape == want || (scalarKinds.contains(kind) && t.count == 1) else {
            throw TensorError(op, "state '\(key)' has shape \(shapeText(t.shape)), expected \(shapeText(want))")
        }
        guard out[name, default: [:]].updateValue(t, forKey: kind) == nil else {
            throw TensorError(op, "state key '\(key)' appears twice")
        }
    }
    return out
}
