import Foundation

/// An 8-bit RGB colour.
public struct RGB: Equatable, Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    /// `#rrggbb`.
    public var hex: String { String(format: "#%02x%02x%02x", r, g, b) }
}

/// What a stroke belongs to, which decides its colour: the five parts, points in no part (legs,
/// feet), and the chrome (grid lines, panel frames, axes, frame numbers).
public enum PoseInk: Int, CaseIterable, Sendable {
    case body, leftHand, rightHand, face, mouth, other, frame, label

    /// Colours (matplotlib's tab10 for the parts), on a white background.
    public var color: RGB {
        switch self {
        case .body: return RGB(31, 119, 180)
        case .leftHand: return RGB(44, 160, 44)
        case .rightHand: return RGB(214, 39, 40)
        case .face: return RGB(148, 103, 189)
        case .mouth: return RGB(255, 127, 14)
        case .other: return RGB(150, 150, 150)
        case .frame: return RGB(215, 215, 215)
        case .label: return RGB(90, 90, 90)
        }
    }

    public static let background = RGB(255, 255, 255)

    init(_ part: PosePart?) {
        switch part {
        case .body: self = .body
        case .leftHand: self = .leftHand
        case .rightHand: self = .rightHand
        case .face: self = .face
        case .mouth: self = .mouth
        case nil: self = .other
        }
    }
}

/// One drawing primitive in pixel coordinates of the whole image.
enum PoseStroke: Equatable {
    /// A line of `width` pixels with round-ish (anti-aliased) ends.
    case line(SIMD2<Float>, SIMD2<Float>, width: Float, ink: PoseInk)
    /// A filled disc.
    case dot(SIMD2<Float>, radius: Float, ink: PoseInk)
    /// An axis-aligned rectangle outline (1 pixel).
    case rect(SIMD2<Float>, SIMD2<Float>, ink: PoseInk)
    /// A frame number, top-left corner at the point, digits `height` pixels tall.
    case text(String, SIMD2<Float>, height: Float, ink: PoseInk)
}

/// Turns pose frames into strokes: limbs (layout limbs whose two ends are present, coloured by the
/// part of their first end when both ends belong to parts, else grey: legs, the face-mesh
/// tesselation of files that store it) and dots on the points of the five
/// parts. Points with confidence 0 — and the limbs touching them — are not drawn. The
/// `POSE_WORLD_LANDMARKS` component (metric 3-D coordinates, not pixels) is never drawn.
///
/// Raw mode fits the frame rectangle (`width × height` from the file, or the points' bounding box over
/// the drawn frames when the size is unknown or most points fall outside it) into each cell.
/// Normalized mode draws the Uni-Sign-normalised sequence (see `Preprocessing`): the body in a square
/// panel spanning [−1, 1]², and the wrist-relative hands and the nose-relative face in three inset
/// panels on the right, each centred on its anchor (cross-hairs) and scaled to its largest extent over
/// the drawn frames.
struct PoseScene {
    struct Panel {
        /// Points drawn in this panel.
        var points: Set<Int>
        /// Source rectangle (min, max) mapped into `target` (min, max), aspect preserved, centred.
        var source: (SIMD2<Float>, SIMD2<Float>)
        var target: (SIMD2<Float>, SIMD2<Float>)
        var framed: Bool
        var crossHair: Bool

        func map(_ p: SIMD2<Float>) -> SIMD2<Float> {
            let sw = max(source.1.x - source.0.x, 1e-6), sh = max(source.1.y - source.0.y, 1e-6)
            let tw = target.1.x - target.0.x, th = target.1.y - target.0.y
            let s = min(tw / sw, th / sh)
            let off = target.0 + (SIMD2(tw, th) - SIMD2(sw, sh) * s) / 2
            return off + (p - source.0) * s
        }
    }

    let sequence: PoseSequence
    let partOf: [PosePart?]
    let drawable: [Bool]
    /// (from, to) flat indices of all limbs of drawable components.
    let limbs: [(Int, Int)]
    let cellWidth: Int
    let cellHeight: Int
    let normalized: Bool
    /// Panels of a cell whose top-left corner is (0, 0).
    var panels: [Panel] = []

    /// A scene for `sequence` (already normalised when `normalized`) drawing `frames` into cells of
    /// `cellWidth × cellHeight`.
    init(_ sequence: PoseSequence, frames: [Int], cellWidth: Int, cellHeight: Int, normalized: Bool) {
        self.sequence = sequence
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.normalized = normalized
        let layout = sequence.layout
        var part = [PosePart?](repeating: nil, count: layout.pointCount)
        for (p, idx) in layout.partIndices { for i in idx { part[i] = p } }
        partOf = part
        var drawable = [Bool](repeating: true, count: layout.pointCount)
        var limbs = [(Int, Int)]()
        for (c, comp) in layout.components.enumerated() {
            let off = layout.componentOffsets[c]
            if comp.name == "POSE_WORLD_LANDMARKS" {
                for i in 0..<comp.points.count { drawable[off + i] = false }
                continue
            }
            for l in comp.limbs { limbs.append((off + l.from, off + l.to)) }
        }
        self.drawable = drawable
        self.limbs = limbs
        panels = normalized ? normalizedPanels(frames) : [rawPanel(frames)]
    }

    func valid(_ t: Int, _ p: Int) -> Bool { drawable[p] && sequence.confidence(frame: t, point: p) > 0 }

