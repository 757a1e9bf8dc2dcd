import Foundation
import Testing
import SignPose
import SignTestSupport

/// Python readers written from the file-format specs (zlib + struct for PNG; a GIF89a block parser
/// and LZW decoder for GIF; xml.etree for SVG), independent of the Swift encoders.
enum ImageCheck {
    static let png = """
    import json, struct, sys, zlib
    b = open(sys.argv[1], "rb").read()
    assert b[:8] == b"\\x89PNG\\r\\n\\x1a\\n", "signature"
    i, chunks, idat = 8, [], b""
    while i < len(b):
        n, = struct.unpack(">I", b[i:i + 4]); t = b[i + 4:i + 8]; d = b[i + 8:i + 8 + n]
        crc, = struct.unpack(">I", b[i + 8 + n:i + 12 + n])
        assert zlib.crc32(t + d) == crc, "CRC of %s" % t
        chunks.append(t.decode()); i += 12 + n
        if t == b"IHDR": w, h, depth, ctype, comp, filt, inter = struct.unpack(">IIBBBBB", d)
        if t == b"IDAT": idat += d
    raw = zlib.decompress(idat)
    assert len(raw) == h * (3 * w + 1), "raw size"
    assert all(raw[y * (3 * w + 1)] == 0 for y in range(h)), "filter bytes"
    def px(x, y):
        o = y * (3 * w + 1) + 1 + 3 * x
        return list(raw[o:o + 3])
    counts = {}
    for y in range(h):
        for x in range(w):
            c = tuple(px(x, y)); counts[c] = counts.get(c, 0) + 1
    asked = json.loads(sys.argv[2])
    print(json.dumps({"chunks": chunks, "size": [w, h], "depth": depth, "colorType": ctype, "interlace": inter,
                      "pixels": [px(x, y) for x, y in asked],
                      "counts": {"%d,%d,%d" % c: n for c, n in counts.items() if n >= 20}}))
    """

    static let gif = """
    import json, struct, sys
    def lzw_decode(data, min_size):
        clear, eoi = 1 << min_size, (1 << min_size) + 1
        size, table, out, prev = min_size + 1, [[i] for i in range(1 << min_size)] + [None, None], [], None
        value, bitpos, nbits = int.from_bytes(data, "little"), 0, len(data) * 8
        while bitpos + size <= nbits:
            code = (value >> bitpos) & ((1 << size) - 1); bitpos += size
            if code == clear:
                size, table, prev = min_size + 1, table[:clear + 2], None
                continue
            if code == eoi:
                return out
            if prev is None:
                entry = table[code]
            elif code < len(table):
                entry = table[code]; table.append(table[prev] + [entry[0]])
            elif code == len(table):
                entry = table[prev] + [table[prev][0]]; table.append(entry)
            else:
                raise ValueError("bad code")
            out += entry
            if len(table) == (1 << size) and size < 12:
                size += 1
            prev = code
        raise ValueError("no end-of-information code")
    b = open(sys.argv[1], "rb").read()
    assert b[:6] == b"GIF89a"
    w, h, flags, bg, aspect = struct.unpack("<HHBBB", b[6:13])
    i, gct = 13, []
    if flags & 0x80:
        n = 2 << (flags & 7); gct = [list(b[i + 3 * k:i + 3 * k + 3]) for k in range(n)]; i += 3 * n
    frames, delays, loop, delay = [], [], None, None
    while True:
        t = b[i]; i += 1
        if t == 0x3B: break
        if t == 0x21:
            label = b[i]; i += 1; blocks = []
            while b[i]:
                blocks.append(b[i + 1:i + 1 + b[i]]); i += 1 + b[i]
            i += 1
            if label == 0xF9: delay = struct.unpack("<H", blocks[0][1:3])[0]
            if label == 0xFF and blocks[0] == b"NETSCAPE2.0": loop = struct.unpack("<H", blocks[1][1:3])[0]
            continue
        assert t == 0x2C
        x, y, fw, fh, fl = struct.unpack("<HHHHB", b[i:i + 9]); i += 9
        mcs = b[i]; i += 1; data = b""
        while b[i]:
            data += b[i + 1:i + 1 + b[i]]; i += 1 + b[i]
        i += 1
        frames.append((fw, fh, mcs, data)); delays.append(delay)
    first = lzw_decode(frames[0][3], frames[0][2])
    last = lzw_decode(frames[-1][3], frames[-1][2])
    asked = json.loads(sys.argv[2])
    print(json.dumps({"size": [w, h], "frames": len(frames), "delays": delays, "loop": loop,
                      "decoded": [len(first), len(last)], "pixels": [gct[first[y * w + x]] for x, y in asked]}))
    """

