#!/usr/bin/env python3
"""Times the PyTorch twin of encoder/mslu (converters/python/mslu_torch.py) on random mslu-79 poses:
train-mode forward, forward + backward of mean(tokens²), and eval forward (inference_mode); median
after one warm-up. Prints one JSON line per preset.

    python3 bench/mslu_torch_bench.py --threads 2 --batch 8 --frames 64 [--padded]
"""
import argparse, json, os, sys, time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "converters", "python"))
from mslu_torch import MSLUConfig, MSLUEncoder, LayoutGraphs  # noqa: E402

ROOT = os.path.join(HERE, "..")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--frames", type=int, default=64)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--padded", action="store_true", help="clip lengths spread over 20…frames")
    ap.add_argument("--presets", nargs="*", default=["encoder-mslu-tiny", "encoder-mslu-base"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    graphs_json = json.load(open(os.path.join(ROOT, "Tests/Fixtures/reference/mslu/mslu-79-graphs.json")))
    for preset in a.presets:
        config = MSLUConfig.from_recipe(json.load(open(os.path.join(ROOT, "zoo/recipes", preset + ".json"))))
        model = MSLUEncoder(config)
        graphs = LayoutGraphs(graphs_json, config)
        poses = torch.rand(a.batch, a.frames, 79, 3) * 2 - 1
        mask = torch.ones(a.batch, a.frames)
        if a.padded:
            for i in range(a.batch):
                mask[i, max(1, a.frames - (i * 11) % (a.frames - 19)):] = 0
        fw, fb, ev = [], [], []
        for step in range(a.steps + 1):
            model.train()
            model.zero_grad(set_to_none=True)
            t0 = time.perf_counter()
            out = model(poses, mask, graphs)
            t1 = time.perf_counter()
            (out["tokens"] ** 2).mean().backward()
            t2 = time.perf_counter()
            model.eval()
            with torch.inference_mode():
                t3 = time.perf_counter()
                model(poses, mask, graphs)
                t4 = time.perf_counter()
            if step > 0:
                fw.append(t1 - t0); fb.append(t2 - t0); ev.append(t4 - t3)
        med = lambda xs: sorted(xs)[len(xs) // 2] * 1000
        print(json.dumps({"preset": preset, "params": sum(p.numel() for p in model.parameters()),
                          "train_forward_ms": round(med(fw), 1), "forward_backward_ms": round(med(fb), 1),
                          "eval_forward_ms": round(med(ev), 1), "threads": a.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