    func xy(_ t: Int, _ p: Int) -> SIMD2<Float> {
        let base = (t * sequence.peopleCount * sequence.pointCount + p) * sequence.dims
        return SIMD2(sequence.data[base], sequence.dims > 1 ? sequence.data[base + 1] : 0)
    }

    /// Bounding box of the valid points `points` over `frames`, or nil.
    func bounds(_ frames: [Int], _ points: [Int]) -> (SIMD2<Float>, SIMD2<Float>)? {
        var lo = SIMD2<Float>(repeating: .infinity), hi = SIMD2<Float>(repeating: -.infinity)
        for t in frames { for p in points where valid(t, p) { let v = xy(t, p); lo = pointwiseMin(lo, v); hi = pointwiseMax(hi, v) } }
        return lo.x <= hi.x ? (lo, hi) : nil
    }

    func rawPanel(_ frames: [Int]) -> Panel {
        let all = Array(0..<sequence.pointCount)
        let margin: Float = 4
        let target = (SIMD2<Float>(margin, margin), SIMD2<Float>(Float(cellWidth) - margin, Float(cellHeight) - margin))
        var source = (SIMD2<Float>(0, 0), SIMD2<Float>(Float(sequence.width), Float(sequence.height)))
        let box = bounds(frames, all)
        var useBox = sequence.width <= 0 || sequence.height <= 0
        if !useBox {
            // A frame size that most points ignore (e.g. normalised coordinates with a pixel header) is not used.
            var inside = 0, total = 0
            for t in frames { for p in all where valid(t, p) {
                total += 1
                let v = xy(t, p)
                if v.x >= 0 && v.y >= 0 && v.x <= source.1.x && v.y <= source.1.y { inside += 1 }
            } }
            useBox = total > 0 && inside * 2 < total
        }
        if useBox {
            if let (lo, hi) = box {
                let pad = max(hi.x - lo.x, hi.y - lo.y, 1e-3) * 0.05
                source = (lo - pad, hi + pad)
            } else {
                source = (SIMD2(0, 0), SIMD2(1, 1))
            }
        }
        return Panel(points: Set(all.filter { drawable[$0] }), source: source, target: target, framed: false, crossHair: false)
    }

    func normalizedPanels(_ frames: [Int]) -> [Panel] {
        let layout = sequence.layout
        let W = Float(cellWidth), H = Float(cellHeight)
        let side = min(H, W * 0.7)
        let m: Float = 4
        var panels = [Panel(points: Set(layout.indices(of: .body) ?? []), source: (SIMD2(-1, -1), SIMD2(1, 1)),
                            target: (SIMD2(m, m), SIMD2(side - m, side - m)), framed: true, crossHair: false)]
        let groups: [[Int]] = [layout.indices(of: .rightHand) ?? [], layout.indices(of: .leftHand) ?? [],
                               layout.nonManualIndices]
        let insetHeight = H / 3
        for (k, g) in groups.enumerated() where !g.isEmpty {
            var r: Float = 0.05
            for t in frames { for p in g where valid(t, p) { let v = xy(t, p); r = max(r, abs(v.x), abs(v.y)) } }
            r *= 1.1
            let top = Float(k) * insetHeight
            panels.append(Panel(points: Set(g), source: (SIMD2(-r, -r), SIMD2(r, r)),
                                target: (SIMD2(side + m, top + m), SIMD2(W - m, top + insetHeight - m)),
                                framed: true, crossHair: true))
        }
        return panels
    }

    /// Strokes of frame `t` drawn into the cell whose top-left corner is `origin`.
    func strokes(frame t: Int, origin: SIMD2<Float>, label: String?) -> [PoseStroke] {
        var out = [PoseStroke]()
        let scale = Float(min(cellWidth, cellHeight))
        let lineWidth = max(1, scale / 180)
        for panel in panels {
            if panel.framed {
                let a = panel.map(panel.source.0) + origin, b = panel.map(panel.source.1) + origin
                out.append(.rect(a, b, ink: .frame))
                if panel.crossHair {
                    let c = panel.map(SIMD2(0, 0)) + origin
                    out.append(.line(SIMD2(a.x, c.y), SIMD2(b.x, c.y), width: 1, ink: .frame))
                    out.append(.line(SIMD2(c.x, a.y), SIMD2(c.x, b.y), width: 1, ink: .frame))
                }
            }
            let panelScale = normalized && panel.crossHair ? 0.8 : 1 as Float
            for (a, b) in limbs where panel.points.contains(a) && panel.points.contains(b) && valid(t, a) && valid(t, b) {
                let ink = partOf[a] == nil || partOf[b] == nil ? PoseInk.other : PoseInk(partOf[a])
                let w = (ink == .face || ink == .mouth ? 0.6 : 1) * lineWidth * panelScale
                out.append(.line(panel.map(xy(t, a)) + origin, panel.map(xy(t, b)) + origin, width: w, ink: ink))
            }
            for p in panel.points.sorted() where valid(t, p) {
                guard let part = partOf[p] else { continue }
                let ink = PoseInk(part)
                let r = (ink == .face || ink == .mouth ? 0.45 : 0.9) * lineWidth * panelScale
                out.append(.dot(panel.map(xy(t, p)) + origin, radius: r, ink: ink))
            }
        }
        if let label {
            out.append(.text(label, origin + SIMD2(3, 3), height: max(5, (scale / 28).rounded()), ink: .label))
        }
        return out
    }
}
