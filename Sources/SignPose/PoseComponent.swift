/// A skeleton edge between two points of one component (component-local indices).
public struct PoseLimb: Equatable, Hashable, Codable, Sendable {
    public var from: Int
    public var to: Int
    public init(_ from: Int, _ to: Int) { self.from = from; self.to = to }
}

/// A drawing colour (pose-format stores three uint16 values; some files use values above 255).
public struct PoseColor: Equatable, Hashable, Codable, Sendable {
    public var r: Int
    public var g: Int
    public var b: Int
    public init(_ r: Int, _ g: Int, _ b: Int) { self.r = r; self.g = g; self.b = b }
}

/// One named group of points of a `.pose` header (e.g. `POSE_LANDMARKS`, `LEFT_HAND`).
///
/// `format` lists the stored dimensions followed by the confidence letter, e.g. `"XYZC"`: three
/// stored dims (x, y, z) and a confidence. Limbs and colours are only used for drawing.
public struct PoseComponent: Equatable, Hashable, Codable, Sendable {
    public var name: String
    public var format: String
    public var points: [String]
    public var limbs: [PoseLimb]
    public var colors: [PoseColor]

    public init(name: String, format: String, points: [String], limbs: [PoseLimb] = [], colors: [PoseColor] = []) {
        self.name = name
        self.format = format
        self.points = points
        self.limbs = limbs
        self.colors = colors
    }

    /// Stored dimensions of this component: `format` minus the trailing confidence letter.
    public var dims: Int { max(format.count - 1, 0) }

    /// The component keeping only `kept` (ascending component-local indices); limbs whose two ends
    /// are both kept are renumbered, the others dropped; colours are kept as they are (as pose-format's
    /// `get_components` does).
    func selecting(_ kept: [Int]) -> PoseComponent {
        var newIndex = [Int: Int]()
        for (n, i) in kept.enumerated() { newIndex[i] = n }
        let limbs = self.limbs.compactMap { l -> PoseLimb? in
            guard let a = newIndex[l.from], let b = newIndex[l.to] else { return nil }
            return PoseLimb(a, b)
        }
        return PoseComponent(name: name, format: format, points: kept.map { points[$0] }, limbs: limbs, colors: colors)
    }
}

extension Array where Element == (Int, Int) {
    var limbs: [PoseLimb] { map { PoseLimb($0.0, $0.1) } }
}

extension Array where Element == (Int, Int, Int) {
    var colors: [PoseColor] { map { PoseColor($0.0, $0.1, $0.2) } }
}
