/// The pose-format `.pose` container (sign-language-processing/pose), as pose-format 0.15.0 reads it.
/// All values little-endian; strings are `uint16 byte length` + UTF-8.
///
/// Header: `float32 version` (0.0, 0.1, 0.2); `uint16 width, height, depth`; `uint16 components`; per
/// component `str name`, `str format` (stored dims then the confidence letter, e.g. "XYZC"),
/// `uint16 points, limbs, colors`, the point names, `uint16 from, to` per limb, `uint16 r, g, b` per
/// colour. Stored dims D = (longest format) − 1; P = total points.
///
/// Bodies:
/// - v0.2: `float32 fps`, `uint32 frames`, `uint16 people`, `float32 data[frames][people][P][D]`,
///   `float32 confidence[frames][people][P]`. The body must have exactly that size.
/// - v0.1: as v0.2 but `uint16 fps`, `uint16 frames`; the frame count is ignored (it overflows) and
///   taken from the remaining bytes, which must be a whole number of frames.
/// - v0.0: `uint16 fps`, `uint16 frames`, then per frame `uint16 people` and per person `int16 id`
///   and per component `float32 [points][len(format)]` (dims then confidence). Only the first person
///   of each frame is kept (as pose-format does); a frame without people is all missing.
///
/// Writing always produces v0.2. Reading a v0.2 file and writing it again gives the same bytes.
public enum PoseFormat {
    /// A decoded `.pose` header.
    public struct Header: Equatable, Sendable {
        /// 0.0, 0.1 or 0.2 (the float32 value as stored).
        public var version: Float
        public var width: Int
        public var height: Int
        public var depth: Int
        public var components: [PoseComponent]
    }

    enum Version { case v0_0, v0_1, v0_2 }

    /// Largest number of values a reader creates that the file's bytes do not back one to one
    /// (v0.0 frames without people, JSON frame-id gaps): 2^28 (1 GiB of Float32).
    static let maxExpandedValues = 1 << 28

    /// Reads the `.pose` file at `path`.
    public static func read(_ path: String) throws -> PoseSequence {
        try decode(try FileAccess.read(path), file: path)
    }

    /// Writes `sequence` to `path` as `.pose` v0.2 (atomically: temp file, fsync, rename).
    public static func write(_ sequence: PoseSequence, to path: String) throws {
        try FileAccess.writeAtomically(try encode(sequence, file: path), to: path)
    }

    /// The header of `.pose` bytes and the offset where the body starts.
    public static func decodeHeader(_ bytes: [UInt8], file: String = "<memory>") throws -> (header: Header, bodyOffset: Int) {
        var r = ByteReader(bytes, file: file)
        let h = try readHeader(&r)
        return (h.header, r.offset)
    }

