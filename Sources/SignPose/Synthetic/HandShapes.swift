/// Named hand shapes of the generator (after the common handshape inventories of ASL/DGS: B, 5, S, A,
/// 1, V, W, Y, L, C, O, claw, bent-B, I, horns, X, F), in degrees: per finger (MCP, PIP, DIP flexion,
/// spread), thumb (α radial, β palmar, MCP, IP).
enum HandShapes {
    typealias V = SIMD4<Float>

    static let straight = V(0, 0, 0, 0)
    static let curled = V(85, 100, 60, 0)

    static let relaxed = HandShape(index: V(20, 25, 12, 2), middle: V(24, 28, 14, 0), ring: V(28, 30, 15, -2),
                                   pinky: V(32, 32, 15, -4), thumb: V(40, 20, 15, 10))

    static let all: [(name: String, shape: HandShape)] = [
        ("B", HandShape(index: V(0, 0, 0, -3), middle: straight, ring: V(0, 0, 0, 2), pinky: V(0, 0, 0, 4),
                        thumb: V(22, 25, 20, 10))),
        ("5", HandShape(index: V(0, 0, 0, 14), middle: V(0, 0, 0, 4), ring: V(0, 0, 0, -5), pinky: V(0, 0, 0, -15),
                        thumb: V(65, 15, 0, 0))),
        ("S", HandShape(index: curled, middle: curled, ring: curled, pinky: curled, thumb: V(20, 55, 35, 30))),
        ("A", HandShape(index: curled, middle: curled, ring: curled, pinky: curled, thumb: V(25, 5, 5, 5))),
        ("1", HandShape(index: straight, middle: curled, ring: curled, pinky: curled, thumb: V(20, 55, 35, 30))),
        ("V", HandShape(index: V(0, 0, 0, 12), middle: V(0, 0, 0, -6), ring: curled, pinky: curled,
                        thumb: V(20, 55, 35, 30))),
        ("W", HandShape(index: V(0, 0, 0, 10), middle: straight, ring: V(0, 0, 0, -10), pinky: curled,
                        thumb: V(20, 60, 40, 35))),
        ("Y", HandShape(index: curled, middle: curled, ring: curled, pinky: V(0, 0, 0, -20), thumb: V(70, 10, 0, 0))),
        ("L", HandShape(index: straight, middle: curled, ring: curled, pinky: curled, thumb: V(80, 5, 0, 0))),
        ("C", HandShape(index: V(35, 45, 25, 0), middle: V(35, 45, 25, 0), ring: V(35, 45, 25, 0), pinky: V(35, 45, 25, 0),
                        thumb: V(40, 45, 15, 10))),
        ("O", HandShape(index: V(55, 60, 35, 0), middle: V(55, 60, 35, 0), ring: V(55, 60, 35, 0), pinky: V(55, 60, 35, 0),
                        thumb: V(20, 60, 25, 20))),
        ("claw", HandShape(index: V(15, 70, 50, 12), middle: V(15, 70, 50, 3), ring: V(15, 70, 50, -5),
                           pinky: V(15, 70, 50, -14), thumb: V(55, 30, 20, 30))),
        ("bent-B", HandShape(index: V(80, 0, 0, 0), middle: V(80, 0, 0, 0), ring: V(80, 0, 0, 0), pinky: V(80, 0, 0, 0),
                             thumb: V(25, 20, 10, 5))),
        ("I", HandShape(index: curled, middle: curled, ring: curled, pinky: V(0, 0, 0, -8), thumb: V(20, 55, 35, 30))),
        ("horns", HandShape(index: V(0, 0, 0, 10), middle: curled, ring: curled, pinky: V(0, 0, 0, -14),
                            thumb: V(20, 55, 35, 30))),
        ("X", HandShape(index: V(20, 85, 60, 0), middle: curled, ring: curled, pinky: curled, thumb: V(20, 50, 30, 25))),
        ("F", HandShape(index: V(50, 60, 30, 0), middle: V(0, 0, 0, 4), ring: V(0, 0, 0, -6), pinky: V(0, 0, 0, -14),
                        thumb: V(25, 55, 20, 20))),
    ]
}

/// The generator's hand model from outside: the named shapes and their 21 points.
public enum SyntheticHand {
    /// Names of the hand shapes (`B`, `5`, `S`, `A`, `1`, `V`, `W`, `Y`, `L`, `C`, `O`, `claw`, `bent-B`,
    /// `I`, `horns`, `X`, `F`).
    public static var shapeNames: [String] { HandShapes.all.map(\.name) }

    /// The 21 points (MediaPipe / COCO-WholeBody hand order) of hand shape `name`, relative to the wrist,
    /// in shoulder widths (x right, y down, z away from the camera), for a right hand turned by
    /// `yaw`, `pitch`, `roll` (see the generator's `HandOrientation`), or its mirror image for a left hand.
    public static func points(shape name: String, rollDegrees: Float = 0, pitchDegrees: Float = 0, yawDegrees: Float = 0,
                              mirrored: Bool = false) throws -> [SIMD3<Float>] {
        guard let shape = HandShapes.all.first(where: { $0.name == name })?.shape else {
            throw PoseError("<memory>", .invalidArgument, "no hand shape named '\(name)'; known: \(shapeNames.joined(separator: ", "))")
        }
        return HandModel.points(shape, HandOrientation(rollDegrees: rollDegrees, pitchDegrees: pitchDegrees, yawDegrees: yawDegrees),
                                scale: 1, mirrored: mirrored)
    }
}
