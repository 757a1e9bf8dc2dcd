import Foundation

/// One recorded operation: its inputs and the rule that maps the output's gradient to the
/// inputs' gradients (nil where an input needs none). Dropped after `backward()` consumes it, which
/// releases the tensors the rule saved.
public final class GradFn {
    public let name: String
    public private(set) var inputs: [Tensor]
    var rule: ((Tensor) throws -> [Tensor?])?

    init(name: String, inputs: [Tensor], rule: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.rule = rule
    }

    func release() { rule = nil; inputs = [] }
}

/// Whether ops record their backward. Thread-local, so inference on one thread never disables
/// training on another.
public enum GradMode {
    private static let key = "SignTensor.GradMode.disabled"
    public static var isEnabled: Bool {
        Thread.current.threadDictionary[key] == nil
    }
    static func set(enabled: Bool) {
        if enabled { Thread.current.threadDictionary.removeObject(forKey: key) }
        else { Thread.current.threadDictionary[key] = true }
    }
}

/// Runs `body` without recording any op (inference mode): no tape, no saved intermediates.
@discardableResult
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    let was = GradMode.isEnabled
    GradMode.set(enabled: false)
    defer { GradMode.set(enabled: was) }
    return try body()
}

extension Tensor {
    /// Attaches a backward rule to `self` (the output of an op) when grad mode is on and any input
    /// requires grad. Returns `self` so ops end with `return out.recording(...)`.
    ///
    /// The rule receives dL/d(out) and returns dL/d(input_i), each of input_i's shape (or nil).
    @inline(__always)
    public func recording(_ name: String, _ inputs: [Tensor], _ rule: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        gradFn = GradFn(name: name, inputs: inputs, rule: rule)
        return self
    }

    /// Reverse-mode differentiation from this tensor. `seed` is dL/d(self) (ones for a scalar loss).
    ///
    /// Walks the recorded graph once in reverse topological order. Leaves that require grad
    /// accumulate into `.grad` (so calling backward over several micro-batches accumulates).
    /// Each op's saved tensors are released as soon as its rule has run.
    public func backward(seed: Tensor? = nil) throws {
        guard requiresGrad else { throw TensorError("backward", "tensor of shape \(fmt(shape)) does not require grad") }
        let seedGrad: Tensor
        if let seed {
            guard seed.shape == shape else { throw TensorError("backward", "seed shape \(fmt(seed.shape)) differs from tensor shape \(fmt(shape))") }
            seedGrad = seed
        } else {
            guard count == 1 else { throw TensorError("backward", "implicit seed needs a one-element tensor, got \(fmt(shape))") }
            seedGrad = Tensor.ones(shape)
        }
        let order = topologicalOrder()
        // Pending gradients of non-leaf tensors; `owned` marks buffers we may add into in place.
        var pending: [ObjectIdentifier: (grad: Tensor, owned: Bool)] = [ObjectIdentifier(self): (seedGrad, false)]
        try withNoGrad {
            for node in order.reversed() {
                guard let fn = node.gradFn, let rule = fn.rule,
                      let entry = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                let inputGrads = try rule(entry.grad)
                for (input, g) in zip(fn.inputs, inputGrads) {
                    guard let g, input.requiresGrad else { continue }
                    precondition(g.shape == input.shape, "backward of \(fn.name): gradient shape \(fmt(g.shape)) differs from input shape \(fmt(input.shape))")
                    if input.gradFn == nil {
                        input.accumulateGrad(g)
                    } else {
                        let id = ObjectIdentifier(input)
                        if let prev = pending[id] {
                            if prev.owned { addInPlace(prev.grad, g); }
                            else { pending[id] = (try prev.grad + g, true) }
                        } else {
                            pending[id] = (g, false)
                        }
                    }
                }
                fn.release()
                node.gradFn = nil
            }
        }
    }

    /// Adds `g` into `.grad` (allocating it on first use).
    func accumulateGrad(_ g: Tensor) {
        if let existing = grad { addInPlace(existing, g) } else { grad = g.copy() }
    }

    /// Nodes reachable from `self` through recorded ops, inputs before outputs.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (t, i) = stack.popLast() {
            let inputs = t.gradFn?.inputs ?? []
            if i < inputs.count {
                stack.append((t, i + 1))
                let child = inputs[i]
                if child.gradFn != nil, visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(t)
            }
        }
        return order
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }
}

/// `a += b` element-wise on storage (same count). Used for gradient accumulation.
@inline(__always) func addInPlace(_ a: Tensor, _ b: Tensor) {
    let n = a.count, pa = a.pointer, pb = b.pointer
    let sa = UnsafeSendable(pa), sb = UnsafeSendable(pb)
    Parallel.chunks(n) { s, e in
        let pa = sa.value, pb = sb.value
        for i in s..<e { pa[i] += pb[i] }
    }
}