    /// Decodes `.pose` bytes (v0.0, v0.1 or v0.2). `file` names the source in errors.
    public static func decode(_ bytes: [UInt8], file: String = "<memory>") throws -> PoseSequence {
        var r = ByteReader(bytes, file: file)
        let (header, version) = try readHeader(&r)
        let layout = PoseLayouts.layout(for: header.components)
        let P = layout.pointCount, D = layout.dims
        var fps: Float = 0, frames = 0, people = 0
        var data: [Float], confidence: [Float]
        switch version {
        case .v0_2, .v0_1:
            if version == .v0_2 {
                fps = try r.f32("fps")
                frames = try r.u32("frame count")
                people = try r.u16("people count")
            } else {
                fps = Float(try r.u16("fps"))
                frames = try r.u16("frame count")  // unreliable (uint16 overflows); recomputed below
                people = try r.u16("people count")
            }
            guard people > 0 else { throw PoseError(file, .empty, "the body declares 0 people") }
            guard let frameBytes = checkedProduct([people, P, D + 1, 4]) else {
                throw PoseError(file, .corrupt, "a frame of \(people) people × \(P) points × \(D + 1) values is too large")
            }
            let count: Int
            if version == .v0_2 {
                guard frames > 0 else { throw PoseError(file, .empty, "the body declares 0 frames") }
                count = frames
                let needed = checkedProduct([frames, frameBytes]) ?? Int.max
                if r.remaining < needed {
                    throw PoseError(file, .truncated, "the body needs \(needed) bytes for \(frames) frames × \(people) people × \(P) points × \(D + 1) float32 values, \(r.remaining) remain")
                }
                if r.remaining > needed {
                    throw PoseError(file, .corrupt, "\(r.remaining - needed) trailing bytes after \(frames) frames × \(people) people × \(P) points × \(D + 1) float32 values")
                }
            } else {
                guard r.remaining > 0 else { throw PoseError(file, .empty, "the body has no frames") }
                guard r.remaining % frameBytes == 0 else {
                    throw PoseError(file, .truncated, "the body has \(r.remaining) bytes, not a whole number of \(frameBytes)-byte frames (\(people) people × \(P) points × \(D + 1) float32 values)")
                }
                count = r.remaining / frameBytes
            }
            data = try r.floats(count * people * P * D, "coordinates")
            confidence = try r.floats(count * people * P, "confidences")
            return try PoseSequence(layout: layout, frames: count, people: people, dims: D, data: data,
                                    confidence: confidence, fps: fps, width: header.width, height: header.height,
                                    depth: header.depth, file: file)
        case .v0_0:
            fps = Float(try r.u16("fps"))
            frames = try r.u16("frame count")
            guard frames > 0 else { throw PoseError(file, .empty, "the body declares 0 frames") }
            let lengths = Set(header.components.map { $0.format.count })
            guard lengths.count == 1 else {
                throw PoseError(file, .unsupportedFormat, "v0.0 components with formats of different lengths (\(header.components.map(\.format).joined(separator: ", "))) are not supported")
            }
            // Frames without people take 2 bytes but expand to P × D values: bound the expansion.
            guard let values = checkedProduct([frames, P, D]), values <= maxExpandedValues else {
                throw PoseError(file, .corrupt, "\(frames) frames × \(P) points × \(D) dims is implausibly large (limit \(maxExpandedValues) values)")
            }
            data = [Float](repeating: 0, count: values)
            confidence = [Float](repeating: 0, count: frames * P)
            for t in 0..<frames {
                let n = try r.u16("people count of frame \(t)")
                for person in 0..<n {
                    _ = try r.i16("id of person \(person) in frame \(t)")
                    var p = 0
                    for comp in header.components {
                        let values = try r.floats(comp.points.count * (D + 1), "\(comp.name) of person \(person) in frame \(t)")
                        if person == 0 {
                            for i in 0..<comp.points.count {
                                for d in 0..<D { data[(t * P + p + i) * D + d] = values[i * (D + 1) + d] }
                                confidence[t * P + p + i] = values[i * (D + 1) + D]
                            }
                        }
                        p += comp.points.count
                    }
                }
            }
            guard r.remaining == 0 else {
                throw PoseError(file, .corrupt, "\(r.remaining) trailing bytes after \(frames) frames")
            }
            return try PoseSequence(layout: layout, frames: frames, people: 1, dims: D, data: data,
                                    confidence: confidence, fps: fps, width: header.width, height: header.height,
                                    depth: header.depth, file: file)
        }
    }

