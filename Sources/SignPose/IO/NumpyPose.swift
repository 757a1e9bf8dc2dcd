/// Pose sequences as NumPy arrays: `.npy` holds one float32 or float64 array of shape `(T, P, C)`
/// (or `(T, N, P, C)` with N people) whose last channel is the score and the first C − 1 channels the
/// coordinates, e.g. `(T, 133, 3)` = (x, y, score) for COCO-WholeBody. A score of 0 marks a missing
/// point. `.npz` (uncompressed, as `np.savez` writes) holds that array as `keypoints` (or `poses`, or
/// the archive's only array), optionally `fps` (a number) and `layout` (a string with a registered
/// layout name).
///
/// Arrays carry no point names: the layout is the one named by the caller, else the `.npz`'s
/// `layout`, else the registered layout with P points (every registered layout has a distinct count).
/// The layout's component formats are set to the array's C − 1 stored dims (e.g. "XYC").
public enum NumpyPose {
    public enum DType: String, Sendable { case float32, float64 }

    /// Reads `path` (`.npy` or `.npz`, chosen by extension).
    public static func read(_ path: String, layout: PoseLayout? = nil, fps: Float? = nil) throws -> PoseSequence {
        let bytes = try FileAccess.read(path)
        return path.lowercased().hasSuffix(".npz")
            ? try decodeNPZ(bytes, file: path, layout: layout, fps: fps)
            : try decodeNPY(bytes, file: path, layout: layout, fps: fps ?? 0)
    }

    /// Writes `sequence` to `path` (`.npy` or `.npz` by extension), atomically.
    public static func write(_ sequence: PoseSequence, to path: String, dtype: DType = .float32) throws {
        let bytes = path.lowercased().hasSuffix(".npz")
            ? try encodeNPZ(sequence, dtype: dtype, file: path)
            : encodeNPY(sequence, dtype: dtype)
        try FileAccess.writeAtomically(bytes, to: path)
    }

    /// Decodes `.npy` bytes. `fps` is stored as given (an `.npy` has no frame rate).
    public static func decodeNPY(_ bytes: [UInt8], file: String = "<memory>", layout: PoseLayout? = nil,
                                 fps: Float = 0) throws -> PoseSequence {
        let a = try NumpyArray.decode(bytes, file: file)
        return try sequence(from: a, file: file, layout: layout, fps: fps)
    }

    /// Decodes uncompressed `.npz` bytes. An explicit `layout` / `fps` wins over the archive's.
    public static func decodeNPZ(_ bytes: [UInt8], file: String = "<memory>", layout: PoseLayout? = nil,
                                 fps: Float? = nil) throws -> PoseSequence {
        let members = try ZipArchive.read(bytes, file: file)
        var arrays = [String: NumpyArray]()
        for m in members {
            let key = m.name.hasSuffix(".npy") ? String(m.name.dropLast(4)) : m.name
            arrays[key] = try NumpyArray.decode(m.bytes, file: "\(file)[\(m.name)]")
        }
        let poseKey: String
        if arrays["keypoints"] != nil { poseKey = "keypoints" }
        else if arrays["poses"] != nil { poseKey = "poses" }
        else if arrays.count == 1, let only = arrays.keys.first { poseKey = only }
        else {
            throw PoseError(file, .shapeMismatch, "no 'keypoints' array in the .npz (members: \(members.map(\.name).sorted().joined(separator: ", ")))")
        }
        var chosenLayout = layout
        if chosenLayout == nil, let name = arrays["layout"], case .unicode = name.dtype {
            do { chosenLayout = try PoseLayouts.named(name.text) } catch let e as PoseError {
                throw PoseError(file, e.kind, e.reason)
            }
        }
        var rate: Float = fps ?? 0
        if fps == nil, let f = arrays["fps"] {
            guard f.values.count == 1 else { throw PoseError(file, .shapeMismatch, "'fps' has shape \(fmtShape(f.shape)), expected a single number") }
            rate = f.values[0]
        }
        return try sequence(from: arrays[poseKey]!, file: file, layout: chosenLayout, fps: rate)
    }