    static let svg = """
    import json, sys, xml.etree.ElementTree as ET
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.parse(sys.argv[1]).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
    groups = root.findall("s:g", ns)
    classes = {}
    for e in root.iter():
        c = e.get("class")
        if c and e.tag.split("}")[1] in ("line", "circle"):
            key = e.tag.split("}")[1] + ":" + c
            classes[key] = classes.get(key, 0) + 1
    strokes = sorted({e.get("stroke") for e in root.iter("{http://www.w3.org/2000/svg}line") if e.get("class") == "body"})
    print(json.dumps({"size": [root.get("width"), root.get("height")], "frames": len(groups),
                      "ids": [g.get("id") for g in groups], "classes": classes, "bodyStrokes": strokes}))
    """

    static func run(_ script: String, _ path: String, pixels: [(Int, Int)] = []) throws -> [String: Any] {
        let asked = "[" + pixels.map { "[\($0.0), \($0.1)]" }.joined(separator: ",") + "]"
        let out = try Python.run(script, arguments: [path, asked], requiring: [])
        return try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
    }
}

@Suite("Pose rendering")
struct PoseRenderTests {
    static let body = [31, 119, 180], leftHand = [44, 160, 44], rightHand = [214, 39, 40], face = [148, 103, 189]
    static let mouth = [255, 127, 14], white = [255, 255, 255]

    /// A coco-wholebody-133 clip on a 392×392 frame (drawn into 400×400 cells: scale 1, offset 4, so
    /// point (x.5, y.5) lands on the centre of pixel (x + 4, y + 4)). Present: both shoulders and the
    /// left elbow (limbs 5–6 and 5–7), the right elbow with confidence 0 (limb 6–8 must not be drawn),
    /// left-hand wrist–thumb, right-hand wrist–index, mouth 48–49 and jaw 0–1.
    static func clip(frames: Int = 1, fps: Float = 25) throws -> PoseSequence {
        let layout = try PoseLayouts.named("coco-wholebody-133")
        var d = [Float](repeating: 0, count: frames * 133 * 2), c = [Float](repeating: 0, count: frames * 133)
        let points: [(Int, Float, Float, Float)] = [
            (5, 296.5, 96.5, 0.9), (6, 96.5, 96.5, 0.9), (7, 296.5, 296.5, 0.9), (8, 96.5, 296.5, 0),
            (91, 196.5, 296.5, 0.8), (92, 246.5, 296.5, 0.8), (112, 196.5, 196.5, 0.8), (117, 196.5, 146.5, 0.8),
            (23 + 48, 146.5, 46.5, 0.9), (23 + 49, 196.5, 46.5, 0.9), (23, 46.5, 46.5, 0.9), (24, 46.5, 86.5, 0.9),
        ]
        for t in 0..<frames {
            for (p, x, y, s) in points {
                d[(t * 133 + p) * 2] = x; d[(t * 133 + p) * 2 + 1] = y; c[t * 133 + p] = s
            }
        }
        return try PoseSequence(layout: layout, frames: frames, dims: 2, data: d, confidence: c, fps: fps, width: 392, height: 392)
    }

    /// (pixel, expected colour): on each limb, on the missing limb, and on the background.
    static let probes: [((Int, Int), [Int], String)] = [
        ((200, 100), body, "shoulder–shoulder"), ((300, 200), body, "left shoulder–left elbow"),
        ((100, 200), white, "right shoulder–missing right elbow is not drawn"),
        ((225, 300), leftHand, "left wrist–thumb"), ((200, 175), rightHand, "right wrist–index"),
        ((175, 50), mouth, "mouth 48–49"), ((50, 70), face, "jaw 0–1"), ((380, 380), white, "background"),
        ((200, 250), white, "background"),
    ]

