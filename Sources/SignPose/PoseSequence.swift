import SignTensor

/// A pose sequence: `frames × people × points × dims` coordinates with one confidence per point
/// (0 = missing, as pose-format masks it), frame rate, frame size and the keypoint layout.
///
/// Values are stored flat, row-major: `data[((t * people + n) * points + p) * dims + d]` and
/// `confidence[(t * people + n) * points + p]`. The model uses person 0.
public struct PoseSequence: Equatable, Sendable {
    public let layout: PoseLayout
    public let frameCount: Int
    public let peopleCount: Int
    /// Stored coordinates per point (2 for XY, 3 for XYZ, 4 for XYZK).
    public let dims: Int
    public private(set) var data: [Float]
    public private(set) var confidence: [Float]
    /// Frames per second (pose-format v0.1 stores an integer, v0.2 a float32).
    public var fps: Float
    /// Frame size in pixels, and depth, as the `.pose` header records them (0 when unknown).
    public var width: Int
    public var height: Int
    public var depth: Int

    public var pointCount: Int { layout.pointCount }

    /// Validates the counts and that every value is finite. `file` names the source in errors.
    public init(layout: PoseLayout, frames: Int, people: Int = 1, dims: Int, data: [Float], confidence: [Float],
                fps: Float, width: Int = 0, height: Int = 0, depth: Int = 0, file: String = "<memory>") throws {
        guard frames > 0 else { throw PoseError(file, .empty, "the sequence has no frames") }
        guard people > 0 else { throw PoseError(file, .empty, "the sequence has no people") }
        guard layout.pointCount > 0 else { throw PoseError(file, .empty, "layout \(layout.name) has no points") }
        guard dims > 0 else { throw PoseError(file, .shapeMismatch, "points need at least one stored dimension, got \(dims)") }
        let points = layout.pointCount
        guard data.count == frames * people * points * dims else {
            throw PoseError(file, .shapeMismatch, "data has \(data.count) values, \(frames) frames × \(people) people × \(points) points × \(dims) dims need \(frames * people * points * dims)")
        }
        guard confidence.count == frames * people * points else {
            throw PoseError(file, .shapeMismatch, "confidence has \(confidence.count) values, \(frames) frames × \(people) people × \(points) points need \(frames * people * points)")
        }
        guard fps.isFinite, fps >= 0 else { throw PoseError(file, .nonFinite, "fps is \(fps)") }
        if let bad = PoseSequence.firstNonFinite(data) {
            let p = bad / dims
            let (c, name) = layout.pointName(at: p % points)
            throw PoseError(file, .nonFinite, "coordinate \(data[bad]) at frame \(p / points / people), person \((p / points) % people), point \(p % points) (\(c)/\(name)), dim \(bad % dims)")
        }
        if let bad = PoseSequence.firstNonFinite(confidence) {
            let (c, name) = layout.pointName(at: bad % points)
            throw PoseError(file, .nonFinite, "confidence \(confidence[bad]) at frame \(bad / points / people), person \((bad / points) % people), point \(bad % points) (\(c)/\(name))")
        }
        self.layout = layout
        self.frameCount = frames
        self.peopleCount = people
        self.dims = dims
        self.data = data
        self.confidence = confidence
        self.fps = fps
        self.width = width
        self.height = height
        self.depth = depth
    }

    static func firstNonFinite(_ values: [Float]) -> Int? {
        values.withUnsafeBufferPointer { b -> Int? in
            for i in 0..<b.count where !b[i].isFinite { return i }
            return nil
        }
    }

    /// Coordinates of one point (the `dims` stored values).
    public func coordinates(frame t: Int, person n: Int = 0, point p: Int) -> [Float] {
        let base = ((t * peopleCount + n) * pointCount + p) * dims
        return Array(data[base..<(base + dims)])
    }

    /// Confidence of one point (0 = missing).
    public func confidence(frame t: Int, person n: Int = 0, point p: Int) -> Float {
        confidence[(t * peopleCount + n) * pointCount + p]
    }

