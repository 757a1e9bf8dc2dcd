#!/usr/bin/env python3
"""Validate an ONNX model exported by SignZoo and compare it with the engine's outputs.

    check_onnx.py MODEL.onnx --inputs in.safetensors [--expected out.safetensors]
                  [--write-outputs ort.safetensors] [--intermediates]
                  [--expected-intermediates inter.safetensors] [--write-intermediates ort_inter.safetensors]
                  [--atol 1e-4] [--rtol 1e-3] [--json]

Steps:
1. onnx.checker.check_model(MODEL, full_check=True) and strict shape inference
   (onnx.shape_inference.infer_shapes(strict_mode=True, data_prop=True)).
2. onnxruntime (CPU) with graph optimizations disabled (ORT_DISABLE_ALL) and enabled (ORT_ENABLE_ALL).
   Inputs come from a safetensors file keyed by graph input name; each is cast to the input's
   declared element type (float32 engine tensors → int64 ids, bool masks, ...).
3. With --expected: per output and per optimization level, max |a-b| and max |a-b|/|b|, and a
   pass (✓) when every element has |a-b| <= atol + rtol*|b| (b = expected), else ✗.
4. With --intermediates: every node output becomes a graph output; the run with optimizations off
   returns them all (--write-intermediates saves them, as float32 like --write-outputs); with --expected-intermediates (keyed by node
   output name) the first node, in graph order, whose output breaks the tolerance is named.

Exit status: 0 when everything passes, 1 on a numeric mismatch, 2 on a checker / shape-inference /
runtime error. --json prints one JSON summary (with the onnx and onnxruntime versions) instead of text.
"""
import argparse
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from safetensors.numpy import load_file, save_file

