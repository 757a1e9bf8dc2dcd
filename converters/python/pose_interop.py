#!/usr/bin/env python3
"""Interop checks between SignPose (Swift) and pose-format / NumPy (Python), driven by the Swift tests
in Tests/SignPoseTests/InteropTests.swift.

A "dump folder" holds one pose sequence in plain form:
  header.json   {"version", "width", "height", "depth", "fps_bits" (float32 bit pattern), "frames",
                 "people", "points", "dims", "components": [{"name", "format", "points",
                 "limbs": [[from, to]...], "colors": [[r, g, b]...]}]}
  data.f32      float32 little-endian [frames][people][points][dims]
  confidence.f32  float32 little-endian [frames][people][points]

Commands (exit status 0 = every value equal, 1 = a difference, printed):
  check-pose FILE DUMP     pose-format reads FILE (a .pose written by Swift); compare with DUMP
  dump-pose FILE DUMP      pose-format reads FILE; write its values to DUMP (Swift compares)
  write-pose FILE DUMP     pose-format writes a synthetic 2-person COCO-WholeBody .pose to FILE, values to DUMP
  check-npy FILE DUMP      numpy loads FILE (.npy, or .npz with keypoints/fps/layout); compare with DUMP
  write-npy NPY NPZ DUMP   numpy writes a synthetic (T, 133, 3) float64 .npy and a float32 .npz (np.savez)
"""
import json
import os
import struct
import sys

import numpy as np


def fail(msg):
    print("MISMATCH:", msg)
    sys.exit(1)


def read_dump(folder):
    with open(os.path.join(folder, "header.json")) as f:
        h = json.load(f)
    shape = (h["frames"], h["people"], h["points"], h["dims"])
    data = np.fromfile(os.path.join(folder, "data.f32"), dtype="<f4").reshape(shape)
    conf = np.fromfile(os.path.join(folder, "confidence.f32"), dtype="<f4").reshape(shape[:3])
    return h, data, conf


def write_dump(folder, h, data, conf):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "header.json"), "w") as f:
        json.dump(h, f)
    np.ascontiguousarray(data, dtype="<f4").tofile(os.path.join(folder, "data.f32"))
    np.ascontiguousarray(conf, dtype="<f4").tofile(os.path.join(folder, "confidence.f32"))


def fps_bits(fps):
    return struct.unpack("<I", struct.pack("<f", fps))[0]


def same_bits(a, b):
    a = np.ascontiguousarray(a, dtype="<f4")
    b = np.ascontiguousarray(b, dtype="<f4")
    return a.shape == b.shape and np.array_equal(a.view("<u4"), b.view("<u4"))


def pose_header_dict(pose):
    h = pose.header
    data = np.asarray(pose.body.data.data)
    return {
        "version": round(float(h.version), 3),
        "width": int(h.dimensions.width), "height": int(h.dimensions.height), "depth": int(h.dimensions.depth),
        "fps_bits": fps_bits(pose.body.fps),
        "frames": int(data.shape[0]), "people": int(data.shape[1]), "points": int(data.shape[2]), "dims": int(data.shape[3]),
        "components": [{
            "name": c.name, "format": c.format, "points": list(c.points),
            "limbs": [[int(a), int(b)] for a, b in c.limbs],
            "colors": [[int(v) for v in col] for col in c.colors],
        } for c in h.components],
    }


def read_pose(path):
    from pose_format import Pose
    with open(path, "rb") as f:
        return Pose.read(f.read())


def check_pose(path, folder):
    pose = read_pose(path)
    h, data, conf = read_dump(folder)
    got = pose_header_dict(pose)
    for key in ["width", "height", "depth", "fps_bits", "frames", "people", "points", "dims", "components"]:
        if got[key] != h[key]:
            fail(f"{key}: pose-format read {str(got[key])[:300]}, Swift had {str(h[key])[:300]}")
    if abs(got["version"] - 0.2) > 1e-6:
        fail(f"version {got['version']}, expected 0.2")
    if not same_bits(pose.body.data.data, data):
        diff = np.argwhere(np.asarray(pose.body.data.data, dtype="<f4") != data)
        fail(f"data differs at {len(diff)} positions, first {diff[:3].tolist()}")
    if not same_bits(pose.body.confidence, conf):
        fail("confidence differs")
    print(f"OK {got['frames']}x{got['people']}x{got['points']}x{got['dims']}")


def dump_pose(path, folder):
    pose = read_pose(path)
    write_dump(folder, pose_header_dict(pose), np.asarray(pose.body.data.data), np.asarray(pose.body.confidence))
    print("OK")


def write_pose(path, folder):
    from pose_format import Pose
    from pose_format.numpy.pose_body import NumPyPoseBody
    from pose_format.pose_header import PoseHeader, PoseHeaderDimensions
    from pose_format.utils.cocowholebody133_header import cocowholebody_components
    rng = np.random.default_rng(20261127)
    T, N, P, D = 5, 2, 133, 2
    data = (rng.normal(size=(T, N, P, D)) * 200).astype(np.float32)
    conf = rng.uniform(size=(T, N, P)).astype(np.float32)
    conf[conf < 0.25] = 0
    mask = np.stack([conf == 0] * D, axis=-1)
    header = PoseHeader(version=0.2, dimensions=PoseHeaderDimensions(width=1280, height=720, depth=0),
                        components=cocowholebody_components())
    body = NumPyPoseBody(fps=29.97, data=np.ma.masked_array(data, mask=mask), confidence=conf)
    with open(path, "wb") as f:
        Pose(header, body).write(f)
    write_dump(folder, pose_header_dict(read_pose(path)), data, conf)
    print("OK")


def check_npy(path, folder):
    h, data, conf = read_dump(folder)
    if path.endswith(".npz"):
        z = np.load(path)
        arr = z["keypoints"]
        if "fps" in z.files and fps_bits(float(z["fps"])) != h["fps_bits"]:
            fail(f"fps {float(z['fps'])}")
        if "layout" in z.files:
            print("layout", str(z["layout"]))
    else:
        arr = np.load(path)
    expected = np.concatenate([data, conf[..., None]], axis=-1)
    if h["people"] == 1:
        expected = expected[:, 0]
    if arr.shape != expected.shape:
        fail(f"shape {arr.shape}, expected {expected.shape}")
    if arr.dtype == np.float64:
        if not np.array_equal(arr.astype(np.float32), expected) or not np.array_equal(arr, expected.astype(np.float64)):
            fail("float64 values differ")
    elif not same_bits(arr, expected):
        fail(f"values differ ({arr.dtype})")
    print(f"OK {arr.shape} {arr.dtype}")


def write_npy(npy_path, npz_path, folder):
    rng = np.random.default_rng(7)
    T, P = 4, 133
    arr = np.concatenate([rng.normal(size=(T, P, 2)) * 300, rng.uniform(size=(T, P, 1))], axis=-1)
    arr[:, 100:105, 2] = 0
    np.save(npy_path, arr)  # float64
    np.savez(npz_path, keypoints=arr.astype(np.float32), fps=np.float32(12.5), layout=np.str_("coco-wholebody-133"))
    a32 = arr.astype(np.float32)
    h = {"version": 0.2, "width": 0, "height": 0, "depth": 0, "fps_bits": fps_bits(12.5), "frames": T, "people": 1,
         "points": P, "dims": 2, "components": []}
    write_dump(folder, h, a32[:, None, :, :2], a32[:, None, :, 2])
    print("OK")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"check-pose": check_pose, "dump-pose": dump_pose, "write-pose": write_pose,
     "check-npy": check_npy, "write-npy": write_npy}[cmd](*args)
