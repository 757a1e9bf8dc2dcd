import Foundation

/// What to draw and how big.
public struct PoseRenderOptions: Equatable, Sendable {
    /// Frames to draw (half-open, clamped to the sequence); nil draws all.
    public var frames: Range<Int>?
    /// Draw after Uni-Sign normalisation (`Preprocessing`) instead of in pixel coordinates.
    public var normalized: Bool
    /// Size of one frame cell in pixels; nil picks 320 pixels on the longer side of the frame's aspect
    /// ratio (480 × 320 when normalised).
    public var cellWidth: Int?
    public var cellHeight: Int?
    /// Most frames in a PNG / SVG grid (sampled evenly over the range).
    public var maxGridFrames: Int
    /// Print the frame number in each cell.
    public var labels: Bool

    public init(frames: Range<Int>? = nil, normalized: Bool = false, cellWidth: Int? = nil, cellHeight: Int? = nil,
                maxGridFrames: Int = 16, labels: Bool = true) {
        self.frames = frames
        self.normalized = normalized
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.maxGridFrames = maxGridFrames
        self.labels = labels
    }
}

/// Draws pose sequences as skeletons: limbs and points coloured by part (body blue, left hand green,
/// right hand red, face purple, mouth orange; see `PoseInk`), missing points and their limbs left out.
///
/// - PNG: a grid of up to `maxGridFrames` evenly sampled frames (⌈√n⌉ columns), frame numbers in the
///   corners; written by the built-in `PNGEncoder`.
/// - GIF: an endless animation of every frame of the range, each shown for its share of 1/fps
///   (`GIFEncoder.delays`; frames are skipped evenly when fps > 50, since GIF delays under 2/100 s are
///   not honoured by viewers; unknown fps counts as 25).
/// - SVG: the same grid as the PNG, as vector elements (`SVGPoseWriter`).
public enum PoseRenderer {
    /// The frame indices a grid shows: `n = min(maxFrames, count)` indices spread evenly from the first
    /// to the last frame of `range`, `range.lowerBound + round(k·(count − 1)/(n − 1))`.
    public static func gridFrames(_ range: Range<Int>, maxFrames: Int) -> [Int] {
        let count = range.count
        let n = min(max(maxFrames, 1), count)
        guard n > 1 else { return count > 0 ? [range.lowerBound] : [] }
        return (0..<n).map { k in range.lowerBound + Int((Double(k) * Double(count - 1) / Double(n - 1)).rounded()) }
    }

    /// PNG bytes of the frame grid.
    public static func png(_ sequence: PoseSequence, options: PoseRenderOptions = PoseRenderOptions()) throws -> [UInt8] {
        let (seq, range) = try prepare(sequence, options)
        let (canvas, _) = grid(seq, range, options)
        return PNGEncoder.encode(width: canvas.width, height: canvas.height, rgb: canvas.pixels)
    }

    /// SVG text of the frame grid.
    public static func svg(_ sequence: PoseSequence, options: PoseRenderOptions = PoseRenderOptions()) throws -> String {
        let (seq, range) = try prepare(sequence, options)
        let frames = gridFrames(range, maxFrames: options.maxGridFrames)
        let (cw, ch) = cellSize(seq, options)
        let cols = columns(frames.count), rows = (frames.count + cols - 1) / cols
        let scene = PoseScene(seq, frames: frames, cellWidth: cw, cellHeight: ch, normalized: options.normalized)
        let cells = frames.enumerated().map { k, t -> (frame: Int, origin: SIMD2<Float>, strokes: [PoseStroke]) in
            let origin = SIMD2<Float>(Float((k % cols) * cw), Float((k / cols) * ch))
            return (t, origin, scene.strokes(frame: t, origin: origin, label: options.labels ? String(t) : nil))
        }
        return SVGPoseWriter.document(width: cols * cw, height: rows * ch, cells: cells, cellSize: SIMD2(Float(cw), Float(ch)),
                                      title: "\(seq.layout.name), frames \(frames.map(String.init).joined(separator: " "))")
    }

