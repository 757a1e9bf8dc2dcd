import SignTensor

/// Builds one ONNX graph value by value: graph inputs with symbolic dims, initializers from engine
/// tensors, deduplicated constants, nodes whose names carry the module path, and graph outputs.
///
/// Values are referred to by name (`String`). Every lowering (the `ONNXGraphBuilder` extensions in
/// Lowering/ and Modules/) takes value names and returns the name of what it computes.
///
/// Naming:
/// - `scope("encoder") { scope("layers.0") { … } }` makes the current module path
///   `encoder.layers.0`; a node made inside is named `encoder.layers.0/MatMul` (then `…/MatMul_1`,
///   … when the name repeats), and its outputs `encoder.layers.0/MatMul_output_0`, ….
/// - `parameter(t, "weight")` adds initializer `encoder.layers.0.weight`; the same `Tensor` object
///   added twice under the same name is one initializer (tied weights stay tied).
/// - Constants (shapes, axes, scalars) are initializers named `const/…`, one per distinct value.
public final class ONNXGraphBuilder {
    /// The operator set the graph targets; lowerings choose their form from it.
    public let opset: ONNXOpset
    /// Emit LayerNormalization as ReduceMean/Sub/Pow/Add/Sqrt/Div/Mul/Add instead of the opset-17 op
    /// (for runtimes without LayerNormalization).
    public var decomposeLayerNorm: Bool
    /// The graph's name.
    public var graphName: String

    /// The current module path ("" at the root).
    public private(set) var path: String = ""

    /// The output value of every module lowered so far, in order, with the module's path
    /// (`("encoder.layers.0", "encoder.layers.0.norm2/LayerNormalization_output_0")`): write the
    /// engine's module outputs under these value names to compare intermediates with check_onnx.py.
    public private(set) var moduleOutputs: [(path: String, value: String)] = []

    private var nodes: [ONNXNode] = []
    private var inputs: [ONNXValueInfo] = []
    private var outputs: [ONNXValueInfo] = []
    private var initializers: [ONNXTensor] = []
    private var known: Set<String> = []
    private var nodeNames: [String: Int] = [:]
    private var constantNames: [ConstantKey: String] = [:]
    private var parameterNames: [String: ObjectIdentifier] = [:]

    public init(opset: ONNXOpset = .default, decomposeLayerNorm: Bool = false, graphName: String = "signzoo") {
        self.opset = opset
        self.decomposeLayerNorm = decomposeLayerNorm
        self.graphName = graphName
    }

    // MARK: - Module paths

