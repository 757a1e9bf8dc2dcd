#!/usr/bin/env python3
"""Run a SignZoo ONNX export on .pose files with onnxruntime.

    signzoo_onnx.py MODEL.onnx CLIP.pose [CLIP.pose ...] [--top 5] [--json]

The exported graph starts at normalized poses, so this helper does in Python what `signzoo predict`
does before the model, reading everything from the model's metadata_props:
1. person 0 of the .pose file (pose-format), its x, y and confidence;
2. the checkpoint's pose layout: the points named in `pose_layout_points` ([component, point] pairs),
   matched by component and point name, as SignZoo's layout conversion; a MediaPipe Holistic file
   (543/576/586 points, reduced 178, hands + body 75) for a COCO-WholeBody-family layout (mslu-79)
   converts by anatomical correspondence instead (holistic_to_coco.py, mirroring
   Sources/SignPose/Layouts/HolisticToCOCO.swift): points the file lacks are missing (0, 0, score 0);
3. Uni-Sign normalization (`preprocessing` → its `preprocessing` object; Sources/SignPose/Preprocessing.swift):
   x /= width, y /= height; body box over the clip (points with score > threshold): side s, corner c,
   body p' = ((p − c)/s − 0.5)·2; hands (p − wrist)/s; face (p − nose tip)/s; clip to [−1, 1]; points
   with score ≤ threshold (and points in no part) become (0, 0, 0); fewer than `minimumValidBodyPoints`
   valid body points make the whole clip zeros;
4. evenly spaced frames when the clip is longer than the pipeline's `maxFrames` (FrameSampling.uniform);
5. poses [1, T, P, 3] = (x, y, score) and mask [1, T] of ones → onnxruntime (CPU).
ISLR models (`logits` output, `labels` metadata) print the top-k labels with softmax probabilities
like `signzoo predict`; other models print their output shapes.
"""
import argparse
import json
import os
import sys

import numpy as np

if os.path.dirname(os.path.abspath(__file__)) not in sys.path:      # holistic_to_coco.py lies beside this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import holistic_to_coco  # noqa: E402


def metadata(session):
    return dict(session.get_modelmeta().custom_metadata_map)


def read_clip(path):
    """(xy [T, P, 2] float32, confidence [T, P] float32, width, height, [(component, [points])])."""
    from pose_format import Pose
    with open(path, "rb") as f:
        pose = Pose.read(f.read())
    data = np.asarray(pose.body.data.data, dtype=np.float32)[:, 0]          # raw values, person 0
    confidence = np.asarray(pose.body.confidence, dtype=np.float32)[:, 0]
    components = [(c.name, list(c.points)) for c in pose.header.components]
    return data[..., :2], confidence, pose.header.dimensions.width, pose.header.dimensions.height, components


def select_points(xy, confidence, components, wanted):
    """The layout's points: from a Holistic file for a COCO-WholeBody-family layout by anatomical
    correspondence (missing points: x = y = 0, confidence 0), else by (component, point) name, the
    first occurrence winning (PoseSequence.converted(to:))."""
    if holistic_to_coco.is_holistic([c for c, _ in components]) and holistic_to_coco.is_coco([c for c, _ in wanted]):
        rows = holistic_to_coco.indices(components, wanted)
    else:
        index = {}
        for i, key in enumerate((c, p) for c, points in components for p in points):
            index.setdefault(key, i)
        missing = [f"{c}/{p}" for c, p in wanted if (c, p) not in index]
        if missing:
            raise ValueError(f"the pose file lacks points the model's layout needs: {', '.join(missing[:5])}")
        rows = [index[(c, p)] for c, p in wanted]
    present = np.array([r is not None for r in rows])
    take = [r if r is not None else 0 for r in rows]
    xy = np.where(present[None, :, None], xy[:, take], np.float32(0)).astype(np.float32)
    confidence = np.where(present[None, :], confidence[:, take], np.float32(0)).astype(np.float32)
    return xy, confidence