    static func sequence(from a: NumpyArray, file: String, layout: PoseLayout?, fps: Float) throws -> PoseSequence {
        guard a.dtype == .float32 || a.dtype == .float64 else {
            throw PoseError(file, .unsupportedFormat, "the pose array must be float32 or float64")
        }
        let frames: Int, people: Int, points: Int, channels: Int
        switch a.shape.count {
        case 3: (frames, people, points, channels) = (a.shape[0], 1, a.shape[1], a.shape[2])
        case 4: (frames, people, points, channels) = (a.shape[0], a.shape[1], a.shape[2], a.shape[3])
        default:
            throw PoseError(file, .shapeMismatch, "pose array has shape \(fmtShape(a.shape)); expected (frames, points, channels) or (frames, people, points, channels)")
        }
        guard frames > 0 else { throw PoseError(file, .empty, "pose array \(fmtShape(a.shape)) has no frames") }
        guard channels >= 2 else {
            throw PoseError(file, .shapeMismatch, "pose array \(fmtShape(a.shape)) has \(channels) channel(s); expected coordinates then a score, e.g. (x, y, score)")
        }
        let base: PoseLayout
        if let layout { base = layout }
        else if let l = PoseLayouts.withPointCount(points) { base = l }
        else {
            throw PoseError(file, .unknownLayout, "no registered layout has \(points) points; pass a layout (registered: \(PoseLayouts.all.map { "\($0.name) (\($0.pointCount))" }.joined(separator: ", ")))")
        }
        guard base.pointCount == points else {
            throw PoseError(file, .shapeMismatch, "pose array \(fmtShape(a.shape)) has \(points) points, layout \(base.name) has \(base.pointCount)")
        }
        let dims = channels - 1
        let l = base.withDims(dims)
        let n = frames * people * points
        var data = [Float](repeating: 0, count: n * dims)
        var conf = [Float](repeating: 0, count: n)
        a.values.withUnsafeBufferPointer { v in
            data.withUnsafeMutableBufferPointer { d in
                conf.withUnsafeMutableBufferPointer { c in
                    for i in 0..<n {
                        for k in 0..<dims { d[i * dims + k] = v[i * channels + k] }
                        c[i] = v[i * channels + dims]
                    }
                }
            }
        }
        return try PoseSequence(layout: l, frames: frames, people: people, dims: dims, data: data, confidence: conf,
                                fps: fps, file: file)
    }

    static func array(of s: PoseSequence, dtype: DType) -> NumpyArray {
        let channels = s.dims + 1
        let n = s.frameCount * s.peopleCount * s.pointCount
        var values = [Float](repeating: 0, count: n * channels)
        s.data.withUnsafeBufferPointer { d in
            s.confidence.withUnsafeBufferPointer { c in
                values.withUnsafeMutableBufferPointer { v in
                    for i in 0..<n {
                        for k in 0..<s.dims { v[i * channels + k] = d[i * s.dims + k] }
                        v[i * channels + s.dims] = c[i]
                    }
                }
            }
        }
        let shape = s.peopleCount == 1 ? [s.frameCount, s.pointCount, channels]
                                       : [s.frameCount, s.peopleCount, s.pointCount, channels]
        return NumpyArray(shape: shape, dtype: dtype == .float32 ? .float32 : .float64, values: values)
    }

    /// `.npy` bytes: `(T, P, D + 1)` for one person, `(T, N, P, D + 1)` for several.
    public static func encodeNPY(_ sequence: PoseSequence, dtype: DType = .float32) -> [UInt8] {
        array(of: sequence, dtype: dtype).encode()
    }

    /// `.npz` bytes (uncompressed): `keypoints`, `fps` (float32 scalar) and, for registered layouts, `layout`.
    public static func encodeNPZ(_ sequence: PoseSequence, dtype: DType = .float32, file: String = "<memory>") throws -> [UInt8] {
        var members = [ZipArchive.Member(name: "keypoints.npy", bytes: encodeNPY(sequence, dtype: dtype)),
                       ZipArchive.Member(name: "fps.npy", bytes: NumpyArray(shape: [], dtype: .float32, values: [sequence.fps]).encode())]
        if PoseLayouts.names.contains(sequence.layout.name) {
            let name = sequence.layout.name
            members.append(ZipArchive.Member(name: "layout.npy", bytes: NumpyArray(shape: [], dtype: .unicode(name.unicodeScalars.count), text: name).encode()))
        }
        return try ZipArchive.write(members, file: file)
    }
}

extension PoseLayout {
    /// This layout with every component format set to `dims` stored dimensions plus the confidence
    /// letter: the first `dims` letters of the longest format when it has that many (XYZC → XYC), else
    /// X, Y, Z, then K, L, … (parts, names and mirror partners unchanged).
    public func withDims(_ dims: Int) -> PoseLayout {
        if self.dims == dims && Set(components.map(\.format.count)).count == 1 { return self }
        let longest = Array(dimensionNames)
        let fallback = Array("XYZKLMNOPQRSTUVW")
        let letters = longest.count >= dims ? Array(longest.prefix(dims)) : Array(fallback.prefix(max(dims, 0)))
        let format = String(letters) + "C"
        let comps = components.map { PoseComponent(name: $0.name, format: format, points: $0.points, limbs: $0.limbs, colors: $0.colors) }
        return PoseLayout(name: name, components: comps, family: family, origin: origin)
    }
}
