/// Shape and layout ops (engine `reshaped`, `permuted`, `concat`, `slice`, `split`, `unsqueeze`-style
/// reshapes, `expanded`, `padded`). Unsqueeze/Squeeze/Slice/Split/Pad take their axes and sizes as
/// inputs (opset ≥ 13), always so at our floor of 17.
extension ONNXGraphBuilder {
    /// Reshape to `shape`, where 0 copies the input's size at that position and −1 is inferred
    /// (ONNX Reshape with allowzero 0), so dynamic dims pass through: `[0, 0, heads, headDim]`.
    public func reshape(_ x: String, _ shape: [Int]) throws -> String {
        try apply("Reshape", [x, try constant(ints: shape)])
    }

    /// Reshape to a shape computed in the graph (an int64 vector value).
    public func reshape(_ x: String, shapeValue: String) throws -> String {
        try apply("Reshape", [x, shapeValue])
    }

    /// Axis permutation: y.shape[i] = x.shape[perm[i]] (Transpose; engine `permuted`).
    public func transpose(_ x: String, perm: [Int]) throws -> String {
        try apply("Transpose", [x], attributes: ["perm": .ints(perm)])
    }

    /// Concatenation along `axis` (Concat; engine `Tensor.concat`).
    public func concat(_ values: [String], axis: Int) throws -> String {
        try apply("Concat", values, attributes: ["axis": .int(axis)])
    }

    /// Inserts size-1 axes at `axes` of the output (Unsqueeze, axes input).
    public func unsqueeze(_ x: String, axes: [Int]) throws -> String {
        try apply("Unsqueeze", [x, try constant(ints: axes)])
    }

    /// Removes the size-1 axes `axes` (Squeeze, axes input).
    public func squeeze(_ x: String, axes: [Int]) throws -> String {
        try apply("Squeeze", [x, try constant(ints: axes)])
    }

    /// x[start:end:step] along `axis` (Slice; engine `slice`). `end` may be `Int.max` for "to the end"
    /// and negative values count from the end, as in ONNX.
    public func slice(_ x: String, axis: Int, start: Int, end: Int, step: Int = 1) throws -> String {
        try slice(x, starts: [start], ends: [end], axes: [axis], steps: [step])
    }

    /// Slice over several axes at once (Slice with starts/ends/axes/steps inputs).
    public func slice(_ x: String, starts: [Int], ends: [Int], axes: [Int], steps: [Int]) throws -> String {
        guard starts.count == axes.count, ends.count == axes.count, steps.count == axes.count else {
            throw ONNXExportError.invalid("slice at '\(path)': starts \(starts), ends \(ends), axes \(axes), steps \(steps) differ in length")
        }
        return try apply("Slice", [x, try constant(ints: starts), try constant(ints: ends), try constant(ints: axes), try constant(ints: steps)])
    }

    /// Consecutive pieces of `sizes` along `axis` (Split with a split input; engine `split`).
    public func split(_ x: String, sizes: [Int], axis: Int) throws -> [String] {
        try node("Split", [x, try constant(ints: sizes)], attributes: ["axis": .int(axis)], outputs: sizes.count)
    }

    /// Broadcast to `shape` (Expand; engine `expanded(to:)`): a 1 in `shape` keeps the input's size.
    public func expand(_ x: String, _ shape: [Int]) throws -> String {
        try apply("Expand", [x, try constant(ints: shape)])
    }

    /// Constant padding (Pad, mode constant): `pads[i]` = (before, after) for axis i (engine `padded`).
    public func pad(_ x: String, _ pads: [(before: Int, after: Int)], value: Float = 0) throws -> String {
        let flat = pads.map(\.before) + pads.map(\.after)
        return try apply("Pad", [x, try constant(ints: flat), try constant(value)], attributes: ["mode": .string("constant")])
    }

    /// The shape of x as an int64 vector, dims start ..< end (Shape with start/end, opset ≥ 15).
    public func shape(_ x: String, start: Int? = nil, end: Int? = nil) throws -> String {
        var attributes: [String: ONNXAttribute] = [:]
        if let start { attributes["start"] = .int(start) }
        if let end { attributes["end"] = .int(end) }
        return try apply("Shape", [x], attributes: attributes)
    }
}
