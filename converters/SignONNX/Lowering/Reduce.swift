/// Reductions (engine `sum`, `mean`, `max(axis:)`, `argmaxLastAxis`).
///
/// The form of `axes` depends on the opset: ReduceSum takes `axes` as an input from opset 13;
/// ReduceMean, ReduceMax, ReduceL2 and ReduceSumSquare from opset 18 (an attribute before).
extension ONNXGraphBuilder {
    /// Mean over `axes` (ReduceMean).
    public func reduceMean(_ x: String, axes: [Int], keepDims: Bool = false) throws -> String {
        try reduce("ReduceMean", x, axes: axes, keepDims: keepDims)
    }
    /// Sum over `axes` (ReduceSum).
    public func reduceSum(_ x: String, axes: [Int], keepDims: Bool = false) throws -> String {
        try reduce("ReduceSum", x, axes: axes, keepDims: keepDims)
    }
    /// Maximum over `axes` (ReduceMax).
    public func reduceMax(_ x: String, axes: [Int], keepDims: Bool = false) throws -> String {
        try reduce("ReduceMax", x, axes: axes, keepDims: keepDims)
    }
    /// √(Σ x²) over `axes` (ReduceL2).
    public func reduceL2(_ x: String, axes: [Int], keepDims: Bool = false) throws -> String {
        try reduce("ReduceL2", x, axes: axes, keepDims: keepDims)
    }

    /// Index of the first maximum along `axis` as int64 (ArgMax, select_last_index 0 like the engine).
    public func argMax(_ x: String, axis: Int = -1, keepDims: Bool = false) throws -> String {
        try apply("ArgMax", [x], attributes: ["axis": .int(axis), "keepdims": .int(keepDims ? 1 : 0)])
    }

    /// The opset from which `op` reads `axes` as its second input.
    public func axesAsInputSince(_ op: String) -> Int { op == "ReduceSum" ? 13 : 18 }

    /// A reduce op with `axes` as an attribute or an input, as the opset requires.
    public func reduce(_ op: String, _ x: String, axes: [Int], keepDims: Bool) throws -> String {
        let keep: [String: ONNXAttribute] = ["keepdims": .int(keepDims ? 1 : 0)]
        if opset.version >= axesAsInputSince(op) {
            return try apply(op, [x, try constant(ints: axes)], attributes: keep)
        }
        return try apply(op, [x], attributes: keep.merging(["axes": .ints(axes)]) { a, _ in a })
    }
}
