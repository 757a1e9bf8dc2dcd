/// A minimal animated GIF (GIF89a) writer with a fixed 256-colour palette and LZW compression.
///
/// Written here because no maintained GIF encoder is available as a SwiftPM package for Linux, and
/// drawing poses must not add dependencies. Layout (GIF89a spec): header `GIF89a`; logical screen
/// descriptor (width, height, flags 0xF7 = 256-entry global colour table); the table; the NETSCAPE2.0
/// application extension with loop count 0 (loop forever); per frame a graphic control extension
/// (disposal 1, delay in 1/100 s) and an image descriptor for the whole screen followed by the LZW
/// data (minimum code size 8) in sub-blocks of at most 255 bytes; trailer 0x3B.
///
/// LZW (spec appendix F, bit order least-significant first): codes start 9 bits wide after a clear
/// code (256); end of information is 257; new strings get codes from 258. After each code is output,
/// the width grows by one bit when the next free code reaches `1 << width` (at most 12 bits), as a
/// decoder does it one entry later; when the next free code reaches 4095 a clear code is sent and the
/// table restarts (giflib's rule).
///
/// The palette holds the background, the exact ink colours, each stroke ink blended 25/50/75 % into
/// the background (the anti-aliased edges), a 6×6×6 colour cube and greys; every pixel maps to its
/// nearest entry through a 32×32×32 lookup table.
enum GIFEncoder {
    static let palette: [RGB] = {
        var p: [RGB] = [PoseInk.background]
        p += PoseInk.allCases.map(\.color)
        let bg = PoseInk.background
        for ink in [PoseInk.body, .leftHand, .rightHand, .face, .mouth, .other] {
            for a in [Float(0.25), 0.5, 0.75] {
                func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Float(y) + (Float(x) - Float(y)) * a).rounded()) }
                p.append(RGB(mix(ink.color.r, bg.r), mix(ink.color.g, bg.g), mix(ink.color.b, bg.b)))
            }
        }
        for r in 0..<6 { for g in 0..<6 { for b in 0..<6 { p.append(RGB(UInt8(r * 51), UInt8(g * 51), UInt8(b * 51))) } } }
        var k = 0
        while p.count < 256 { let v = UInt8(20 + 18 * k); p.append(RGB(v, v, v)); k += 1 }
        return Array(p.prefix(256))
    }()

    /// `nearest[(r >> 3) << 10 | (g >> 3) << 5 | b >> 3]`: the palette index nearest to the bin's centre
    /// (squared RGB distance).
    static let nearest: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 32768)
        for bin in 0..<32768 {
            let r = Float((bin >> 10) * 8 + 4), g = Float(((bin >> 5) & 31) * 8 + 4), b = Float((bin & 31) * 8 + 4)
            var best = 0, bestD = Float.infinity
            for (i, c) in palette.enumerated() {
                let dr = r - Float(c.r), dg = g - Float(c.g), db = b - Float(c.b)
                let d = dr * dr + dg * dg + db * db
                if d < bestD { bestD = d; best = i }
            }
            t[bin] = UInt8(best)
        }
        // Exact palette colours map to themselves even when a bin centre is nearer another entry.
        for (i, c) in palette.enumerated().reversed() { t[Int(c.r >> 3) << 10 | Int(c.g >> 3) << 5 | Int(c.b >> 3)] = UInt8(i) }
        return t
    }()

    /// Palette indices of an RGB image.
    static func quantize(_ rgb: [UInt8]) -> [UInt8] {
        let table = nearest
        var out = [UInt8](repeating: 0, count: rgb.count / 3)
        for i in out.indices {
            out[i] = table[Int(rgb[3 * i] >> 3) << 10 | Int(rgb[3 * i + 1] >> 3) << 5 | Int(rgb[3 * i + 2] >> 3)]
        }
        return out
    }

    /// Delays in 1/100 s for `count` frames at `fps`: the rounded cumulative times' differences, so the
    /// animation keeps the right total length (25 fps → 4 each; 30 fps → 3, 4, 3, 3, 4, 3, …).
    static func delays(count: Int, fps: Float) -> [Int] {
        (0..<count).map { k in
            Int((Double(k + 1) * 100 / Double(fps)).rounded()) - Int((Double(k) * 100 / Double(fps)).rounded())
        }
    }

    /// GIF bytes of `frames` (each width × height × 3 RGB bytes) shown `delays[k]` hundredths of a second each.
    static func encode(width: Int, height: Int, frames: [[UInt8]], delays: [Int]) -> [UInt8] {
        precondition(frames.count == delays.count && !frames.isEmpty && width > 0 && height > 0
                     && width <= 65535 && height <= 65535)
        var out = Array("GIF89a".utf8)
        le16(&out, width); le16(&out, height)
        out += [0xF7, 0, 0]
        for c in palette { out += [c.r, c.g, c.b] }
        out += [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01, 0x00, 0x00, 0x00]
        for (frame, delay) in zip(frames, delays) {
            out += [0x21, 0xF9, 0x04, 0x04]
            le16(&out, max(0, min(delay, 65535)))
            out += [0x00, 0x00]
            out += [0x2C]
            le16(&out, 0); le16(&out, 0); le16(&out, width); le16(&out, height)
            out += [0x00, 0x08]
            let data = lzw(quantize(frame), minCodeSize: 8)
            var i = 0
            while i < data.count {
                let n = min(255, data.count - i)
                out.append(UInt8(n))
                out += data[i..<(i + n)]
                i += n
            }
            out.append(0)
        }
        out.append(0x3B)
        return out
    }

    static func le16(_ out: inout [UInt8], _ v: Int) { out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }

    /// The LZW code stream of `indices` (values < 2^minCodeSize), packed least-significant bit first.
    static func lzw(_ indices: [UInt8], minCodeSize: Int) -> [UInt8] {
        let clear = 1 << minCodeSize, end = clear + 1
        var w = BitWriter()
        var width = minCodeSize + 1
        var next = end + 1
        // child[prefix << 8 | byte] = code of prefix+byte, -1 when absent; `used` lists the set slots.
        var child = [Int16](repeating: -1, count: 4096 << 8)
        var used = [Int]()
        used.reserveCapacity(4096)
        w.write(clear, width)
        guard var prefix = indices.first.map(Int.init) else {
            w.write(end, width)
            return w.finish()
        }
        func output(_ code: Int) {
            w.write(code, width)
            if next >= 1 << width && width < 12 { width += 1 }
        }
        for k in 1..<indices.count {
            let c = Int(indices[k])
            let key = prefix << 8 | c
            let found = child[key]
            if found >= 0 { prefix = Int(found); continue }
            output(prefix)
            if next >= 4095 {
                w.write(clear, width)
                for u in used { child[u] = -1 }
                used.removeAll(keepingCapacity: true)
                width = minCodeSize + 1
                next = end + 1
            } else {
                child[key] = Int16(next)
                used.append(key)
                next += 1
            }
            prefix = c
        }
        output(prefix)
        w.write(end, width)
        return w.finish()
    }
}
