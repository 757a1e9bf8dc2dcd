import Foundation

/// MMPose / RTMPose whole-body predictions in JSON. Accepted shapes:
///
/// 1. a list of frames: `[{"frame_id": 0, "instances": [{"keypoints": [[x, y], …], "keypoint_scores": [s, …]}, …]}, …]`
///    (what MMPose's inferencer and demos collect per video frame);
/// 2. the demo scripts' file `{"meta_info": {…}, "instance_info": [<frames as in 1>]}`; when
///    `meta_info.num_keypoints` is present it must equal the point count;
/// 3. the per-frame list format: `[[<instance>, …], …]`, one inner list per frame, frame index = position.
///
/// Keypoints are `[x, y]` or `[x, y, z]` (all points of all instances alike), with one score per point
/// (`keypoint_scores` is required: scores are never invented). One person is used: per frame the
/// instance with the highest mean score (the first on ties); a frame without instances is all missing
/// (score 0). Frames are placed by `frame_id` (sorted; ids must be distinct non-negative integers;
/// gaps become all-missing frames; the first id becomes frame 0). Other fields (`bbox`, `bbox_score`,
/// …) are ignored. JSON has no frame rate, so `fps` is what the caller passes (0 = unknown).
public enum MMPoseJSON {
    /// Reads the JSON file at `path`. The layout defaults to the registered layout with as many points
    /// as the keypoint lists (133 → `coco-wholebody-133`).
    public static func read(_ path: String, layout: PoseLayout? = nil, fps: Float = 0) throws -> PoseSequence {
        try decode(try FileAccess.read(path), file: path, layout: layout, fps: fps)
    }

    public static func decode(_ bytes: [UInt8], file: String = "<memory>", layout: PoseLayout? = nil,
                              fps: Float = 0) throws -> PoseSequence {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw PoseError(file, .corrupt, "invalid JSON (\(describe(error))); NaN and Infinity are not JSON")
        }
        var expectedPoints: Int?
        let frameList: [(id: Int, instances: [Any])]
        if let dict = root as? [String: Any] {
            guard let info = dict["instance_info"] as? [Any] else {
                throw PoseError(file, .corrupt, "a JSON object must have an 'instance_info' list (MMPose demo format); keys: \(dict.keys.sorted().joined(separator: ", "))")
            }
            if let meta = dict["meta_info"] as? [String: Any], let n = meta["num_keypoints"] as? Int { expectedPoints = n }
            frameList = try frames(fromFrameObjects: info, file: file)
        } else if let list = root as? [Any] {
            guard !list.isEmpty else { throw PoseError(file, .empty, "the JSON list has no frames") }
            if list.allSatisfy({ $0 is [Any] }) {
                frameList = list.enumerated().map { ($0.offset, $0.element as! [Any]) }
            } else {
                frameList = try frames(fromFrameObjects: list, file: file)
            }
        } else {
            throw PoseError(file, .corrupt, "the JSON top level must be a list of frames or an object with 'instance_info'")
        }
        guard !frameList.isEmpty else { throw PoseError(file, .empty, "the JSON has no frames") }

