import Foundation

/// The keypoint model a layout's points come from. It decides how component and point names map to
/// part groups and mirror partners.
///
/// **MediaPipe Holistic** (`POSE_LANDMARKS`, `FACE_LANDMARKS`, `LEFT_HAND_LANDMARKS`,
/// `RIGHT_HAND_LANDMARKS`, `POSE_WORLD_LANDMARKS`):
/// - body = POSE points 0–24 (NOSE … RIGHT_HIP: head, shoulders, elbows, wrists, the pose model's hand
///   points, hips); knees, ankles, heels and feet are in no part;
/// - face points are named by their face-mesh index. mouth = MediaPipe `FACEMESH_LIPS` (40 points:
///   outer and inner lip contours); face = the other `FACEMESH_CONTOURS` points: `FACEMESH_FACE_OVAL` (36),
///   `FACEMESH_LEFT_EYE` / `FACEMESH_RIGHT_EYE` (16 + 16) and `FACEMESH_LEFT_EYEBROW` /
///   `FACEMESH_RIGHT_EYEBROW` (10 + 10) = 88 points. The other 340 mesh points and the 10 iris points
///   are in no part, so the 468-, 478- and 128-point (reduced) faces give the same face and mouth groups,
///   the Holistic counterparts of COCO's 68-point face (jaw, brows, eyes … / lips);
/// - hands = the two hand components; `POSE_WORLD_LANDMARKS` (metric world coordinates) is in no part;
/// - mirror: LEFT ↔ RIGHT in point names (POSE, POSE_WORLD), the other hand component's point of the
///   same name, and pose-format's face-mesh reflection table (`FLIPPED_FACE_POINTS`) for the face.
///
/// **COCO-WholeBody** (`BODY`, `FACE`, `LEFT_HAND`, `RIGHT_HAND`, as MMPose whole-body files written by
/// pose-format): body = BODY points 0–12 (nose … right_hip); face = `face-0` … `face-47` (jaw, brows,
/// nose, eyes: COCO-WB 23–70); mouth = `face-48` … `face-67` (lips: COCO-WB 71–90); mirror: left ↔ right
/// in names, and the iBUG-68 reflection for the face (jaw i ↔ 16−i, brows, nostrils, eyes, lips).
///
/// **OpenPose** (`pose_keypoints_2d` BODY_25, `face_keypoints_2d` 70, `hand_left_keypoints_2d`,
/// `hand_right_keypoints_2d`): body = Nose, Neck, shoulders, elbows, wrists, MidHip, hips, eyes, ears;
/// face = iBUG points 0–47 and the pupils 68, 69; mouth = 48–67; mirror: R/L name prefixes, iBUG-68
/// reflection with 68 ↔ 69, and the same-named point of the other hand.
///
/// **custom**: unknown component names; no parts and no mirror partners (never guessed).
public enum LayoutFamily: String, Codable, Sendable, Hashable {
    case mediapipeHolistic = "mediapipe-holistic"
    case cocoWholeBody = "coco-wholebody"
    case openpose
    case custom

    static let holisticComponents: Set<String> = ["POSE_LANDMARKS", "FACE_LANDMARKS", "LEFT_HAND_LANDMARKS",
                                                  "RIGHT_HAND_LANDMARKS", "POSE_WORLD_LANDMARKS"]
    static let cocoComponents: Set<String> = ["BODY", "FACE", "LEFT_HAND", "RIGHT_HAND"]
    static let openposeComponents: Set<String> = ["pose_keypoints_2d", "face_keypoints_2d",
                                                  "hand_left_keypoints_2d", "hand_right_keypoints_2d"]

    /// The family whose component names these are (custom when they match none).
    public static func detect(componentNames names: [String]) -> LayoutFamily {
        let set = Set(names)
        guard !set.isEmpty else { return .custom }
        if set.isSubset(of: holisticComponents) { return .mediapipeHolistic }
        if set.isSubset(of: cocoComponents) { return .cocoWholeBody }
        if set.isSubset(of: openposeComponents) { return .openpose }
        return .custom
    }

    /// What a point is, as far as parts and mirroring go.
    enum Role {
        case none
        /// Part (or nil) and the (component name, point name) of the mirror partner (or nil).
        case point(PosePart?, mirror: (component: String, point: String)?)
    }

    func role(component: String, point: String) -> Role {
        switch self {
        case .mediapipeHolistic: return Self.holisticRole(component, point)
        case .cocoWholeBody: return Self.cocoRole(component, point)
        case .openpose: return Self.openposeRole(component, point)
        case .custom: return .none
        }
    }

    func semantics(of components: [PoseComponent], offsets: [Int]) -> (parts: [PosePart: [Int]], mirror: [Int?]) {
        var lookup = [String: [String: Int]]()
        for (c, comp) in components.enumerated() {
            var m = lookup[comp.name] ?? [:]
            for (i, p) in comp.points.enumerated() where m[p] == nil { m[p] = offsets[c] + i }
            lookup[comp.name] = m
        }
        var parts = [PosePart: [Int]]()
        var mirror = [Int?]()
        for (c, comp) in components.enumerated() {
            for (i, p) in comp.points.enumerated() {
                guard case let .point(part, partner) = role(component: comp.name, point: p) else {
                    mirror.append(nil)
                    continue
                }
                if let part { parts[part, default: []].append(offsets[c] + i) }
                mirror.append(partner.flatMap { lookup[$0.component]?[$0.point] })
            }
        }
        return (parts, mirror)
    }

