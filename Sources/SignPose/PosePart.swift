/// A body part group. Every layout maps its points onto these groups (disjoint: a point belongs to
/// at most one part; legs, feet, world coordinates and most face-mesh points belong to none).
///
/// - `body`: the upper body down to and including the hips (head points of the body model, shoulders,
///   elbows, wrists, hips). Legs and feet are in no part.
/// - `leftHand`, `rightHand`: the 21 hand points of each side (as the file names them).
/// - `face`: face points that are not mouth points.
/// - `mouth`: lip points.
///
/// The manual stream is body + hands, the non-manual stream face + mouth (paper notes §2.3).
public enum PosePart: String, CaseIterable, Codable, Sendable, Hashable {
    case body
    case leftHand = "left_hand"
    case rightHand = "right_hand"
    case face
    case mouth

    /// Parts of the manual stream, in stream order.
    public static let manual: [PosePart] = [.body, .leftHand, .rightHand]
    /// Parts of the non-manual stream, in stream order.
    public static let nonManual: [PosePart] = [.face, .mouth]

    /// Human-readable name, e.g. "left hand".
    public var displayName: String {
        switch self {
        case .body: return "body"
        case .leftHand: return "left hand"
        case .rightHand: return "right hand"
        case .face: return "face"
        case .mouth: return "mouth"
        }
    }
}