        // Parse every instance: points × coords and scores.
        var parsed = [(id: Int, best: (coords: [Float], scores: [Float])?)]()
        var points: Int?, coordCount: Int?
        for (id, instances) in frameList {
            var best: (coords: [Float], scores: [Float], mean: Double)?
            for (k, inst) in instances.enumerated() {
                let where_ = "frame_id \(id), instance \(k)"
                guard let obj = inst as? [String: Any] else { throw PoseError(file, .corrupt, "\(where_) is not an object") }
                guard let kps = obj["keypoints"] as? [Any] else { throw PoseError(file, .corrupt, "\(where_) has no 'keypoints' list") }
                guard let scoresAny = obj["keypoint_scores"] as? [Any] else {
                    throw PoseError(file, .corrupt, "\(where_) has no 'keypoint_scores' list (scores are required)")
                }
                if points == nil { points = kps.count }
                guard kps.count == points else {
                    throw PoseError(file, .shapeMismatch, "\(where_) has \(kps.count) keypoints, earlier instances have \(points!)")
                }
                guard scoresAny.count == kps.count else {
                    throw PoseError(file, .shapeMismatch, "\(where_) has \(kps.count) keypoints but \(scoresAny.count) scores")
                }
                var coords = [Float](), scores = [Float]()
                coords.reserveCapacity(kps.count * 3)
                for (p, kp) in kps.enumerated() {
                    guard let xy = kp as? [Any] else { throw PoseError(file, .corrupt, "\(where_), keypoint \(p) is not a list of numbers") }
                    if coordCount == nil { coordCount = xy.count }
                    guard xy.count == coordCount, xy.count == 2 || xy.count == 3 else {
                        throw PoseError(file, .shapeMismatch, "\(where_), keypoint \(p) has \(xy.count) coordinates (expected \(coordCount == 3 ? 3 : 2): [x, y] or [x, y, z] throughout)")
                    }
                    for v in xy { coords.append(try number(v, file: file, where_: "\(where_), keypoint \(p)")) }
                }
                for (p, s) in scoresAny.enumerated() { scores.append(try number(s, file: file, where_: "\(where_), score \(p)")) }
                let mean = scores.reduce(0.0) { $0 + Double($1) } / Double(max(scores.count, 1))
                if best == nil || mean > best!.mean { best = (coords, scores, mean) }
            }
            parsed.append((id, best.map { ($0.coords, $0.scores) }))
        }
        guard let P = points, let C = coordCount else {
            throw PoseError(file, .empty, "no frame has an instance, so the point count is unknown")
        }
        guard P > 0 else { throw PoseError(file, .empty, "instances have no keypoints") }
        if let n = expectedPoints, n != P {
            throw PoseError(file, .shapeMismatch, "meta_info.num_keypoints is \(n) but instances have \(P) keypoints")
        }
        let base: PoseLayout
        if let layout { base = layout }
        else if let l = PoseLayouts.withPointCount(P) { base = l }
        else { throw PoseError(file, .unknownLayout, "no registered layout has \(P) points; pass a layout") }
        guard base.pointCount == P else {
            throw PoseError(file, .shapeMismatch, "instances have \(P) keypoints, layout \(base.name) has \(base.pointCount)")
        }
        parsed.sort { $0.id < $1.id }
        for i in 1..<parsed.count where parsed[i].id == parsed[i - 1].id {
            throw PoseError(file, .corrupt, "frame_id \(parsed[i].id) appears twice")
        }
        let first = parsed.first!.id, T = parsed.last!.id - first + 1
        guard let values = checkedProduct([T, P, C + 1]), values <= PoseFormat.maxExpandedValues else {
            throw PoseError(file, .corrupt, "frame ids \(first)…\(parsed.last!.id) span \(T) frames of \(P) points: implausibly large")
        }
        var data = [Float](repeating: 0, count: T * P * C), conf = [Float](repeating: 0, count: T * P)
        for (id, best) in parsed {
            guard let best else { continue }
            let t = id - first
            for i in 0..<(P * C) { data[t * P * C + i] = best.coords[i] }
            for i in 0..<P { conf[t * P + i] = best.scores[i] }
        }
        return try PoseSequence(layout: base.withDims(C), frames: T, people: 1, dims: C, data: data, confidence: conf,
                                fps: fps, file: file)
    }

    static func frames(fromFrameObjects list: [Any], file: String) throws -> [(id: Int, instances: [Any])] {
        try list.enumerated().map { (k, f) in
            guard let obj = f as? [String: Any] else {
                throw PoseError(file, .corrupt, "frame \(k) is neither an object with 'instances' nor a list of instances")
            }
            guard let instances = obj["instances"] as? [Any] else { throw PoseError(file, .corrupt, "frame \(k) has no 'instances' list") }
            let id: Int
            if let n = obj["frame_id"] {
                guard let d = n as? Double, d >= 0, d == d.rounded(), d < 1e9 else {
                    throw PoseError(file, .corrupt, "frame \(k) has frame_id \(n), expected a non-negative integer")
                }
                id = Int(d)
            } else {
                id = k
            }
            return (id, instances)
        }
    }

    static func number(_ v: Any, file: String, where_: String) throws -> Float {
        guard let d = v as? Double else { throw PoseError(file, .corrupt, "\(where_) is not a number: \(v)") }
        let f = Float(d)
        guard f.isFinite else { throw PoseError(file, .nonFinite, "\(where_) is \(d), outside the float32 range") }
        return f
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let d = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return d }
        return ns.localizedDescription
    }
}
