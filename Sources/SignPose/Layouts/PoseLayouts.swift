import Foundation

/// The registry of named layouts.
///
/// | name | components (pose-format order) | points |
/// | --- | --- | --- |
/// | `coco-wholebody-133` | BODY 23, FACE 68, LEFT_HAND 21, RIGHT_HAND 21 (COCO-WB 0–22, 23–90, 91–111, 112–132) | 133 |
/// | `mediapipe-holistic-543` | POSE_LANDMARKS 33, FACE_LANDMARKS 468, LEFT_HAND_LANDMARKS 21, RIGHT_HAND_LANDMARKS 21 | 543 |
/// | `mediapipe-holistic-576` | the 543 + POSE_WORLD_LANDMARKS 33 | 576 |
/// | `mediapipe-holistic-586` | as 576 with the 478-point face (iris refinement) | 586 |
/// | `reduced-holistic-178` | POSE 8 (shoulders, elbows, wrists, hips), FACE 128 (`FACEMESH_CONTOURS`), hands 21 + 21 (pose-format `reduce_holistic`) | 178 |
/// | `holistic-hands-body-75` | POSE_LANDMARKS 33, LEFT_HAND_LANDMARKS 21, RIGHT_HAND_LANDMARKS 21 | 75 |
/// | `openpose-137` | pose_keypoints_2d 25, face_keypoints_2d 70, hand_left / hand_right 21 + 21 | 137 |
/// | `mslu-79` | subset of coco-wholebody-133: body 0–10, face 23, 26, …, 68, mouth 71, 73, …, 89, hands 91–132 | 79 |
/// | `unisign-69` | subset: body 0, 3–10; face 23, 25, …, 39, 53; mouth 83–90; hands 91–132 | 69 |
/// | `masa-49` | subset: body 0, 5–10; hands 91–132 | 49 |
///
/// Subsets keep their points in ascending parent-index order (components stay contiguous, as a
/// `.pose` file needs). TwoStream-SLR concatenates the same 79 points group by group in the order
/// face_others, hand, mouth, pose, and MASA lists its body points as [0, 5, 7, 9, 6, 8, 10]: those are
/// permutations of these layouts, not different point sets (paper notes §2.3).
public enum PoseLayouts {
    public static let names: [String] = [
        "coco-wholebody-133", "mediapipe-holistic-543", "mediapipe-holistic-576", "mediapipe-holistic-586",
        "reduced-holistic-178", "holistic-hands-body-75", "openpose-137", "mslu-79", "unisign-69", "masa-49",
    ]

    /// COCO-WholeBody indices of the MSLU 79 points (TwoStream-SLR `[pose, mouth_half, hand, face_others_1_3]`).
    public static let mslu79Indices: [Int] = Array(0...10) + Array(stride(from: 23, through: 68, by: 3))
        + Array(stride(from: 71, through: 89, by: 2)) + Array(91...132)
    /// COCO-WholeBody indices of the Uni-Sign 69 points.
    public static let unisign69Indices: [Int] = [0] + Array(3...10) + Array(stride(from: 23, through: 39, by: 2))
        + [53] + Array(83...90) + Array(91...132)
    /// COCO-WholeBody indices of the MASA / SignBERT+ / BEST 49 points.
    public static let masa49Indices: [Int] = [0] + Array(5...10) + Array(91...132)

    /// Every registered layout, in `names` order.
    public static let all: [PoseLayout] = {
        let coco = cocoWholeBody133
        let h543 = holistic([pose, face(468), hand("LEFT"), hand("RIGHT")], "mediapipe-holistic-543")
        let h576 = holistic([pose, face(468), hand("LEFT"), hand("RIGHT"), world], "mediapipe-holistic-576")
        let h586 = holistic([pose, face(478), hand("LEFT"), hand("RIGHT"), world], "mediapipe-holistic-586")
        let reducedBody = ["LEFT_SHOULDER", "RIGHT_SHOULDER", "LEFT_ELBOW", "RIGHT_ELBOW", "LEFT_WRIST", "RIGHT_WRIST",
                           "LEFT_HIP", "RIGHT_HIP"].map { LayoutTables.holisticPosePoints.firstIndex(of: $0)! }
        let reduced = try! h543.selecting(reducedBody + FaceMesh.contours.map { 33 + $0 } + Array(501..<543),
                                          name: "reduced-holistic-178")
        let handsBody = try! h543.selecting(Array(0..<33) + Array(501..<543), name: "holistic-hands-body-75")
        return [coco, h543, h576, h586, reduced, handsBody, openpose137,
                try! coco.selecting(mslu79Indices, name: "mslu-79"),
                try! coco.selecting(unisign69Indices, name: "unisign-69"),
                try! coco.selecting(masa49Indices, name: "masa-49")]
    }()

    /// The registered layout called `name`; throws `unknownLayout` listing the registered names.
    public static func named(_ name: String) throws -> PoseLayout {
        guard let l = all.first(where: { $0.name == name }) else {
            throw PoseError("<memory>", .unknownLayout, "no layout named '\(name)'; registered: \(names.joined(separator: ", "))")
        }
        return l
    }

