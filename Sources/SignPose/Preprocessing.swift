import SignTensor

/// Uni-Sign-style keypoint preprocessing (paper notes §2.4, Uni-Sign `load_part_kp` / `crop_scale`),
/// a value recorded in a checkpoint's config.
///
/// Spatial (`normalize`), per clip, on person 0, optionally after dividing x by the frame width and
/// y by the height (Uni-Sign stores keypoints that way):
/// 1. Body: over all frames, the body points with score > `scoreThreshold` give
///    `s = max(xmax − xmin, ymax − ymin)` and the square's corner `c = ((xmin + xmax − s)/2, (ymin + ymax − s)/2)`;
///    `p' = ((p − c)/s − 0.5)·2`. With fewer than `minimumValidBodyPoints` valid points, or s = 0,
///    the whole clip becomes zeros.
/// 2. Hands: `p' = (p − wrist)/s` (wrist = the hand's first point, WRIST / hand_0 / BASE, whatever its score).
/// 3. Face (face + mouth parts): `p' = (p − nose)/s`, nose = the nose tip (COCO face-30 = COCO-WB 53,
///    MediaPipe face-mesh point 1, OpenPose face 30), else the body model's nose point, else (reduced
///    Holistic, which keeps neither) face-mesh point 0, the upper-lip centre.
/// 4. Every channel (x, y and the score) is clipped to [−1, 1], and a point whose score is
///    ≤ `scoreThreshold` becomes (0, 0, 0). Points in no part become (0, 0, 0) too.
/// The output keeps the layout (formats XYC), 2 dims, and the clipped, masked scores as confidence,
/// so `tensor()` gives Uni-Sign's (x, y, score) input.
///
/// Temporal (`sampleFrames`): a clip longer than `maxFrames` keeps `maxFrames` distinct frames drawn
/// uniformly at random (also at test time, as Uni-Sign does), in increasing order.
public struct Preprocessing: Codable, Equatable, Hashable, Sendable {
    /// Identifies the recipe in configs ("unisign").
    public var method: String
    public var scoreThreshold: Float
    public var minimumValidBodyPoints: Int
    /// Divide x by width and y by height first (needs the frame size).
    public var divideByFrameSize: Bool
    /// Longest clip kept (256 for SLT/CSLR, 64 for WLASL ISLR in Uni-Sign); nil keeps every frame.
    public var maxFrames: Int?

    public init(method: String = "unisign", scoreThreshold: Float = 0.3, minimumValidBodyPoints: Int = 4,
                divideByFrameSize: Bool = true, maxFrames: Int? = 256) {
        self.method = method
        self.scoreThreshold = scoreThreshold
        self.minimumValidBodyPoints = minimumValidBodyPoints
        self.divideByFrameSize = divideByFrameSize
        self.maxFrames = maxFrames
    }

    /// Uni-Sign's settings for SLT / CSLR (256 frames).
    public static let uniSign = Preprocessing()

    /// Spatial normalisation of person `person` (see the type's doc). Needs a body part; throws
    /// `missingPart` otherwise, and `invalidArgument` when `divideByFrameSize` is set but the frame
    /// size is unknown.
    public func normalize(_ seq: PoseSequence, person: Int = 0, file: String = "<memory>") throws -> PoseSequence {
        guard method == "unisign" else { throw PoseError(file, .invalidArgument, "unknown preprocessing method '\(method)'") }
        let layout = seq.layout
        try layout.require([.body], file: file)
        let one = try seq.person(person)
        guard !divideByFrameSize || (seq.width > 0 && seq.height > 0) else {
            throw PoseError(file, .invalidArgument, "divideByFrameSize needs the frame size, which is unknown (\(seq.width)×\(seq.height))")
        }
        let T = one.frameCount, P = one.pointCount, D = one.dims
        let sx: Float = divideByFrameSize ? 1 / Float(seq.width) : 1
        let sy: Float = divideByFrameSize ? 1 / Float(seq.height) : 1
        func x(_ t: Int, _ p: Int) -> Float { one.data[(t * P + p) * D] * sx }
        func y(_ t: Int, _ p: Int) -> Float { one.data[(t * P + p) * D + 1] * sy }
        func score(_ t: Int, _ p: Int) -> Float { one.confidence[t * P + p] }
        guard D >= 2 else { throw PoseError(file, .shapeMismatch, "preprocessing needs x and y, the sequence has \(D) dim") }

        // 1. Body box over the whole clip.
        let body = layout.indices(of: .body)!
        var xmin = Float.infinity, xmax = -Float.infinity, ymin = Float.infinity, ymax = -Float.infinity, valid = 0
        for t in 0..<T {
            for p in body where score(t, p) > scoreThreshold {
                valid += 1
                xmin = min(xmin, x(t, p)); xmax = max(xmax, x(t, p))
                ymin = min(ymin, y(t, p)); ymax = max(ymax, y(t, p))
            }
        }
        let s = valid >= minimumValidBodyPoints ? max(xmax - xmin, ymax - ymin) : 0
        var data = [Float](repeating: 0, count: T * P * 2)
        var conf = [Float](repeating: 0, count: T * P)
        let outLayout = layout.withDims(2)
        guard s > 0 else {
            return try PoseSequence(layout: outLayout, frames: T, dims: 2, data: data, confidence: conf, fps: seq.fps,
                                    width: seq.width, height: seq.height, depth: seq.depth, file: file)
        }
        let cx = (xmin + xmax - s) / 2, cy = (ymin + ymax - s) / 2
        func put(_ t: Int, _ p: Int, _ nx: Float, _ ny: Float) {
            let c = min(max(score(t, p), -1), 1)
            guard c > scoreThreshold else { return }
            data[(t * P + p) * 2] = min(max(nx, -1), 1)
            data[(t * P + p) * 2 + 1] = min(max(ny, -1), 1)
            conf[t * P + p] = c
        }
        for t in 0..<T {
            for p in body { put(t, p, ((x(t, p) - cx) / s - 0.5) * 2, ((y(t, p) - cy) / s - 0.5) * 2) }
        }
        // 2. Hands relative to their wrist; 3. face relative to the nose tip.
        var relative: [([Int], Int)] = []
        for part in [PosePart.leftHand, .rightHand] {
            if let idx = layout.indices(of: part), let wrist = idx.first { relative.append((idx, wrist)) }
        }
        let face = layout.nonManualIndices
        if !face.isEmpty {
            guard let nose = Self.noseTip(layout) else {
                throw PoseError(file, .missingPart, "layout \(layout.name) has a face but no nose-tip point to centre it on")
            }
            relative.append((face, nose))
        }
        for (idx, anchor) in relative {
            for t in 0..<T {
                let ax = x(t, anchor), ay = y(t, anchor)
                for p in idx { put(t, p, (x(t, p) - ax) / s, (y(t, p) - ay) / s) }
            }
        }
        return try PoseSequence(layout: outLayout, frames: T, dims: 2, data: data, confidence: conf, fps: seq.fps,
                                width: seq.width, height: seq.height, depth: seq.depth, file: file)
    }