    // MARK: MediaPipe Holistic

    static let holisticBodyNames: Set<String> = Set(LayoutTables.holisticPosePoints.prefix(25))
    static let holisticPoseNames: Set<String> = Set(LayoutTables.holisticPosePoints)

    static func holisticRole(_ component: String, _ point: String) -> Role {
        switch component {
        case "POSE_LANDMARKS", "POSE_WORLD_LANDMARKS":
            guard holisticPoseNames.contains(point) else { return .none }
            let part: PosePart? = component == "POSE_LANDMARKS" && holisticBodyNames.contains(point) ? .body : nil
            return .point(part, mirror: (component, swapLeftRight(point)))
        case "FACE_LANDMARKS":
            guard let mesh = Int(point), mesh >= 0, mesh < LayoutTables.faceMeshMirror.count else { return .none }
            let part: PosePart? = FaceMesh.lips.contains(mesh) ? .mouth : FaceMesh.nonLipContours.contains(mesh) ? .face : nil
            return .point(part, mirror: (component, String(LayoutTables.faceMeshMirror[mesh])))
        case "LEFT_HAND_LANDMARKS":
            return .point(.leftHand, mirror: ("RIGHT_HAND_LANDMARKS", point))
        case "RIGHT_HAND_LANDMARKS":
            return .point(.rightHand, mirror: ("LEFT_HAND_LANDMARKS", point))
        default:
            return .none
        }
    }

    // MARK: COCO-WholeBody

    static let cocoBodyNames: Set<String> = Set(LayoutTables.cocoBodyPoints.prefix(13))
    static let cocoAllBodyNames: Set<String> = Set(LayoutTables.cocoBodyPoints)

    static func cocoRole(_ component: String, _ point: String) -> Role {
        switch component {
        case "BODY":
            guard cocoAllBodyNames.contains(point) else { return .none }
            return .point(cocoBodyNames.contains(point) ? .body : nil, mirror: (component, swapLeftRight(point)))
        case "FACE":
            guard let (prefix, i) = splitTrailingNumber(point), i < 68 else { return .none }
            return .point(i >= 48 ? .mouth : .face, mirror: (component, prefix + String(IBUG68.mirror[i])))
        case "LEFT_HAND":
            return .point(.leftHand, mirror: ("RIGHT_HAND", swapLeftRight(point)))
        case "RIGHT_HAND":
            return .point(.rightHand, mirror: ("LEFT_HAND", swapLeftRight(point)))
        default:
            return .none
        }
    }

    // MARK: OpenPose

    static let openposeBodyNames: Set<String> = ["Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow",
                                                 "LWrist", "MidHip", "RHip", "LHip", "REye", "LEye", "REar", "LEar"]
    static let openposeAllBodyNames: Set<String> = Set(LayoutTables.openposeBodyPoints)

    static func openposeRole(_ component: String, _ point: String) -> Role {
        switch component {
        case "pose_keypoints_2d":
            guard openposeAllBodyNames.contains(point) else { return .none }
            return .point(openposeBodyNames.contains(point) ? .body : nil, mirror: (component, swapSidePrefix(point)))
        case "face_keypoints_2d":
            guard let (_, i) = splitTrailingNumber(point), i < 70 else { return .none }
            let partnerIndex = IBUG68.mirror[i]
            let partnerName = LayoutTables.openposeFacePoints[partnerIndex]
            return .point(i >= 48 && i < 68 ? .mouth : .face, mirror: (component, partnerName))
        case "hand_left_keypoints_2d":
            return .point(.leftHand, mirror: ("hand_right_keypoints_2d", point))
        case "hand_right_keypoints_2d":
            return .point(.rightHand, mirror: ("hand_left_keypoints_2d", point))
        default:
            return .none
        }
    }

    // MARK: Name helpers

    /// Swaps LEFT/RIGHT, Left/Right and left/right in a name (`LEFT_EYE_INNER` → `RIGHT_EYE_INNER`).
    static func swapLeftRight(_ name: String) -> String {
        var s = name
        for (l, r) in [("LEFT", "RIGHT"), ("Left", "Right"), ("left", "right")] {
            s = s.replacingOccurrences(of: l, with: "\u{0}").replacingOccurrences(of: r, with: l)
                .replacingOccurrences(of: "\u{0}", with: r)
        }
        return s
    }

    /// Swaps an OpenPose side prefix: `RShoulder` ↔ `LShoulder`; other names are unchanged.
    static func swapSidePrefix(_ name: String) -> String {
        let chars = Array(name)
        guard chars.count >= 2, chars[1].isUppercase else { return name }
        if chars[0] == "R" { return "L" + String(chars.dropFirst()) }
        if chars[0] == "L" { return "R" + String(chars.dropFirst()) }
        return name
    }

    /// `face-12` → ("face-", 12); `FLO_48` → ("FLO_", 48); nil without a trailing number.
    static func splitTrailingNumber(_ name: String) -> (String, Int)? {
        let digits = name.reversed().prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, let n = Int(String(digits.reversed())) else { return nil }
        return (String(name.dropLast(digits.count)), n)
    }
}
