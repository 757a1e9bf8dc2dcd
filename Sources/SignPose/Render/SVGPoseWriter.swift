import Foundation

/// SVG output of pose strokes: one `<svg>` with a white background, one `<g>` per frame cell
/// (`id="frame-<t>"`, `class="frame"`), and inside it `<line>` / `<circle>` / `<rect>` / `<text>` elements
/// whose `class` names the part (`body`, `left_hand`, `right_hand`, `face`, `mouth`, `other`) and whose
/// stroke or fill is the part's colour.
enum SVGPoseWriter {
    static func className(_ ink: PoseInk) -> String {
        switch ink {
        case .body: return "body"
        case .leftHand: return "left_hand"
        case .rightHand: return "right_hand"
        case .face: return "face"
        case .mouth: return "mouth"
        case .other: return "other"
        case .frame: return "frame-line"
        case .label: return "label"
        }
    }

    static func number(_ v: Float) -> String { String(format: "%.2f", v) }

    /// The document for `cells`: (frame index, strokes) pairs, on a `width × height` canvas.
    /// `cellSize`: each cell is clipped to its own rectangle (cells are laid out as in the stroke coordinates).
    static func document(width: Int, height: Int, cells: [(frame: Int, origin: SIMD2<Float>, strokes: [PoseStroke])],
                         cellSize: SIMD2<Float>, title: String) -> String {
        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
        <title>\(escape(title))</title>
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="\(PoseInk.background.hex)"/>

        """
        for (k, cell) in cells.enumerated() {
            s += "<clipPath id=\"cell-\(k)\"><rect x=\"\(number(cell.origin.x))\" y=\"\(number(cell.origin.y))\" width=\"\(number(cellSize.x))\" height=\"\(number(cellSize.y))\"/></clipPath>\n"
            s += "<g id=\"frame-\(cell.frame)\" class=\"frame\" clip-path=\"url(#cell-\(k))\" stroke-linecap=\"round\">\n"
            for stroke in cell.strokes {
                switch stroke {
                case let .line(a, b, w, ink):
                    s += "<line class=\"\(className(ink))\" x1=\"\(number(a.x))\" y1=\"\(number(a.y))\" x2=\"\(number(b.x))\" y2=\"\(number(b.y))\" stroke=\"\(ink.color.hex)\" stroke-width=\"\(number(w))\"/>\n"
                case let .dot(c, r, ink):
                    s += "<circle class=\"\(className(ink))\" cx=\"\(number(c.x))\" cy=\"\(number(c.y))\" r=\"\(number(r))\" fill=\"\(ink.color.hex)\"/>\n"
                case let .rect(a, b, ink):
                    s += "<rect class=\"\(className(ink))\" x=\"\(number(a.x))\" y=\"\(number(a.y))\" width=\"\(number(b.x - a.x))\" height=\"\(number(b.y - a.y))\" fill=\"none\" stroke=\"\(ink.color.hex)\" stroke-width=\"1\"/>\n"
                case let .text(t, o, h, ink):
                    s += "<text class=\"\(className(ink))\" x=\"\(number(o.x))\" y=\"\(number(o.y + h))\" font-family=\"monospace\" font-size=\"\(number(h * 1.3))\" fill=\"\(ink.color.hex)\">\(escape(t))</text>\n"
                }
            }
            s += "</g>\n"
        }
        s += "</svg>\n"
        return s
    }

    static func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