    /// The face anchor: the nose tip of the face model if the layout has it, else the body's nose.
    public static func noseTip(_ layout: PoseLayout) -> Int? {
        let candidates: [(String, String)]
        switch layout.family {
        case .cocoWholeBody: candidates = [("FACE", "face-30"), ("BODY", "nose")]
        case .mediapipeHolistic:
            // The reduced 178-point layout keeps neither: face-mesh point 0 (upper-lip centre, on the mid-line
            // just below the nose) is its closest stable point.
            candidates = [("FACE_LANDMARKS", "1"), ("POSE_LANDMARKS", "NOSE"), ("FACE_LANDMARKS", "0")]
        case .openpose: candidates = [("face_keypoints_2d", "FN_30"), ("pose_keypoints_2d", "Nose")]
        case .custom: candidates = []
        }
        for (component, point) in candidates {
            guard let c = layout.components.firstIndex(where: { $0.name == component }),
                  let i = layout.components[c].points.firstIndex(of: point) else { continue }
            return layout.componentOffsets[c] + i
        }
        return nil
    }

    /// Frame indices to keep for a clip of `count` frames: all of them when `maxFrames` is nil or not
    /// exceeded, else `maxFrames` distinct indices drawn uniformly (partial Fisher–Yates), ascending.
    public func sampleFrames(count: Int, rng: inout RandomStream) -> [Int] {
        guard let m = maxFrames, count > m, m > 0 else { return Array(0..<count) }
        var pool = Array(0..<count)
        for i in 0..<m {
            let j = i + rng.int(count - i)
            pool.swapAt(i, j)
        }
        return pool[0..<m].sorted()
    }

    /// Temporal sampling then spatial normalisation.
    public func apply(_ seq: PoseSequence, rng: inout RandomStream, person: Int = 0, file: String = "<memory>") throws -> PoseSequence {
        let keep = sampleFrames(count: seq.frameCount, rng: &rng)
        let clip = keep.count == seq.frameCount ? seq : try seq.selectingFrames(keep)
        return try normalize(clip, person: person, file: file)
    }
}

extension PoseSequence {
    /// The frames `indices` (any order, repeats allowed), all people.
    public func selectingFrames(_ indices: [Int]) throws -> PoseSequence {
        if let bad = indices.first(where: { $0 < 0 || $0 >= frameCount }) {
            throw PoseError("<memory>", .invalidArgument, "frame \(bad) out of range (\(frameCount) frames)")
        }
        let row = peopleCount * pointCount
        var d = [Float](), c = [Float]()
        d.reserveCapacity(indices.count * row * dims)
        c.reserveCapacity(indices.count * row)
        for t in indices {
            d.append(contentsOf: data[(t * row * dims)..<((t + 1) * row * dims)])
            c.append(contentsOf: confidence[(t * row)..<((t + 1) * row)])
        }
        return try PoseSequence(layout: layout, frames: indices.count, people: peopleCount, dims: dims, data: d,
                                confidence: c, fps: fps, width: width, height: height, depth: depth)
    }
}