LEVELS = {"disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL, "enabled": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}

NUMPY_TYPES = {
    onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.DOUBLE: np.float64, onnx.TensorProto.INT64: np.int64,
    onnx.TensorProto.INT32: np.int32, onnx.TensorProto.BOOL: np.bool_, onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.INT8: np.int8,
}


def compare(actual, expected, atol, rtol):
    """max abs diff, max rel diff and pass/fail for |a-b| <= atol + rtol*|b|."""
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(expected, dtype=np.float64)
    if a.shape != b.shape:
        return {"ok": False, "max_abs_diff": None, "max_rel_diff": None,
                "error": f"shape {list(a.shape)} differs from the expected {list(b.shape)}"}
    if a.size == 0:
        return {"ok": True, "max_abs_diff": 0.0, "max_rel_diff": 0.0}
    diff = np.abs(a - b)
    bad_nan = np.isnan(a) != np.isnan(b)
    diff = np.where(np.isnan(a) & np.isnan(b), 0.0, diff)
    rel = diff / np.maximum(np.abs(b), 1e-12)
    ok = bool(np.all((diff <= atol + rtol * np.abs(b)) | (np.isnan(a) & np.isnan(b))) and not bad_nan.any())
    return {"ok": ok, "max_abs_diff": float(np.nanmax(diff)), "max_rel_diff": float(np.nanmax(rel))}


def as_float32(array):
    """Outputs are saved as float32 (int64 indices and bool masks too): SignZoo's safetensors reader
    takes floating-point tensors only, and every value it compares is a float or a small integer."""
    return np.ascontiguousarray(np.asarray(array).astype(np.float32))


def feeds_for(model, inputs):
    initializers = {t.name for t in model.graph.initializer}
    feeds = {}
    for value in model.graph.input:
        if value.name in initializers:
            continue
        if value.name not in inputs:
            raise KeyError(f"the inputs file has no tensor '{value.name}' (it has {sorted(inputs)})")
        dtype = NUMPY_TYPES.get(value.type.tensor_type.elem_type, np.float32)
        feeds[value.name] = np.ascontiguousarray(inputs[value.name]).astype(dtype)
    return feeds


def session(model_bytes, level):
    options = ort.SessionOptions()
    options.graph_optimization_level = LEVELS[level]
    options.intra_op_num_threads = 2
    options.log_severity_level = 3
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def with_all_node_outputs(model):
    """A copy of the model whose graph outputs are every node output (in node order)."""
    exposed = onnx.ModelProto()
    exposed.CopyFrom(model)
    present = {o.name for o in exposed.graph.output}
    order = []
    for node in exposed.graph.node:
        for name in node.output:
            if name and name not in present:
                exposed.graph.output.append(onnx.ValueInfoProto(name=name))
                present.add(name)
            if name:
                order.append((node, name))
    return exposed, order


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--expected")
    parser.add_argument("--write-outputs")
    parser.add_argument("--intermediates", action="store_true")
    parser.add_argument("--expected-intermediates")
    parser.add_argument("--write-intermediates")
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    summary = {"model": args.model, "onnx_version": onnx.__version__, "onnxruntime_version": ort.__version__,
               "atol": args.atol, "rtol": args.rtol, "outputs": {}, "ok": False}

    def finish(status):
        summary["ok"] = status == 0
        if args.json:
            print(json.dumps(summary, indent=1, sort_keys=True))
        return status

    def say(line):
        if not args.json:
            print(line)

    try:
        onnx.checker.check_model(args.model, full_check=True)
        model = onnx.load(args.model)
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
    except Exception as error:  # checker and shape inference raise several exception types
        summary["error"] = f"checker/shape inference: {error}"
        say(f"✗ {summary['error']}")
        return finish(2)
    summary["ir_version"] = model.ir_version
    summary["opset"] = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    say(f"✓ onnx.checker (full) and strict shape inference; IR {model.ir_version}, opset {summary['opset']}")

    try:
        feeds = feeds_for(model, load_file(args.inputs))
        names = [o.name for o in model.graph.output]
        results = {level: dict(zip(names, session(model.SerializeToString(), level).run(names, feeds))) for level in LEVELS}
    except Exception as error:
        summary["error"] = f"onnxruntime: {error}"
        say(f"✗ {summary['error']}")
        return finish(2)

    if args.write_outputs:
        save_file({k: as_float32(v) for k, v in results["disabled"].items()}, args.write_outputs)

    status = 0
    if args.expected:
        expected = load_file(args.expected)
        for name in names:
            if name not in expected:
                summary["outputs"][name] = {"error": "not in the expected file"}
                say(f"✗ {name}: not in the expected file")
                status = 1
                continue
            entry = {}
            for level in LEVELS:
                c = compare(results[level][name], expected[name], args.atol, args.rtol)
                entry[level] = c
                mark = "✓" if c["ok"] else "✗"
                detail = c.get("error") or f"max abs {c['max_abs_diff']:.3g}  max rel {c['max_rel_diff']:.3g}"
                say(f"{mark} {name} (optimizations {level}): {detail}")
                if not c["ok"]:
                    status = 1
            summary["outputs"][name] = entry
        summary["max_abs_diff"] = max([e[l]["max_abs_diff"] or 0.0 for e in summary["outputs"].values() if "disabled" in e for l in LEVELS] or [0.0])

    if args.intermediates:
        exposed, order = with_all_node_outputs(model)
        inter_names = [o.name for o in exposed.graph.output]
        values = dict(zip(inter_names, session(exposed.SerializeToString(), "disabled").run(inter_names, feeds)))
        summary["intermediates"] = len(order)
        if args.write_intermediates:
            save_file({k: as_float32(v) for k, v in values.items() if isinstance(v, np.ndarray)}, args.write_intermediates)
        if args.expected_intermediates:
            reference = load_file(args.expected_intermediates)
            compared = 0
            for node, name in order:
                if name not in reference:
                    continue
                compared += 1
                c = compare(values[name], reference[name], args.atol, args.rtol)
                if not c["ok"]:
                    summary["first_divergence"] = {"node": node.name, "op_type": node.op_type, "output": name, **c}
                    detail = c.get("error") or f"max abs {c['max_abs_diff']:.3g}, max rel {c['max_rel_diff']:.3g}"
                    say(f"✗ first divergent node: {node.name} ({node.op_type}), output {name}: {detail}")
                    status = max(status, 1)
                    break
            summary["intermediates_compared"] = compared
            if "first_divergence" not in summary:
                say(f"✓ {compared} intermediate values agree")
    return finish(status)


if __name__ == "__main__":
    sys.exit(main())
