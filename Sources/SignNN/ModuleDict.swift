/// A layer with its own random stream (dropout). `Module.reseedStochasticLayers(seed:)` resets them.
public protocol StochasticModule: AnyObject {
    func reseed(_ seed: UInt64)
}

/// Children under names chosen at run time (e.g. pretext tasks by id), in insertion order:
/// state-dict keys are `<name>.<child key>`.
public final class ModuleDict: Module {
    public private(set) var entries: [(String, Module)]

    public init(_ entries: [(String, Module)] = []) {
        self.entries = entries
        super.init()
    }

    public override func namedChildren() -> [(String, Module)] { entries }

    public subscript(name: String) -> Module? { entries.first { $0.0 == name }?.1 }

    public func append(_ name: String, _ module: Module) { entries.append((name, module)) }
}
