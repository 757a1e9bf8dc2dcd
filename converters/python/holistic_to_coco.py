"""MediaPipe Holistic → COCO-WholeBody point correspondence, for signzoo_onnx.py.

Mirrors Sources/SignPose/Layouts/HolisticToCOCO.swift (`HolisticToCOCO.candidates` / `indices`, used by
`PoseSequence.converted(to:)` in Sources/SignPose/PoseSequence.swift) and the family detection of
Sources/SignPose/Layouts/LayoutFamily.swift; keep the two in step. Each COCO point takes the first
available Holistic point of its candidate list; a point with no available candidate is missing
(x = y = 0, confidence 0):
- BODY `nose`, `left_eye`, … ← POSE_LANDMARKS `NOSE`, `LEFT_EYE`, … (upper-cased name); big toes ←
  `*_FOOT_INDEX`, heels ← `*_HEEL`, small toes have no counterpart;
- FACE `face-i` (iBUG-68) ← FACE_LANDMARKS mesh index `IBUG68_FROM_FACE_MESH[i]`; the nose tip (iBUG 30,
  the face anchor of the normalization) falls back to mesh point 1, then 0 (reduced 178-point faces);
- LEFT_HAND `left_hand_i` ← LEFT_HAND_LANDMARKS `HOLISTIC_HAND_POINTS[i]` (same numbering), right likewise.
"""
import re

HOLISTIC_COMPONENTS = {"POSE_LANDMARKS", "FACE_LANDMARKS", "LEFT_HAND_LANDMARKS", "RIGHT_HAND_LANDMARKS",
                       "POSE_WORLD_LANDMARKS"}
COCO_COMPONENTS = {"BODY", "FACE", "LEFT_HAND", "RIGHT_HAND"}

# HolisticToCOCO.ibug68FromFaceMesh: the face-mesh index standing for iBUG point i.
IBUG68_FROM_FACE_MESH = [
    127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,   # jaw 0–16
    70, 63, 105, 66, 107, 336, 296, 334, 293, 300,                                       # brows 17–26
    168, 197, 5, 4, 75, 97, 2, 326, 305,                                                 # nose 27–35
    33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,                           # eyes 36–47
    61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,                                 # outer lip 48–59
    78, 82, 13, 312, 308, 317, 14, 87,                                                   # inner lip 60–67
]

# LayoutTables.holisticHandPoints: MediaPipe's 21 hand points, numbered as COCO-WholeBody's.
HOLISTIC_HAND_POINTS = [
    "WRIST", "THUMB_CMC", "THUMB_MCP", "THUMB_IP", "THUMB_TIP", "INDEX_FINGER_MCP", "INDEX_FINGER_PIP",
    "INDEX_FINGER_DIP", "INDEX_FINGER_TIP", "MIDDLE_FINGER_MCP", "MIDDLE_FINGER_PIP", "MIDDLE_FINGER_DIP",
    "MIDDLE_FINGER_TIP", "RING_FINGER_MCP", "RING_FINGER_PIP", "RING_FINGER_DIP", "RING_FINGER_TIP",
    "PINKY_MCP", "PINKY_PIP", "PINKY_DIP", "PINKY_TIP",
]

_BODY_SPECIAL = {"left_big_toe": ["LEFT_FOOT_INDEX"], "right_big_toe": ["RIGHT_FOOT_INDEX"],
                 "left_heel": ["LEFT_HEEL"], "right_heel": ["RIGHT_HEEL"],
                 "left_small_toe": [], "right_small_toe": []}


def _index_suffix(point, prefix, count):
    """`face-12` with prefix `face-` → 12; None unless an integer in 0..<count follows the prefix."""
    if not point.startswith(prefix) or not re.fullmatch(r"[+-]?[0-9]+", point[len(prefix):]):
        return None
    i = int(point[len(prefix):])
    return i if 0 <= i < count else None


def candidates(component, point):
    """Holistic (component, point) candidates for a COCO-WholeBody point, best first."""
    if component == "BODY":
        return [("POSE_LANDMARKS", name) for name in _BODY_SPECIAL.get(point, [point.upper()])]
    if component == "FACE":
        i = _index_suffix(point, "face-", 68)
        if i is None:
            return []
        out = [("FACE_LANDMARKS", str(IBUG68_FROM_FACE_MESH[i]))]
        if i == 30:
            out += [("FACE_LANDMARKS", "1"), ("FACE_LANDMARKS", "0")]
        return out
    if component in ("LEFT_HAND", "RIGHT_HAND"):
        side = "LEFT" if component == "LEFT_HAND" else "RIGHT"
        i = _index_suffix(point, side.lower() + "_hand_", 21)
        return [] if i is None else [(f"{side}_HAND_LANDMARKS", HOLISTIC_HAND_POINTS[i])]
    return []


def is_holistic(component_names):
    """LayoutFamily.detect == mediapipeHolistic."""
    names = set(component_names)
    return bool(names) and names <= HOLISTIC_COMPONENTS


def is_coco(component_names):
    """LayoutFamily.detect == cocoWholeBody (checked after Holistic, as in Swift)."""
    names = set(component_names)
    return bool(names) and not names <= HOLISTIC_COMPONENTS and names <= COCO_COMPONENTS


def indices(source, target):
    """For each (component, point) of the COCO-family `target`, its flat index in the Holistic
    `source` (its components as (name, [point names]) in file order), or None when the source has
    none of its candidates. Raises ValueError when the source gives no body point or no point of a
    hand the target has (HolisticToCOCO.indices)."""
    lookup, offset = {}, 0
    for component, points in source:
        m = {}
        for i, p in enumerate(points):
            m.setdefault(p, offset + i)
        lookup[component] = m                              # a repeated component name replaces, as in Swift
        offset += len(points)
    out, found = [], set()
    for component, point in target:
        i = next((lookup[c][p] for c, p in candidates(component, point) if p in lookup.get(c, {})), None)
        out.append(i)
        if i is not None:
            found.add(component)
    for component in dict.fromkeys(c for c, _ in target):
        if component in ("BODY", "LEFT_HAND", "RIGHT_HAND") and component not in found:
            raise ValueError(f"the Holistic pose file has no point for the model's {component}")
    return out