    /// GIF bytes of the animation.
    public static func gif(_ sequence: PoseSequence, options: PoseRenderOptions = PoseRenderOptions()) throws -> [UInt8] {
        let (seq, range) = try prepare(sequence, options)
        let fps = seq.fps > 0 ? seq.fps : 25
        let stride = max(1, Int((fps / 50).rounded(.up)))
        let frames = Array(Swift.stride(from: range.lowerBound, to: range.upperBound, by: stride))
        let (cw, ch) = cellSize(seq, options)
        let scene = PoseScene(seq, frames: frames, cellWidth: cw, cellHeight: ch, normalized: options.normalized)
        let images = frames.map { t -> [UInt8] in
            var canvas = RasterCanvas(width: cw, height: ch, background: PoseInk.background)
            canvas.draw(scene.strokes(frame: t, origin: SIMD2(0, 0), label: options.labels ? String(t) : nil))
            return canvas.pixels
        }
        return GIFEncoder.encode(width: cw, height: ch, frames: images,
                                 delays: GIFEncoder.delays(count: frames.count, fps: fps / Float(stride)))
    }

    /// Writes the drawing to `path`, choosing the format by extension (`.png`, `.gif`, `.svg`).
    public static func render(_ sequence: PoseSequence, to path: String, options: PoseRenderOptions = PoseRenderOptions()) throws {
        let bytes: [UInt8]
        switch PoseIO.fileExtension(path) {
        case "png": bytes = try png(sequence, options: options)
        case "gif": bytes = try gif(sequence, options: options)
        case "svg": bytes = Array(try svg(sequence, options: options).utf8)
        default: throw PoseError(path, .unsupportedFormat, "unknown image extension; use .png, .gif or .svg")
        }
        try FileAccess.writeAtomically(bytes, to: path)
    }

    // MARK: Internals

    /// Person 0, normalised when asked, and the checked frame range.
    static func prepare(_ sequence: PoseSequence, _ options: PoseRenderOptions) throws -> (PoseSequence, Range<Int>) {
        var seq = try sequence.person(0)
        let all = 0..<seq.frameCount
        let range = options.frames ?? all
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= seq.frameCount else {
            throw PoseError("<memory>", .invalidArgument, "frames \(range.lowerBound):\(range.upperBound) are not a non-empty part of 0:\(seq.frameCount)")
        }
        if let w = options.cellWidth, let h = options.cellHeight {
            guard w >= 16, h >= 16, w <= 8192, h <= 8192 else {
                throw PoseError("<memory>", .invalidArgument, "frame size \(w)×\(h) is outside 16…8192")
            }
        }
        if options.normalized {
            let prep = Preprocessing(divideByFrameSize: seq.width > 0 && seq.height > 0, maxFrames: nil)
            seq = try prep.normalize(seq)
        }
        return (seq, range)
    }

    static func cellSize(_ seq: PoseSequence, _ options: PoseRenderOptions) -> (Int, Int) {
        if let w = options.cellWidth, let h = options.cellHeight { return (w, h) }
        if options.normalized { return (480, 320) }
        guard seq.width > 0, seq.height > 0 else { return (320, 320) }
        let aspect = Double(seq.width) / Double(seq.height)
        return aspect >= 1 ? (320, max(16, Int((320 / aspect).rounded()))) : (max(16, Int((320 * aspect).rounded())), 320)
    }

    static func columns(_ n: Int) -> Int { max(1, Int(Double(n).squareRoot().rounded(.up))) }

    static func grid(_ seq: PoseSequence, _ range: Range<Int>, _ options: PoseRenderOptions) -> (RasterCanvas, [Int]) {
        let frames = gridFrames(range, maxFrames: options.maxGridFrames)
        let (cw, ch) = cellSize(seq, options)
        let cols = columns(frames.count), rows = (frames.count + cols - 1) / cols
        var canvas = RasterCanvas(width: cols * cw, height: rows * ch, background: PoseInk.background)
        let scene = PoseScene(seq, frames: frames, cellWidth: cw, cellHeight: ch, normalized: options.normalized)
        for (k, t) in frames.enumerated() {
            let origin = SIMD2<Float>(Float((k % cols) * cw), Float((k / cols) * ch))
            canvas.clip = ((k % cols) * cw, (k / cols) * ch, (k % cols + 1) * cw, (k / cols + 1) * ch)
            canvas.draw(scene.strokes(frame: t, origin: origin, label: options.labels ? String(t) : nil))
        }
        // Cell separators.
        canvas.clip = (0, 0, canvas.width, canvas.height)
        let (W, H) = (Float(cols * cw), Float(rows * ch))
        for c in stride(from: 1, to: cols, by: 1) {
            canvas.line(SIMD2(Float(c * cw), 0), SIMD2(Float(c * cw), H), width: 1, color: PoseInk.frame.color)
        }
        for r in stride(from: 1, to: rows, by: 1) {
            canvas.line(SIMD2(0, Float(r * ch)), SIMD2(W, Float(r * ch)), width: 1, color: PoseInk.frame.color)
        }
        return (canvas, frames)
    }
}
