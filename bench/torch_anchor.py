#!/usr/bin/env python3
"""PyTorch side of the anchor benchmark (issue: foundation).

Workload: 4-layer nn.TransformerEncoder, d_model 256, 8 heads, FFN 1024, pre-LN, GELU, dropout 0,
batch 32 x 128 tokens, MSE loss to a fixed random target, AdamW (lr 1e-4, wd 0.01).
Prints one JSON line: train_ms / infer_ms (median and best of N after warm-up), peak RSS in MiB.
Exit code 3 when torch is not importable (the Swift bench then prints 'torch: absent').
"""
import argparse, json, resource, statistics, sys, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    a = ap.parse_args()
    try:
        import torch
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": f"torch not importable: {e}"}))
        sys.exit(3)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(256, 8, 1024, dropout=0.0, activation="gelu",
                                             batch_first=True, norm_first=True)
    model = torch.nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    x = torch.randn(a.batch, a.seq, 256)
    target = torch.randn(a.batch, a.seq, 256)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x), target)
        loss.backward()
        opt.step()

    def infer():
        with torch.inference_mode():
            model(x)

    out = {"torch": torch.__version__, "threads": a.threads}
    for name, fn in (("train", train_step), ("infer", infer)):
        model.train(name == "train")
        for _ in range(a.warmup):
            fn()
        times = []
        for _ in range(a.steps):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
        out[f"{name}_ms"] = statistics.median(times)
        out[f"{name}_best_ms"] = min(times)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))

if __name__ == "__main__":
    main()
