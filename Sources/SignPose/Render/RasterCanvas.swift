/// An RGB image (8 bits per channel, row-major, no padding) with an anti-aliased rasterizer for the
/// few primitives pose drawings need.
///
/// Coverage of a pixel by a primitive is estimated from the distance d between the pixel's centre
/// `(x + ½, y + ½)` and the shape: a line of width w covers `clamp(w/2 + ½ − d, 0, 1)` (d = distance to
/// the segment), a disc of radius r covers `clamp(r + ½ − d, 0, 1)` (d = distance to the centre); the
/// pixel becomes `old + (colour − old) · coverage`. This is a one-pixel linear ramp across the edge,
/// enough for line drawings.
struct RasterCanvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]
    /// Drawing is limited to columns `clip.x0..<clip.x1` and rows `clip.y0..<clip.y1` (the whole image by default).
    var clip: (x0: Int, y0: Int, x1: Int, y1: Int)

    init(width: Int, height: Int, background: RGB) {
        self.width = width
        self.height = height
        clip = (0, 0, width, height)
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = background.r; pixels[3 * i + 1] = background.g; pixels[3 * i + 2] = background.b
        }
    }

    func pixel(_ x: Int, _ y: Int) -> RGB {
        let o = (y * width + x) * 3
        return RGB(pixels[o], pixels[o + 1], pixels[o + 2])
    }

    mutating func blend(_ x: Int, _ y: Int, _ c: RGB, _ coverage: Float) {
        guard coverage > 0, x >= clip.x0, y >= clip.y0, x < clip.x1, y < clip.y1 else { return }
        let a = min(coverage, 1)
        let o = (y * width + x) * 3
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
            UInt8(min(max((Float(old) + (Float(new) - Float(old)) * a).rounded(), 0), 255))
        }
        pixels[o] = mix(pixels[o], c.r)
        pixels[o + 1] = mix(pixels[o + 1], c.g)
        pixels[o + 2] = mix(pixels[o + 2], c.b)
    }

    mutating func line(_ a: SIMD2<Float>, _ b: SIMD2<Float>, width w: Float, color: RGB) {
        let h = w / 2 + 0.5
        let x0 = Int((min(a.x, b.x) - h).rounded(.down)), x1 = Int((max(a.x, b.x) + h).rounded(.up))
        let y0 = Int((min(a.y, b.y) - h).rounded(.down)), y1 = Int((max(a.y, b.y) + h).rounded(.up))
        let d = b - a
        let len2 = (d * d).sum()
        let xs = max(x0, 0), xe = min(x1, width - 1), ys = max(y0, 0), ye = min(y1, height - 1)
        guard xs <= xe, ys <= ye else { return }
        for y in ys...ye {
            for x in xs...xe {
                let p = SIMD2<Float>(Float(x) + 0.5, Float(y) + 0.5)
                let t = len2 > 0 ? min(max(((p - a) * d).sum() / len2, 0), 1) : 0
                let q = p - (a + d * t)
                let dist = (q * q).sum().squareRoot()
                blend(x, y, color, h - dist)
            }
        }
    }

    mutating func disc(_ c: SIMD2<Float>, radius r: Float, color: RGB) {
        let h = r + 0.5
        let x0 = Int((c.x - h).rounded(.down)), x1 = Int((c.x + h).rounded(.up))
        let y0 = Int((c.y - h).rounded(.down)), y1 = Int((c.y + h).rounded(.up))
        guard x1 >= 0, y1 >= 0, x0 < width, y0 < height else { return }
        for y in max(y0, 0)...min(y1, height - 1) {
            for x in max(x0, 0)...min(x1, width - 1) {
                let q = SIMD2<Float>(Float(x) + 0.5, Float(y) + 0.5) - c
                blend(x, y, color, h - (q * q).sum().squareRoot())
            }
        }
    }

    /// A one-pixel rectangle outline from `a` to `b` (inclusive pixel rows/columns).
    mutating func rect(_ a: SIMD2<Float>, _ b: SIMD2<Float>, color: RGB) {
        let x0 = Int(a.x.rounded(.down)), x1 = Int(b.x.rounded(.down)), y0 = Int(a.y.rounded(.down)), y1 = Int(b.y.rounded(.down))
        guard x0 <= x1, y0 <= y1 else { return }
        for x in x0...x1 { blend(x, y0, color, 1); blend(x, y1, color, 1) }
        for y in y0...y1 { blend(x0, y, color, 1); blend(x1, y, color, 1) }
    }

    /// Digits (and ':' '-') in a 3×5 bitmap font scaled to `height` pixels (a whole multiple of 5, at least 5).
    mutating func text(_ s: String, at origin: SIMD2<Float>, height: Float, color: RGB) {
        let k = max(1, Int(height / 5))
        var x = Int(origin.x)
        let y0 = Int(origin.y)
        for ch in s {
            guard let rows = Self.font[ch] else { x += 4 * k; continue }
            for (r, bits) in rows.enumerated() {
                for c in 0..<3 where bits & (4 >> c) != 0 {
                    for dy in 0..<k { for dx in 0..<k { blend(x + c * k + dx, y0 + r * k + dy, color, 1) } }
                }
            }
            x += 4 * k
        }
    }

    /// 3×5 glyphs, one 3-bit row each (bit 2 = left column).
    static let font: [Character: [UInt8]] = [
        "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1],
        "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
        ":": [0, 2, 0, 2, 0], "-": [0, 0, 7, 0, 0],
    ]

    /// Draws `strokes` in order.
    mutating func draw(_ strokes: [PoseStroke]) {
        for s in strokes {
            switch s {
            case let .line(a, b, w, ink): line(a, b, width: w, color: ink.color)
            case let .dot(c, r, ink): disc(c, radius: r, color: ink.color)
            case let .rect(a, b, ink): rect(a, b, color: ink.color)
            case let .text(t, o, h, ink): text(t, at: o, height: h, color: ink.color)
            }
        }
    }
}
