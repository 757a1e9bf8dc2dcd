/// MediaPipe FaceMesh contour index sets (from `mediapipe/python/solutions/face_mesh_connections.py`:
/// the points of the `FACEMESH_LIPS`, `FACEMESH_LEFT_EYE`, `FACEMESH_RIGHT_EYE`, `FACEMESH_LEFT_EYEBROW`,
/// `FACEMESH_RIGHT_EYEBROW` and `FACEMESH_FACE_OVAL` edge sets). Their union is `FACEMESH_CONTOURS`
/// (128 points), the face that pose-format's `reduce_holistic` keeps.
enum FaceMesh {
    /// Outer lip (20) and inner lip (20) contours.
    static let lips: Set<Int> = [
        61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409,
        78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415,
    ]
    static let leftEye: Set<Int> = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398]
    static let rightEye: Set<Int> = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173]
    static let leftEyebrow: Set<Int> = [276, 283, 282, 295, 285, 300, 293, 334, 296, 336]
    static let rightEyebrow: Set<Int> = [46, 53, 52, 65, 55, 70, 63, 105, 66, 107]
    static let faceOval: Set<Int> = [
        10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
        152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
    ]
    /// The face part of Holistic layouts: contours without the lips (88 points).
    static let nonLipContours: Set<Int> = faceOval.union(leftEye).union(rightEye).union(leftEyebrow).union(rightEyebrow)
    /// `FACEMESH_CONTOURS` points, ascending (128).
    static let contours: [Int] = nonLipContours.union(lips).sorted()
}

/// The 68-point iBUG 300-W face (COCO-WholeBody face 23–90, OpenPose face 0–67, plus OpenPose's two
/// pupils 68, 69).
enum IBUG68 {
    /// `mirror[i]`: the point at the horizontal reflection of point i (0-based iBUG numbering).
    static let mirror: [Int] = {
        var m = Array(0..<70)
        func pair(_ a: Int, _ b: Int) { m[a] = b; m[b] = a }
        for i in 0..<8 { pair(i, 16 - i) }          // jaw 0–16, 8 = chin
        for i in 0..<5 { pair(17 + i, 26 - i) }     // eyebrows 17–21 ↔ 26–22
        pair(31, 35); pair(32, 34)                   // nostrils (27–30 bridge and 33 on the mid-line)
        pair(36, 45); pair(37, 44); pair(38, 43); pair(39, 42); pair(40, 47); pair(41, 46)  // eyes
        pair(48, 54); pair(49, 53); pair(50, 52); pair(55, 59); pair(56, 58)                // outer lip
        pair(60, 64); pair(61, 63); pair(65, 67)                                            // inner lip
        pair(68, 69)                                 // OpenPose pupils
        return m
    }()
}
