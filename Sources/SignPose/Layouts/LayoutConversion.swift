extension PoseSequence {
    /// The sequence in the registered layout `name`: itself when it already is in that layout, else
    /// each point of the target taken from the point with the same component and point name
    /// (`converted(to:)`; this covers the registered subsets such as `coco-wholebody-133` → `mslu-79`,
    /// whose points keep their parent's names). The target's formats follow this sequence's dims.
    /// Throws `unknownLayout` for an unregistered name and `shapeMismatch` naming the first point this
    /// layout lacks.
    public func converted(toLayoutNamed name: String, file: String = "<memory>") throws -> PoseSequence {
        let target: PoseLayout
        do { target = try PoseLayouts.named(name) } catch let e as PoseError { throw PoseError(file, e.kind, e.reason) }
        if layout.name == target.name && layout.pointCount == target.pointCount { return self }
        return try converted(to: target.withDims(dims), file: file)
    }
}