    /// Replaces the values in place; the closure may change values but not counts, and the result
    /// must stay finite (otherwise the sequence is left unchanged and the error thrown).
    public mutating func updateValues(file: String = "<memory>", _ body: (inout [Float], inout [Float]) throws -> Void) throws {
        var d = data, c = confidence
        try body(&d, &c)
        let checked = try PoseSequence(layout: layout, frames: frameCount, people: peopleCount, dims: dims, data: d,
                                       confidence: c, fps: fps, width: width, height: height, depth: depth, file: file)
        data = checked.data
        confidence = checked.confidence
    }

    /// Person `person`'s points as a tensor `[T, P, C]`: the first `dims` coordinates (all stored dims
    /// when nil), followed by the confidence when `includeConfidence` (C = dims + 1), for the points
    /// `points` (flat indices, any order; all points when nil).
    public func tensor(person: Int = 0, points: [Int]? = nil, dims useDims: Int? = nil,
                       includeConfidence: Bool = true) throws -> Tensor {
        guard person >= 0 && person < peopleCount else {
            throw PoseError("<memory>", .invalidArgument, "person \(person) out of range (\(peopleCount) people)")
        }
        let k = useDims ?? dims
        guard k >= 1 && k <= dims else {
            throw PoseError("<memory>", .invalidArgument, "dims \(k) out of range 1...\(dims)")
        }
        let sel = points ?? Array(0..<pointCount)
        if let bad = sel.first(where: { $0 < 0 || $0 >= pointCount }) {
            throw PoseError("<memory>", .invalidArgument, "point \(bad) out of range (layout \(layout.name) has \(pointCount) points)")
        }
        let c = k + (includeConfidence ? 1 : 0)
        let out = Tensor(uninitializedShape: [frameCount, sel.count, c])
        let o = out.pointer
        let P = pointCount, D = dims, N = peopleCount
        data.withUnsafeBufferPointer { dp in
            confidence.withUnsafeBufferPointer { cp in
                for t in 0..<frameCount {
                    let row = (t * N + person) * P
                    for (j, p) in sel.enumerated() {
                        let dst = (t * sel.count + j) * c
                        let src = (row + p) * D
                        for d in 0..<k { o[dst + d] = dp[src + d] }
                        if includeConfidence { o[dst + k] = cp[row + p] }
                    }
                }
            }
        }
        return out
    }

    /// The sequence keeping the points `indices` (flat, any order, repeats allowed) under `layout`,
    /// whose point count must equal `indices.count`.
    public func selectingPoints(_ indices: [Int], layout target: PoseLayout) throws -> PoseSequence {
        try selectingPoints(indices.map { Optional($0) }, layout: target)
    }

    /// The sequence in `target` layout, taking each of its points from the point with the same
    /// component and point name (e.g. `coco-wholebody-133` → `mslu-79`, `mediapipe-holistic-576` →
    /// `reduced-holistic-178`). Throws `shapeMismatch` naming the first point this layout lacks.
    /// From MediaPipe Holistic to a COCO-WholeBody layout (e.g. `mslu-79`) the points are matched by
    /// anatomical correspondence instead, the ones the source lacks left missing (`HolisticToCOCO`).
    public func converted(to target: PoseLayout, file: String = "<memory>") throws -> PoseSequence {
        if layout.family == .mediapipeHolistic && target.family == .cocoWholeBody {
            return try selectingPoints(try HolisticToCOCO.indices(from: layout, to: target, file: file), layout: target)
        }
        return try selectingPoints(try layout.indices(matching: target, file: file), layout: target)
    }

    /// Only person `person` (people = 1).
    public func person(_ person: Int) throws -> PoseSequence {
        guard person >= 0 && person < peopleCount else {
            throw PoseError("<memory>", .invalidArgument, "person \(person) out of range (\(peopleCount) people)")
        }
        if peopleCount == 1 { return self }
        let P = pointCount, D = dims
        var d = [Float](), c = [Float]()
        d.reserveCapacity(frameCount * P * D)
        c.reserveCapacity(frameCount * P)
        for t in 0..<frameCount {
            let row = (t * peopleCount + person) * P
            d.append(contentsOf: data[(row * D)..<((row + P) * D)])
            c.append(contentsOf: confidence[row..<(row + P)])
        }
        return try PoseSequence(layout: layout, frames: frameCount, people: 1, dims: D, data: d, confidence: c,
                                fps: fps, width: width, height: height, depth: depth)
    }
}
