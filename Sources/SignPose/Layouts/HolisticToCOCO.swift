/// Cross-family conversion MediaPipe Holistic → COCO-WholeBody (and so to its subsets `mslu-79`,
/// `unisign-69`, `masa-49`), so corpora that mix Holistic variants (e.g. `reduced-holistic-178` and
/// `holistic-hands-body-75`) pack into one COCO-based layout.
///
/// Each COCO point takes the first available Holistic point of its candidate list; a point with no
/// available candidate is **missing** (x = y = 0, confidence 0 — the same as an undetected point), so
/// a layout without a face (`holistic-hands-body-75`) gives clips whose face and mouth are missing.
/// - BODY: COCO `nose, left_eye, right_eye, left_ear, right_ear, left/right_shoulder, elbow, wrist,
///   hip` ← POSE `NOSE, LEFT_EYE, RIGHT_EYE, LEFT_EAR, RIGHT_EAR, …` (both models name the subject's
///   left as LEFT); knees, ankles and feet likewise; COCO's six foot points ← `*_FOOT_INDEX` (big toe)
///   and `*_HEEL` (small toe has no counterpart: missing).
/// - hands: COCO-WholeBody and MediaPipe number the 21 hand points the same way (wrist, then 4 per
///   finger from the thumb), LEFT_HAND_LANDMARKS → LEFT_HAND.
/// - FACE (iBUG-68) ← face-mesh indices `ibug68FromFaceMesh` (the correspondence commonly used to turn
///   MediaPipe meshes into dlib-68 points; its left/right consistency is checked in tests through both
///   mirror tables). The reduced 178-point face keeps only `FACEMESH_CONTOURS`, which lack the nose
///   points 27–35: those are missing, except the nose tip (iBUG 30), the face anchor of the
///   normalisation, which falls back to mesh point 0 (upper-lip centre) as `Preprocessing` does for
///   reduced Holistic layouts.
enum HolisticToCOCO {
    /// `ibug68FromFaceMesh[i]` = the face-mesh index standing for iBUG point i.
    static let ibug68FromFaceMesh: [Int] = [
        127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,   // jaw 0–16
        70, 63, 105, 66, 107, 336, 296, 334, 293, 300,                                       // brows 17–26
        168, 197, 5, 4, 75, 97, 2, 326, 305,                                                 // nose 27–35
        33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,                           // eyes 36–47
        61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,                                 // outer lip 48–59
        78, 82, 13, 312, 308, 317, 14, 87,                                                   // inner lip 60–67
    ]

    /// Holistic (component, point) candidates for a COCO-WholeBody point, best first.
    static func candidates(component: String, point: String) -> [(String, String)] {
        switch component {
        case "BODY":
            let special: [String: [String]] = ["left_big_toe": ["LEFT_FOOT_INDEX"], "right_big_toe": ["RIGHT_FOOT_INDEX"],
                                               "left_heel": ["LEFT_HEEL"], "right_heel": ["RIGHT_HEEL"],
                                               "left_small_toe": [], "right_small_toe": []]
            return (special[point] ?? [point.uppercased()]).map { ("POSE_LANDMARKS", $0) }
        case "FACE":
            guard point.hasPrefix("face-"), let i = Int(point.dropFirst(5)), i >= 0, i < 68 else { return [] }
            var out = [("FACE_LANDMARKS", String(ibug68FromFaceMesh[i]))]
            if i == 30 { out += [("FACE_LANDMARKS", "1"), ("FACE_LANDMARKS", "0")] }
            return out
        case "LEFT_HAND", "RIGHT_HAND":
            let side = component == "LEFT_HAND" ? "LEFT" : "RIGHT"
            let prefix = side.lowercased() + "_hand_"
            guard point.hasPrefix(prefix), let i = Int(point.dropFirst(prefix.count)), i >= 0, i < 21 else { return [] }
            return [("\(side)_HAND_LANDMARKS", LayoutTables.holisticHandPoints[i])]
        default: return []
        }
    }

    /// For each point of the COCO-family `target`, its index in the Holistic `source`, or nil when
    /// the source has none of its candidates. Throws `shapeMismatch` when the source gives no body
    /// point or no point of a hand the target has (nothing sensible to train on).
    static func indices(from source: PoseLayout, to target: PoseLayout, file: String) throws -> [Int?] {
        var lookup = [String: [String: Int]]()
        for (c, comp) in source.components.enumerated() {
            var m = [String: Int]()
            for (i, p) in comp.points.enumerated() where m[p] == nil { m[p] = source.componentOffsets[c] + i }
            lookup[comp.name] = m
        }
        var out: [Int?] = []
        var found = [String: Int]()
        for comp in target.components {
            for p in comp.points {
                let i = candidates(component: comp.name, point: p).lazy.compactMap { lookup[$0.0]?[$0.1] }.first
                out.append(i)
                if i != nil { found[comp.name, default: 0] += 1 }
            }
        }
        for comp in target.components where ["BODY", "LEFT_HAND", "RIGHT_HAND"].contains(comp.name) && found[comp.name] == nil {
            throw PoseError(file, .shapeMismatch, "layout \(source.name) has no point for \(target.name)'s \(comp.name)")
        }
        return out
    }
}

extension PoseSequence {
    /// The sequence in `target` layout with `indices[j]` giving the source point of target point j;
    /// nil makes that point missing (zero coordinates and confidence).
    public func selectingPoints(_ indices: [Int?], layout target: PoseLayout) throws -> PoseSequence {
        guard target.pointCount == indices.count else {
            throw PoseError("<memory>", .shapeMismatch, "layout \(target.name) has \(target.pointCount) points, \(indices.count) indices given")
        }
        if let bad = indices.compactMap({ $0 }).first(where: { $0 < 0 || $0 >= pointCount }) {
            throw PoseError("<memory>", .invalidArgument, "point \(bad) out of range (layout \(layout.name) has \(pointCount) points)")
        }
        let Q = indices.count, P = pointCount, D = dims
        var d = [Float](repeating: 0, count: frameCount * peopleCount * Q * D)
        var c = [Float](repeating: 0, count: frameCount * peopleCount * Q)
        data.withUnsafeBufferPointer { dp in
            confidence.withUnsafeBufferPointer { cp in
                d.withUnsafeMutableBufferPointer { od in
                    c.withUnsafeMutableBufferPointer { oc in
                        for row in 0..<(frameCount * peopleCount) {
                            for (j, source) in indices.enumerated() {
                                guard let p = source else { continue }
                                oc[row * Q + j] = cp[row * P + p]
                                for k in 0..<D { od[(row * Q + j) * D + k] = dp[(row * P + p) * D + k] }
                            }
                        }
                    }
                }
            }
        }
        return try PoseSequence(layout: target, frames: frameCount, people: peopleCount, dims: D, data: d,
                                confidence: c, fps: fps, width: width, height: height, depth: depth)
    }
}