    /// The registered layout name whose component names and point counts equal those of `components`, or nil.
    public static func identify(_ components: [PoseComponent]) -> String? {
        let sig = components.map { "\($0.name) \($0.points.count)" }
        return all.first(where: { $0.components.map { "\($0.name) \($0.points.count)" } == sig })?.name
    }

    /// The registered layout with `count` points (every registered layout has a distinct count), or nil.
    public static func withPointCount(_ count: Int) -> PoseLayout? { all.first(where: { $0.pointCount == count }) }

    /// A layout for a header's components: the registered name when the signature matches one, else
    /// `custom`; parts and mirror partners come from the file's own point names.
    public static func layout(for components: [PoseComponent]) -> PoseLayout {
        if let cached = cache.get(components) { return cached }
        let l = PoseLayout(name: identify(components) ?? "custom", components: components)
        cache.put(components, l)
        return l
    }

    /// Headers repeat across a corpus (every file of a dataset has the same one): derived layouts are
    /// kept for the last 64 distinct headers.
    static let cache = LayoutCache()

    // MARK: Canonical components

    static let cocoWholeBody133 = PoseLayout(name: "coco-wholebody-133", components: [
        PoseComponent(name: "BODY", format: "XYC", points: LayoutTables.cocoBodyPoints,
                      limbs: LayoutTables.cocoBodyLimbs.limbs, colors: LayoutTables.cocoBodyColors.colors),
        PoseComponent(name: "FACE", format: "XYC", points: (0..<68).map { "face-\($0)" },
                      limbs: LayoutTables.cocoFaceLimbs.limbs, colors: LayoutTables.cocoFaceColors.colors),
        PoseComponent(name: "LEFT_HAND", format: "XYC", points: (0..<21).map { "left_hand_\($0)" },
                      limbs: LayoutTables.cocoHandLimbs.limbs, colors: LayoutTables.cocoLeftHandColors.colors),
        PoseComponent(name: "RIGHT_HAND", format: "XYC", points: (0..<21).map { "right_hand_\($0)" },
                      limbs: LayoutTables.cocoHandLimbs.limbs, colors: LayoutTables.cocoRightHandColors.colors),
    ], family: .cocoWholeBody)

    static let openpose137 = PoseLayout(name: "openpose-137", components: [
        PoseComponent(name: "pose_keypoints_2d", format: "XYC", points: LayoutTables.openposeBodyPoints,
                      limbs: LayoutTables.openposeBodyLimbs.limbs, colors: LayoutTables.openposeBodyColors.colors),
        PoseComponent(name: "face_keypoints_2d", format: "XYC", points: LayoutTables.openposeFacePoints,
                      limbs: LayoutTables.openposeFaceLimbs.limbs, colors: LayoutTables.openposeFaceColors.colors),
        PoseComponent(name: "hand_left_keypoints_2d", format: "XYC", points: LayoutTables.openposeHandPoints,
                      limbs: LayoutTables.openposeHandLimbs.limbs, colors: LayoutTables.openposeHandColors.colors),
        PoseComponent(name: "hand_right_keypoints_2d", format: "XYC", points: LayoutTables.openposeHandPoints,
                      limbs: LayoutTables.openposeHandLimbs.limbs, colors: LayoutTables.openposeHandColors.colors),
    ], family: .openpose)

    static func holistic(_ components: [PoseComponent], _ name: String) -> PoseLayout {
        PoseLayout(name: name, components: components, family: .mediapipeHolistic)
    }

    static let pose = PoseComponent(name: "POSE_LANDMARKS", format: "XYZC", points: LayoutTables.holisticPosePoints,
                                    limbs: LayoutTables.holisticPoseLimbs.limbs, colors: LayoutTables.holisticPoseColors.colors)
    static let world = PoseComponent(name: "POSE_WORLD_LANDMARKS", format: "XYZC", points: LayoutTables.holisticPosePoints,
                                     limbs: LayoutTables.holisticPoseLimbs.limbs, colors: LayoutTables.holisticPoseColors.colors)

    static func face(_ count: Int) -> PoseComponent {
        PoseComponent(name: "FACE_LANDMARKS", format: "XYZC", points: (0..<count).map(String.init),
                      limbs: LayoutTables.faceContourLimbs.limbs, colors: LayoutTables.holisticFaceColors.colors)
    }

    static func hand(_ side: String) -> PoseComponent {
        PoseComponent(name: "\(side)_HAND_LANDMARKS", format: "XYZC", points: LayoutTables.holisticHandPoints,
                      limbs: LayoutTables.holisticHandLimbs.limbs, colors: LayoutTables.holisticHandColors.colors)
    }
}

final class LayoutCache: @unchecked Sendable {
    private var entries: [[PoseComponent]: PoseLayout] = [:]
    private var order: [[PoseComponent]] = []
    private let lock = NSLock()

    func get(_ key: [PoseComponent]) -> PoseLayout? {
        lock.lock(); defer { lock.unlock() }
        return entries[key]
    }

    func put(_ key: [PoseComponent], _ layout: PoseLayout) {
        lock.lock(); defer { lock.unlock() }
        if entries[key] == nil {
            order.append(key)
            if order.count > 64 { entries[order.removeFirst()] = nil }
        }
        entries[key] = layout
    }
}