    static func readHeader(_ r: inout ByteReader) throws -> (header: Header, version: Version) {
        let file = r.file
        let v = try r.f32("version")
        let version: Version
        if v == 0 { version = .v0_0 }
        else if abs(v - 0.1) < 5e-4 { version = .v0_1 }
        else if abs(v - 0.2) < 5e-4 { version = .v0_2 }
        else { throw PoseError(file, .unsupportedVersion, "header version \(v) (bits 0x\(String(v.bitPattern, radix: 16))) is not 0.0, 0.1 or 0.2") }
        let width = try r.u16("width"), height = try r.u16("height"), depth = try r.u16("depth")
        let count = try r.u16("component count")
        guard count > 0 else { throw PoseError(file, .empty, "the header has no components") }
        var components = [PoseComponent]()
        for c in 0..<count {
            let name = try r.string("name of component \(c)")
            let format = try r.string("format of component \(name)")
            guard format.count >= 2 else {
                throw PoseError(file, .corrupt, "component \(name) has format '\(format)': it needs at least one stored dimension and a confidence letter")
            }
            let points = try r.u16("point count of \(name)"), limbs = try r.u16("limb count of \(name)")
            let colors = try r.u16("colour count of \(name)")
            var names = [String]()
            names.reserveCapacity(points)
            for i in 0..<points { names.append(try r.string("name of point \(i) of \(name)")) }
            var limbList = [PoseLimb]()
            limbList.reserveCapacity(limbs)
            for i in 0..<limbs {
                let a = try r.u16("limb \(i) of \(name)"), b = try r.u16("limb \(i) of \(name)")
                guard a < points && b < points else {
                    throw PoseError(file, .corrupt, "limb \(i) of \(name) joins points \(a) and \(b), but the component has \(points) points")
                }
                limbList.append(PoseLimb(a, b))
            }
            var colorList = [PoseColor]()
            colorList.reserveCapacity(colors)
            for i in 0..<colors {
                let red = try r.u16("colour \(i) of \(name)"), g = try r.u16("colour \(i) of \(name)"), b = try r.u16("colour \(i) of \(name)")
                colorList.append(PoseColor(red, g, b))
            }
            components.append(PoseComponent(name: name, format: format, points: names, limbs: limbList, colors: colorList))
        }
        guard components.contains(where: { !$0.points.isEmpty }) else {
            throw PoseError(file, .empty, "the header's components have no points")
        }
        return (Header(version: v, width: width, height: height, depth: depth, components: components), version)
    }

    /// `.pose` v0.2 bytes of `sequence`. The layout's stored dims must equal the sequence's.
    public static func encode(_ sequence: PoseSequence, file: String = "<memory>") throws -> [UInt8] {
        let layout = sequence.layout
        guard layout.dims == sequence.dims else {
            throw PoseError(file, .shapeMismatch, "layout \(layout.name) formats (\(layout.components.map(\.format).joined(separator: ", "))) store \(layout.dims) dims, the sequence has \(sequence.dims)")
        }
        var w = ByteWriter(file: file, capacity: 4096 + (sequence.data.count + sequence.confidence.count) * 4)
        w.f32(0.2)
        try w.u16(sequence.width, "width")
        try w.u16(sequence.height, "height")
        try w.u16(sequence.depth, "depth")
        try w.u16(layout.components.count, "component count")
        for comp in layout.components {
            try w.string(comp.name, "component name")
            try w.string(comp.format, "format of \(comp.name)")
            try w.u16(comp.points.count, "point count of \(comp.name)")
            try w.u16(comp.limbs.count, "limb count of \(comp.name)")
            try w.u16(comp.colors.count, "colour count of \(comp.name)")
            for p in comp.points { try w.string(p, "point name in \(comp.name)") }
            for l in comp.limbs {
                try w.u16(l.from, "limb start in \(comp.name)")
                try w.u16(l.to, "limb end in \(comp.name)")
            }
            for c in comp.colors {
                try w.u16(c.r, "colour in \(comp.name)")
                try w.u16(c.g, "colour in \(comp.name)")
                try w.u16(c.b, "colour in \(comp.name)")
            }
        }
        w.f32(sequence.fps)
        try w.u32(sequence.frameCount, "frame count")
        try w.u16(sequence.peopleCount, "people count")
        w.floats(sequence.data)
        w.floats(sequence.confidence)
        return w.bytes
    }
}


/// The product of `factors`, or nil when it overflows `Int`.
func checkedProduct(_ factors: [Int]) -> Int? {
    var p = 1
    for f in factors {
        let (r, overflow) = p.multipliedReportingOverflow(by: f)
        if overflow { return nil }
        p = r
    }
    return p
}
