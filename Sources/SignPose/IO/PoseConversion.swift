extension PoseIO {
    /// Reads `input` (any readable format), optionally converts it to the registered layout
    /// `layout` (by point names, see `PoseSequence.converted(toLayoutNamed:)`), and writes it to
    /// `output` in the format of its extension. `inputLayout` and `fps` describe files that do not
    /// record them (`.npy`, `.npz`, `.json`). Returns the sequence written.
    @discardableResult
    public static func convert(_ input: String, to output: String, layout: String? = nil, inputLayout: String? = nil,
                               fps: Float? = nil) throws -> PoseSequence {
        guard writableExtensions.contains(fileExtension(output)) else {
            throw PoseError(output, .unsupportedFormat, "unknown extension; writable: \(writableExtensions.map { "." + $0 }.joined(separator: ", "))")
        }
        let source: PoseLayout?
        do { source = try inputLayout.map { try PoseLayouts.named($0) } } catch let e as PoseError {
            throw PoseError(input, e.kind, e.reason)
        }
        var seq = try read(input, layout: source, fps: fps)
        if let layout { seq = try seq.converted(toLayoutNamed: layout, file: input) }
        try write(seq, to: output)
        return seq
    }
}