    @Test func pngHasPartColoursOnLimbsAndBackgroundElsewhere() throws {
        let dir = try makeTemporaryDirectory("render-png").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/clip.png"
        try PoseRenderer.render(try Self.clip(), to: path, options: PoseRenderOptions(cellWidth: 400, cellHeight: 400))
        let r = try ImageCheck.run(ImageCheck.png, path, pixels: Self.probes.map(\.0))
        #expect(r["chunks"] as? [String] == ["IHDR", "IDAT", "IEND"])
        #expect(r["size"] as? [Int] == [400, 400] && r["depth"] as? Int == 8 && r["colorType"] as? Int == 2 && r["interlace"] as? Int == 0)
        let pixels = try #require(r["pixels"] as? [[Int]])
        for (probe, got) in zip(Self.probes, pixels) { #expect(got == probe.1, "\(probe.2) at \(probe.0): \(got)") }

        // A grid of 3 frames: 2 × 2 cells, the 4th cell empty.
        try PoseRenderer.render(try Self.clip(frames: 3), to: path, options: PoseRenderOptions(cellWidth: 400, cellHeight: 400))
        let g = try ImageCheck.run(ImageCheck.png, path, pixels: [(600, 100), (200, 500), (600, 600), (625, 700)])
        #expect(g["size"] as? [Int] == [800, 800])
        #expect(g["pixels"] as? [[Int]] == [Self.body, Self.body, Self.white, Self.white])
    }

    @Test func gifAnimatesEveryFrameWithDelaysFromFps() throws {
        let dir = try makeTemporaryDirectory("render-gif").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/clip.gif"
        try PoseRenderer.render(try Self.clip(frames: 5), to: path, options: PoseRenderOptions(cellWidth: 400, cellHeight: 400))
        let r = try ImageCheck.run(ImageCheck.gif, path, pixels: Self.probes.map(\.0))
        #expect(r["size"] as? [Int] == [400, 400] && r["frames"] as? Int == 5 && r["loop"] as? Int == 0)
        #expect(r["delays"] as? [Int] == [4, 4, 4, 4, 4], "25 fps = 4/100 s")
        #expect(r["decoded"] as? [Int] == [160_000, 160_000])
        let pixels = try #require(r["pixels"] as? [[Int]])
        for (probe, got) in zip(Self.probes, pixels) { #expect(got == probe.1, "\(probe.2) at \(probe.0): \(got)") }

        try PoseRenderer.render(try Self.clip(frames: 6, fps: 30), to: path, options: PoseRenderOptions(frames: 0..<6))
        let r30 = try ImageCheck.run(ImageCheck.gif, path)
        #expect(r30["delays"] as? [Int] == [3, 4, 3, 3, 4, 3], "30 fps: 20/100 s in total")
        #expect(r30["size"] as? [Int] == [320, 320])
    }

    /// The PHOENIX-2014T fixture (MediaPipe Holistic 543, 86 frames, 210×260) as a PNG grid, a GIF and an
    /// SVG: 16 cells, every part drawn in its colour, the GIF with 86 frames at 25 fps.
    @Test func phoenixFixtureRendersInAllFormats() throws {
        let dir = try makeTemporaryDirectory("render-phoenix").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seq = try PoseFormat.read(Fixtures.path(Fixtures.phoenix543))
        try PoseRenderer.render(seq, to: dir + "/p.png")
        let png = try ImageCheck.run(ImageCheck.png, dir + "/p.png")
        // 210×260 → cells 258×320, 4 × 4 of them.
        #expect(png["size"] as? [Int] == [4 * 258, 4 * 320])
        let counts = try #require(png["counts"] as? [String: Int])
        for (name, c) in [("body", Self.body), ("left hand", Self.leftHand), ("right hand", Self.rightHand), ("face", Self.face),
                          ("mouth", Self.mouth)] {
            #expect((counts[c.map(String.init).joined(separator: ",")] ?? 0) > 100, "\(name) pixels")
        }

        try PoseRenderer.render(seq, to: dir + "/p.gif", options: PoseRenderOptions(cellWidth: 160, cellHeight: 200))
        let gif = try ImageCheck.run(ImageCheck.gif, dir + "/p.gif")
        #expect(gif["frames"] as? Int == 86 && gif["size"] as? [Int] == [160, 200])
        #expect((gif["delays"] as? [Int]).map { Set($0) } == [4] && gif["decoded"] as? [Int] == [32_000, 32_000])

        try PoseRenderer.render(seq, to: dir + "/p.svg", options: PoseRenderOptions(frames: 10..<50, maxGridFrames: 9))
        let svg = try ImageCheck.run(ImageCheck.svg, dir + "/p.svg")
        #expect(svg["size"] as? [String] == ["\(3 * 258)", "\(3 * 320)"] && svg["frames"] as? Int == 9)
        #expect(svg["ids"] as? [String] == PoseRenderer.gridFrames(10..<50, maxFrames: 9).map { "frame-\($0)" })
        #expect(svg["bodyStrokes"] as? [String] == ["#1f77b4"])
        let classes = try #require(svg["classes"] as? [String: Int])
        for k in ["line:body", "line:left_hand", "line:right_hand", "line:face", "line:mouth", "circle:body", "circle:mouth"] {
            #expect((classes[k] ?? 0) > 0, "\(k)")
        }
    }

    @Test func svgListsTheDrawnLimbsAndPoints() throws {
        let dir = try makeTemporaryDirectory("render-svg").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PoseRenderer.render(try Self.clip(), to: dir + "/c.svg", options: PoseRenderOptions(cellWidth: 400, cellHeight: 400))
        let r = try ImageCheck.run(ImageCheck.svg, dir + "/c.svg")
        #expect(r["frames"] as? Int == 1 && r["size"] as? [String] == ["400", "400"])
        // Limbs: 5–6, 5–7 (not 6–8: elbow missing); one per hand, mouth and jaw. Dots on the 11 present part points.
        #expect(r["classes"] as? [String: Int] == ["line:body": 2, "line:left_hand": 1, "line:right_hand": 1, "line:mouth": 1,
                                                    "line:face": 1, "circle:body": 3, "circle:left_hand": 2,
                                                    "circle:right_hand": 2, "circle:mouth": 2, "circle:face": 2])
    }

