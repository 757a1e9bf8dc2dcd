import SignTensor

/// A neural-network building block with named parameters in PyTorch layout.
///
/// Parameters, buffers and children are found by reflection over stored properties:
/// - a `Tensor` (or `Tensor?`) property is a parameter, unless its name is in `bufferNames`;
/// - a `Module`, `Module?` or `[Module]` property is a child (list items are named `0`, `1`, …).
/// Swift camelCase names are written in PyTorch's snake_case (`inProjWeight` → `in_proj_weight`,
/// `selfAttn` → `self_attn`), so `state_dict` keys of the PyTorch twin match by name alone.
/// Parameters keep their identity for the module's life: optimizers and loaders write into their
/// storage in place.
open class Module {
    public private(set) var isTraining = true

    public init() {}

    /// Property names (Swift spelling) of tensors that are state, not parameters.
    open var bufferNames: Set<String> { [] }

    /// Direct children in declaration order, with their state-dict names. Containers whose children
    /// are not stored properties (`ModuleDict`) override this.
    open func namedChildren() -> [(String, Module)] {
        var out: [(String, Module)] = []
        forEachProperty { name, value in
            if let m = value as? Module { out.append((name, m)) }
            else if let list = value as? [Module] { for (i, m) in list.enumerated() { out.append(("\(name).\(i)", m)) } }
        }
        return out
    }

    /// This module's own tensors (not its children's): (name, tensor, isBuffer).
    func ownTensors() -> [(String, Tensor, Bool)] {
        var out: [(String, Tensor, Bool)] = []
        let buffers = Set(bufferNames.map(snakeCase))
        forEachProperty { name, value in
            if let t = value as? Tensor { out.append((name, t, buffers.contains(name))) }
        }
        return out
    }

    /// Every trainable parameter with its dotted path (`layers.0.self_attn.in_proj_weight`).
    public func namedParameters() -> [(String, Tensor)] {
        namedTensors().filter { !$0.2 }.map { ($0.0, $0.1) }
    }

    /// Every buffer (running statistics) with its dotted path.
    public func namedBuffers() -> [(String, Tensor)] {
        namedTensors().filter { $0.2 }.map { ($0.0, $0.1) }
    }

    /// Parameters and buffers: what a checkpoint stores.
    public func stateDict() -> [(String, Tensor)] { namedTensors().map { ($0.0, $0.1) } }

    func namedTensors(prefix: String = "") -> [(String, Tensor, Bool)] {
        var out = ownTensors().map { (prefix + $0.0, $0.1, $0.2) }
        for (name, child) in namedChildren() { out += child.namedTensors(prefix: prefix + name + ".") }
        return out
    }

    /// All parameters (including frozen ones).
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// Parameters that currently require grad.
    public func trainableParameters() -> [Tensor] { parameters().filter(\.requiresGrad) }

    /// Number of scalar parameters.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Switches training mode (dropout on, batch statistics) on this module and all children.
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, c) in namedChildren() { c.train(on) }
    }

    /// Evaluation mode: dropout off, running statistics.
    public func eval() { train(false) }

    /// Stops gradients to every parameter (a frozen encoder); `unfreeze()` restores them.
    public func freeze() { for p in parameters() { p.requiresGrad = false; p.grad = nil } }
    public func unfreeze() { for p in parameters() { p.requiresGrad = true } }

    /// This module and every descendant, depth first, with dotted paths ("" for self).
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        var out = [(prefix, self)]
        for (name, child) in namedChildren() {
            out += child.namedModules(prefix: prefix.isEmpty ? name : prefix + "." + name)
        }
        return out
    }

    /// Reseeds every stochastic layer (dropout) from `seed` and its path, so a training step's
    /// randomness depends only on (seed, step) and a resumed run repeats it exactly.
    public func reseedStochasticLayers(seed: UInt64) {
        for (path, m) in namedModules() {
            guard let s = m as? StochasticModule else { continue }
            var h: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a of the path
            for b in path.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            s.reseed(seed ^ h)
        }
    }

    /// Clears accumulated gradients.
    public func zeroGrad() { for p in parameters() { p.grad = nil } }

    private func forEachProperty(_ body: (String, Any) -> Void) {
        var mirrors: [Mirror] = []
        var m: Mirror? = Mirror(reflecting: self)
        while let cur = m { mirrors.append(cur); m = cur.superclassMirror }
        for mirror in mirrors.reversed() {
            for child in mirror.children {
                guard let label = child.label else { continue }
                let name = snakeCase(label.hasPrefix("_") ? String(label.dropFirst()) : label)
                if let value = unwrapOptional(child.value) { body(name, value) }
            }
        }
    }
}

/// `inProjWeight` → `in_proj_weight`; digits stay attached (`linear1`).
public func snakeCase(_ s: String) -> String {
    var out = ""
    for ch in s {
        if ch.isUppercase { if !out.isEmpty { out.append("_") }; out.append(Character(ch.lowercased())) }
        else { out.append(ch) }
    }
    return out
}

private func unwrapOptional(_ value: Any) -> Any? {
    let m = Mirror(reflecting: value)
    guard m.displayStyle == .optional else { return value }
    return m.children.first?.value
}
