import Foundation

/// A summary of a pose sequence, for `signzoo pose info`.
public enum PoseInfo {
    /// Missing-point statistics of one group of points (over all frames and people).
    public struct GroupStats: Equatable, Sendable {
        public var name: String
        public var points: Int
        /// Fraction of (frame, person, point) entries with confidence 0.
        public var missingRate: Double
        /// Fraction of (frame, person) rows in which every point of the group is missing.
        public var absentFrameRate: Double
    }

    public struct Summary: Equatable, Sendable {
        public var layout: String
        public var family: LayoutFamily
        public var frames: Int
        public var people: Int
        public var points: Int
        public var dims: Int
        public var fps: Float
        /// Per present part (in `PosePart.allCases` order), then `manual`, `non-manual`, `all`.
        public var groups: [GroupStats]
        public var absentParts: [PosePart]
        /// Confidences that are neither 0 nor in (0, 1] (some extractors store logits or visibilities).
        public var confidencesOutsideUnitInterval: Int
        public var confidenceRange: ClosedRange<Float>
    }

    public static func summarize(_ seq: PoseSequence) -> Summary {
        let l = seq.layout
        var groups = [GroupStats]()
        for part in PosePart.allCases {
            if let idx = l.indices(of: part) { groups.append(stats(seq, part.displayName, idx)) }
        }
        if !l.manualIndices.isEmpty { groups.append(stats(seq, "manual", l.manualIndices)) }
        if !l.nonManualIndices.isEmpty { groups.append(stats(seq, "non-manual", l.nonManualIndices)) }
        groups.append(stats(seq, "all", Array(0..<l.pointCount)))
        var outside = 0
        var lo = Float.infinity, hi = -Float.infinity
        for c in seq.confidence {
            if c != 0 && !(c > 0 && c <= 1) { outside += 1 }
            lo = min(lo, c); hi = max(hi, c)
        }
        return Summary(layout: l.name, family: l.family, frames: seq.frameCount, people: seq.peopleCount,
                       points: l.pointCount, dims: seq.dims, fps: seq.fps, groups: groups, absentParts: l.absentParts,
                       confidencesOutsideUnitInterval: outside, confidenceRange: lo...hi)
    }

    static func stats(_ seq: PoseSequence, _ name: String, _ idx: [Int]) -> GroupStats {
        let rows = seq.frameCount * seq.peopleCount, P = seq.pointCount
        var missing = 0, absentRows = 0
        seq.confidence.withUnsafeBufferPointer { c in
            for r in 0..<rows {
                var m = 0
                for p in idx where c[r * P + p] == 0 { m += 1 }
                missing += m
                if m == idx.count { absentRows += 1 }
            }
        }
        return GroupStats(name: name, points: idx.count, missingRate: Double(missing) / Double(max(rows * idx.count, 1)),
                          absentFrameRate: Double(absentRows) / Double(max(rows, 1)))
    }

    /// A few lines: layout, frames, fps, and the missing-point rate per part, e.g.
    ///
    ///     layout      reduced-holistic-178 (mediapipe-holistic; POSE_LANDMARKS 8, FACE_LANDMARKS 128, …)
    ///     frames      170 at 24 fps (7.08 s), 1 person, 3 dims (XYZ), 1250×1250×640
    ///     part        points  missing  frames without it
    ///     body             8     0.1 %      0.0 %
    ///     …
    public static func describe(_ seq: PoseSequence) -> String {
        let s = summarize(seq)
        var lines = [String]()
        lines.append("layout      \(s.layout) (\(s.family.rawValue); \(s.points) points: \(seq.layout.signature))")
        let duration = s.fps > 0 ? String(format: "%.2f s", Double(s.frames) / Double(s.fps)) : "duration unknown"
        let fps = s.fps > 0 ? "\(format(s.fps)) fps" : "unknown fps"
        let size = seq.width > 0 || seq.height > 0 ? ", \(seq.width)×\(seq.height)" + (seq.depth > 0 ? "×\(seq.depth)" : "") : ""
        lines.append("frames      \(s.frames) at \(fps) (\(duration)), \(s.people) \(s.people == 1 ? "person" : "people"), "
                     + "\(s.dims) dims (\(seq.layout.dimensionNames))\(size)")
        lines.append("part           points  missing  frames without it")
        for g in s.groups {
            lines.append(g.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                         + String(format: "%6d  %6.1f %%  %6.1f %%", g.points, 100 * g.missingRate, 100 * g.absentFrameRate))
        }
        lines.append("absent      \(s.absentParts.isEmpty ? "none" : s.absentParts.map(\.displayName).joined(separator: ", "))")
        if s.confidencesOutsideUnitInterval > 0 {
            lines.append("note        \(s.confidencesOutsideUnitInterval) confidences outside [0, 1] (range \(format(s.confidenceRange.lowerBound)) … \(format(s.confidenceRange.upperBound)))")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ v: Float) -> String {
        v == v.rounded() && abs(v) < 1e7 ? String(Int(v)) : String(format: "%.4g", Double(v))
    }
}