    /// Runs `body` with `name` appended to the module path (`a.b` + `c` → `a.b.c`); "" keeps the path.
    public func scope<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let saved = path
        path = qualified(name)
        defer { path = saved }
        return try body()
    }

    /// `local` under the current module path (`encoder.layers.0` + `weight` → `encoder.layers.0.weight`).
    public func qualified(_ local: String) -> String {
        if path.isEmpty { return local }
        if local.isEmpty { return path }
        return path + "." + local
    }

    /// Records `value` as the output of the module at the current path; returns it.
    func moduleOutput(_ value: String) -> String {
        moduleOutputs.append((path, value))
        return value
    }

    /// The error for an engine op or module with no lowering, at the current path (or `path`).
    public func fail(op: String, path: String? = nil) -> ONNXExportError {
        .noLowering(op: op, path: path ?? self.path)
    }

    // MARK: - Graph interface

    /// Declares a graph input; a `.symbolic` dim (`"batch"`, `"frames"`) is dynamic. Returns its name.
    @discardableResult
    public func input(_ name: String, shape: [ONNXDim], type: ONNXDataType = .float) throws -> String {
        try claim(name)
        inputs.append(ONNXValueInfo(name: name, elementType: type, shape: shape))
        return name
    }

    /// Declares `value` a graph output named `name` (an Identity node renames it when the names
    /// differ). Give a shape: `onnx.checker` requires one on graph outputs (nil writes none and fails
    /// the full check); symbolic dims (`"batch"`, `"frames"`, or any fresh name) leave sizes dynamic.
    public func output(_ value: String, name: String, shape: [ONNXDim]?, type: ONNXDataType = .float) throws {
        guard !outputs.contains(where: { $0.name == name }) else {
            throw ONNXExportError.invalid("graph output '\(name)' is declared twice")
        }
        var produced = value
        if value != name {
            try claim(name)
            try require([value], op: "Identity")
            nodes.append(ONNXNode(opType: "Identity", inputs: [value], outputs: [name], name: uniqueNodeName("Identity")))
            produced = name
        }
        try require([produced], op: "output")
        outputs.append(ONNXValueInfo(name: produced, elementType: type, shape: shape))
    }

    // MARK: - Initializers and constants

    /// Adds `tensor` as a float32 initializer named `qualified(local)` (the parameter's module path)
    /// and returns the name. The same object under the same name is added once.
    @discardableResult
    public func parameter(_ tensor: Tensor, _ local: String, docString: String = "") throws -> String {
        let name = qualified(local)
        if let id = parameterNames[name] {
            guard id == ObjectIdentifier(tensor) else {
                throw ONNXExportError.invalid("two different tensors are both named '\(name)'")
            }
            return name
        }
        try initializer(ONNXTensor(name: name, tensor: tensor, docString: docString))
        parameterNames[name] = ObjectIdentifier(tensor)
        return name
    }

    /// An initializer computed from `source` (a transposed weight, a folded adjacency), named
    /// `qualified(local)`: `make` runs only the first time; later calls with the same source object
    /// and name return the existing initializer.
    func derivedParameter(from source: Tensor, _ local: String, docString: String, _ make: () throws -> Tensor) throws -> String {
        let name = qualified(local)
        if let id = parameterNames[name] {
            guard id == ObjectIdentifier(source) else {
                throw ONNXExportError.invalid("two different tensors are both named '\(name)'")
            }
            return name
        }
        try initializer(ONNXTensor(name: name, tensor: try make(), docString: docString))
        parameterNames[name] = ObjectIdentifier(source)
        return name
    }

    /// Adds a ready-made initializer under its own (exact) name and returns the name.
    @discardableResult
    public func initializer(_ tensor: ONNXTensor) throws -> String {
        try claim(tensor.name)
        initializers.append(tensor)
        return tensor.name
    }

    /// An int64 vector constant [n] (shapes, axes, pads, split sizes).
    public func constant(ints values: [Int]) throws -> String {
        try constant(.int64(values, dims: [values.count]), prefix: "i64")
    }

    /// An int64 scalar constant (rank 0).
    public func constant(int value: Int) throws -> String {
        try constant(.int64([value], dims: []), prefix: "i64_scalar")
    }

    /// A float32 scalar constant (rank 0), which broadcasts against any tensor.
    public func constant(_ value: Float) throws -> String {
        try constant(.float([value.bitPattern], dims: []), prefix: "f32_scalar")
    }

    /// A float32 constant of any shape.
    public func constant(floats values: [Float], shape: [Int]) throws -> String {
        guard values.count == shape.reduce(1, *) else {
            throw ONNXExportError.invalid("constant of shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        }
        return try constant(.float(values.map(\.bitPattern), dims: shape), prefix: "f32")
    }

    private enum ConstantKey: Hashable {
        case int64([Int], dims: [Int])
        case float([UInt32], dims: [Int])
    }

    private func constant(_ key: ConstantKey, prefix: String) throws -> String {
        if let name = constantNames[key] { return name }
        let name = "const/\(prefix)_\(constantNames.count)"
        let tensor: ONNXTensor
        switch key {
        case .int64(let v, let dims): tensor = try .int64(name, dims: dims, values: v)
        case .float(let bits, let dims): tensor = try .float(name, dims: dims, values: bits.map(Float.init(bitPattern:)))
        }
        try initializer(tensor)
        constantNames[key] = name
        return name
    }

    // MARK: - Nodes

    /// Appends an `op` node reading `inputs` ("" for an omitted optional input) and returns the names
    /// of its `outputs` new values. The node is named `<path>/<name ?? op>` (made unique).
    @discardableResult
    public func node(_ op: String, _ inputs: [String], attributes: [String: ONNXAttribute] = [:], outputs: Int = 1,
                     name: String? = nil, domain: String = "") throws -> [String] {
        try require(inputs.filter { !$0.isEmpty }, op: op)
        let nodeName = uniqueNodeName(name ?? op)
        let outs = (0..<outputs).map { "\(nodeName)_output_\($0)" }
        for o in outs { try claim(o) }
        nodes.append(ONNXNode(opType: op, inputs: inputs, outputs: outs, name: nodeName, domain: domain, attributes: attributes))
        return outs
    }

    /// `node` for the common one-output case: returns the single output's name.
    public func apply(_ op: String, _ inputs: [String], attributes: [String: ONNXAttribute] = [:], name: String? = nil) throws -> String {
        try node(op, inputs, attributes: attributes, outputs: 1, name: name)[0]
    }

    /// Whether `name` is a value of the graph so far (input, initializer, constant or node output).
    public func contains(_ name: String) -> Bool { known.contains(name) }

    // MARK: - Result

    /// The graph built so far.
    public func graph(docString: String = "") -> ONNXGraph {
        ONNXGraph(name: graphName, nodes: nodes, inputs: inputs, outputs: outputs, initializers: initializers, docString: docString)
    }

    /// The model: this graph at the builder's opset (IR version from it) with `metadata_props`.
    /// Throws when no output was declared.
    public func model(metadata: [String: String] = [:], producerVersion: String = "", docString: String = "") throws -> ONNXModel {
        guard !outputs.isEmpty else { throw ONNXExportError.invalid("the graph '\(graphName)' has no output") }
        return ONNXModel(graph: graph(), opset: opset, producerVersion: producerVersion, metadataProps: metadata, docString: docString)
    }

    /// Number of nodes so far.
    public var nodeCount: Int { nodes.count }

    // MARK: - Bookkeeping

    private func claim(_ name: String) throws {
        guard !name.isEmpty else { throw ONNXExportError.invalid("a value name may not be empty (at '\(path)')") }
        guard known.insert(name).inserted else {
            throw ONNXExportError.invalid("the value name '\(name)' is used twice (at '\(path)')")
        }
    }

    private func require(_ names: [String], op: String) throws {
        for n in names where !known.contains(n) {
            throw ONNXExportError.invalid("\(op) at '\(path)' reads '\(n)', which no input, initializer or earlier node defines")
        }
    }

    private func uniqueNodeName(_ base: String) -> String {
        let stem = path.isEmpty ? base : path + "/" + base
        let seen = nodeNames[stem, default: 0]
        nodeNames[stem] = seen + 1
        return seen == 0 ? stem : "\(stem)_\(seen)"
    }
}