def normalize(xy, confidence, width, height, parts, settings):
    """Uni-Sign normalization in float32 (Preprocessing.normalize)."""
    f32 = np.float32
    threshold = f32(settings.get("scoreThreshold", 0.3))
    T, P = confidence.shape
    x = xy[..., 0].astype(f32)
    y = xy[..., 1].astype(f32)
    if settings.get("divideByFrameSize", True):
        if not (width > 0 and height > 0):
            raise ValueError("divideByFrameSize needs the frame size, which the pose file does not give")
        x = x * (f32(1) / f32(width))
        y = y * (f32(1) / f32(height))
    out = np.zeros((T, P, 3), dtype=f32)
    body = parts["body"]
    valid = confidence[:, body] > threshold
    count = int(valid.sum())
    if count < settings.get("minimumValidBodyPoints", 4):
        return out
    bx, by = x[:, body][valid], y[:, body][valid]
    xmin, xmax, ymin, ymax = bx.min(), bx.max(), by.min(), by.max()
    s = max(f32(xmax - xmin), f32(ymax - ymin))
    if not s > 0:
        return out
    cx, cy = f32(xmin + xmax - s) / f32(2), f32(ymin + ymax - s) / f32(2)

    def put(points, nx, ny):
        c = np.clip(confidence[:, points], -1, 1)
        keep = c > threshold
        block = np.stack([np.clip(nx, -1, 1), np.clip(ny, -1, 1), c], axis=-1)
        target = out[:, points]
        target[keep] = block[keep]
        out[:, points] = target

    put(body, ((x[:, body] - cx) / s - f32(0.5)) * f32(2), ((y[:, body] - cy) / s - f32(0.5)) * f32(2))
    groups = [(parts[h], parts[h][0]) for h in ("left_hand", "right_hand") if parts[h]]
    if parts["non_manual"]:
        if parts["nose_tip"] < 0:
            raise ValueError("the layout has a face but no nose-tip point")
        groups.append((parts["non_manual"], parts["nose_tip"]))
    for points, anchor in groups:
        put(points, (x[:, points] - x[:, [anchor]]) / s, (y[:, points] - y[:, [anchor]]) / s)
    return out


def uniform_frames(count, frames):
    """FrameSampling.uniform: `frames` evenly spaced indices, first and last included."""
    if frames <= 1:
        return [(count - 1) // 2] if frames == 1 else []
    return [(2 * k * (count - 1) + (frames - 1)) // (2 * (frames - 1)) for k in range(frames)]


def prepare(path, meta):
    """poses [1, T, P, 3] and mask [1, T] for one clip, as the model's pipeline prepares it."""
    pipeline = json.loads(meta["preprocessing"])
    xy, confidence, width, height, components = read_clip(path)
    wanted = [tuple(n) for n in json.loads(meta["pose_layout_points"])]
    xy, confidence = select_points(xy, confidence, components, wanted)
    poses = normalize(xy, confidence, width, height, json.loads(meta["pose_parts"]), pipeline.get("preprocessing", {}))
    cap = pipeline.get("maxFrames")
    if cap and poses.shape[0] > cap:
        poses = poses[uniform_frames(poses.shape[0], cap)]
    return poses[None], np.ones((1, poses.shape[0]), dtype=np.float32)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("clips", nargs="+")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object per clip")
    parser.add_argument("--write-inputs", help="save the last clip's poses and mask (safetensors) to compare with SignZoo's")
    args = parser.parse_args(argv)

    import onnxruntime as ort
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    meta = metadata(session)
    outputs = [o.name for o in session.get_outputs()]
    for path in args.clips:
        poses, mask = prepare(path, meta)
        result = dict(zip(outputs, session.run(outputs, {"poses": poses, "mask": mask})))
        if args.write_inputs:
            from safetensors.numpy import save_file
            save_file({"poses": poses, "mask": mask, **{k: v.astype(np.float32) for k, v in result.items()}}, args.write_inputs)
        if "logits" in result and "labels" in meta:
            labels = json.loads(meta["labels"])
            z = result["logits"][0].astype(np.float64)
            p = np.exp(z - z.max())
            p /= p.sum()
            order = sorted(range(len(labels)), key=lambda c: (-z[c], c))[: args.top]
            top = [(labels[c], float(p[c])) for c in order]
            if args.json:
                print(json.dumps({"clip": path, "top": top}))
            else:
                print(f"{path}: " + ", ".join(f"{label} {prob:.3f}" for label, prob in top))
        else:
            shapes = {k: list(v.shape) for k, v in result.items()}
            print(json.dumps({"clip": path, "outputs": shapes}) if args.json else f"{path}: {shapes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