    /// `--normalized`: the body in the square main panel, hands and face in the insets on the right.
    @Test func normalizedDrawingSeparatesBodyAndInsets() throws {
        let dir = try makeTemporaryDirectory("render-norm").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = try SyntheticSignGenerator(signs: 2, signers: 3, seed: 1)
        let seq = try g.isolated(sign: 0, signer: 0, layout: try PoseLayouts.named("coco-wholebody-133"))
        try PoseRenderer.render(seq, to: dir + "/n.png", options: PoseRenderOptions(frames: 20..<21, normalized: true))
        let r = try ImageCheck.run(ImageCheck.png, dir + "/n.png")
        #expect(r["size"] as? [Int] == [480, 320])
        let script = """
        import json, struct, sys, zlib
        b = open(sys.argv[1], "rb").read(); i, idat = 8, b""
        while i < len(b):
            n, = struct.unpack(">I", b[i:i + 4]); t = b[i + 4:i + 8]
            if t == b"IDAT": idat += b[i + 8:i + 8 + n]
            i += 12 + n
        raw, w, h = zlib.decompress(idat), 480, 320
        xs = {}
        for y in range(h):
            for x in range(w):
                o = y * (3 * w + 1) + 1 + 3 * x
                c = tuple(raw[o:o + 3]); xs.setdefault(c, []).append(x)
        def span(c): return [min(xs[c]), max(xs[c])] if c in xs else None
        print(json.dumps([span((31, 119, 180)), span((44, 160, 44)), span((214, 39, 40)), span((148, 103, 189))]))
        """
        let out = try Python.run(script, arguments: [dir + "/n.png"], requiring: [])
        let spans = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [Any])
        let bodySpan = try #require(spans[0] as? [Int]), left = try #require(spans[1] as? [Int])
        let right = try #require(spans[2] as? [Int]), faceSpan = try #require(spans[3] as? [Int])
        #expect(bodySpan[1] < 320, "body stays in the 320×320 main panel: \(bodySpan)")
        #expect(left[0] >= 320 && right[0] >= 320 && faceSpan[0] >= 320, "hands and face in the insets: \(left) \(right) \(faceSpan)")
    }

    @Test func gridFramesAndBadRequests() throws {
        #expect(PoseRenderer.gridFrames(0..<86, maxFrames: 16) == [0, 6, 11, 17, 23, 28, 34, 40, 45, 51, 57, 62, 68, 74, 79, 85])
        #expect(PoseRenderer.gridFrames(5..<8, maxFrames: 16) == [5, 6, 7])
        #expect(PoseRenderer.gridFrames(3..<4, maxFrames: 16) == [3])
        let seq = try Self.clip(frames: 2)
        #expect(throws: PoseError.self) { try PoseRenderer.png(seq, options: PoseRenderOptions(frames: 1..<5)) }
        #expect(throws: PoseError.self) { try PoseRenderer.png(seq, options: PoseRenderOptions(cellWidth: 4, cellHeight: 4)) }
        #expect(throws: PoseError.self) { try PoseRenderer.render(seq, to: "/tmp/x.bmp") }
    }
}
