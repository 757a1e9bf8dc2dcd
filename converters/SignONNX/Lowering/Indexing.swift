import SignTensor

/// Picking by index (engine `embedding`, `indexSelect`, `gather`).
extension ONNXGraphBuilder {
    /// y[o, j, i] = x[o, indices[j…], i] along `axis`, indices an int64 (or int32) value of any shape
    /// (Gather; engine `indexSelect` / `embedding`).
    public func gather(_ x: String, indices: String, axis: Int = 0) throws -> String {
        try apply("Gather", [x, indices], attributes: ["axis": .int(axis)])
    }

    /// `gather` with constant indices (engine `indexSelect(axis:indices:)`, e.g. a joint subset).
    public func indexSelect(_ x: String, axis: Int, indices: [Int]) throws -> String {
        try gather(x, indices: try constant(ints: indices), axis: axis)
    }

    /// torch.gather semantics: y has the indices' shape, y[…i_axis…] = x[…indices[…]…]
    /// (GatherElements; engine `gather(axis:indices:)`).
    public func gatherElements(_ x: String, indices: String, axis: Int) throws -> String {
        try apply("GatherElements", [x, indices], attributes: ["axis": .int(axis)])
    }

    /// y = W[ids] for a table W [V, D] added as initializer `qualified(weightName)` and int64 `ids`
    /// of any shape (Gather axis 0; engine `embedding`).
    public func embedding(_ ids: String, weight: Tensor, weightName: String = "weight") throws -> String {
        try gather(try parameter(weight, weightName), indices: ids, axis: 0)
    }
}
