#!/usr/bin/env python3
"""onnxruntime CPU latency of an exported SignZoo model (called by `signzoo-bench --only onnx`).

    onnx_latency.py MODEL.onnx INPUTS.safetensors [--threads 2] [--warmup 1] [--steps 5]

Session: CPUExecutionProvider, intra_op_num_threads = --threads, inter_op_num_threads 1, graph
optimizations ORT_ENABLE_ALL. Prints one JSON object: median_ms, best_ms, onnxruntime version;
or {"skipped": reason} (exit 0) when onnxruntime / safetensors are not installed.
"""
import argparse
import json
import sys
import time


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("inputs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        import numpy as np
        import onnxruntime as ort
        from safetensors.numpy import load_file
    except ImportError as error:
        print(json.dumps({"skipped": f"onnxruntime not available ({error}); pip install onnxruntime safetensors"}))
        return 0
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    feeds = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in load_file(args.inputs).items()}
    for _ in range(args.warmup):
        session.run(None, feeds)
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    print(json.dumps({"median_ms": median, "best_ms": times[0], "onnxruntime": ort.__version__, "threads": args.threads}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
