#!/usr/bin/env python3
"""Generates the CTC loss reference fixtures with PyTorch (float64 math, stored as float32).

Run once after changing a case; the outputs are committed under Tests/Fixtures/reference/ctc/:
    python3 converters/python/gen_ctc_fixture.py
Needs numpy, torch (CPU, 2.x) and safetensors.

Each case `ctc/<name>.safetensors` holds
  log_probs       [B, T, C]  log-softmax of random logits, rounded to float32 (the Swift input)
  input_lengths   [B]        valid frames per clip
  target_lengths  [B]        labels per clip
  targets         [B, S]     labels, padded with -1 (S ≥ 1)
  blank, zero_infinity       scalars
  loss_mean, grad_mean       F.ctc_loss(reduction="mean") and d loss / d log_probs
  loss_sum, grad_sum         reduction="sum"
  loss_none                  [B] per-clip losses (reduction="none")
computed by torch.nn.functional.ctc_loss in float64 on the float32-rounded log_probs (torch takes
[T, B, C]; the fixture stores [B, T, C]). Gradients are log_probs.grad as torch returns it (which is
the gradient with respect to the logits under a log-softmax; see Sources/SignTensor/Losses/CTCLoss.swift).
The Swift test (Tests/SignTensorTests/CTCLossTests.swift) compares loss within 1e-4 and gradients
within 1e-3; NaN (impossible alignments without zero_infinity) must be NaN in the same places.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "reference", "ctc")
rng = np.random.default_rng(20261128)


def log_probs(b, t, c, scale=2.0):
    logits = rng.standard_normal((b, t, c)) * scale
    lp = logits - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True)) - logits.max(-1, keepdims=True)
    return lp.astype(np.float32)


def case(name, lp, input_lengths, targets, blank=0, zero_infinity=False):
    b = lp.shape[0]
    assert len(input_lengths) == b and len(targets) == b
    lengths = [len(t) for t in targets]
    s = max(1, max(lengths))
    padded = np.full((b, s), -1, dtype=np.int64)
    for i, t in enumerate(targets):
        padded[i, :len(t)] = t
    out = {"log_probs": lp, "input_lengths": np.array(input_lengths, np.float32),
           "target_lengths": np.array(lengths, np.float32), "targets": padded.astype(np.float32),
           "blank": np.array(blank, np.float32), "zero_infinity": np.array(1.0 if zero_infinity else 0.0, np.float32)}
    # torch's CPU kernel reads padded targets [B, S] with target_lengths; -1 padding is never read.
    tgt = torch.tensor(np.where(padded < 0, 0 if blank != 0 else 1, padded))
    il, tl = torch.tensor(input_lengths), torch.tensor(lengths)
    for reduction in ["mean", "sum", "none"]:
        x = torch.tensor(lp.astype(np.float64)).transpose(0, 1).contiguous().requires_grad_()
        loss = F.ctc_loss(x, tgt, il, tl, blank=blank, reduction=reduction, zero_infinity=zero_infinity)
        if reduction == "none":
            out["loss_none"] = loss.detach().numpy().astype(np.float32)
            continue
        loss.backward()
        out[f"loss_{reduction}"] = np.array(loss.item(), np.float32)
        out[f"grad_{reduction}"] = x.grad.transpose(0, 1).numpy().astype(np.float32)
    os.makedirs(ROOT, exist_ok=True)
    path = os.path.join(ROOT, f"{name}.safetensors")
    save_file({k: np.array(v, dtype=np.float32, order="C") for k, v in out.items()}, path)  # keeps 0-d shapes
    print("wrote", os.path.relpath(path), {k: (v.tolist() if k.startswith("loss") else None) for k, v in out.items() if k.startswith("loss")})


def main():
    # Plain batch with different input lengths (padding frames must get zero gradient).
    case("basic", log_probs(3, 12, 6), [12, 9, 7], [[1, 2, 3], [2, 4, 1], [5]])
    # Repeated labels: adjacent repeats need a blank between them (one of them exactly feasible).
    case("repeats", log_probs(3, 10, 5), [10, 8, 5], [[1, 1, 2, 2], [3, 3, 3], [4, 4, 4]])
    # Target length 0 (only blanks), next to a length-1 target and a one-frame input.
    case("empty_target", log_probs(3, 6, 4), [6, 4, 1], [[], [2], [3]])
    # Impossible alignments (too few frames; repeats need blanks), zero_infinity off and on.
    lp = log_probs(3, 6, 5)
    impossible = [[1, 2, 3, 4, 1, 2, 3], [2, 2, 2, 2], [1, 3]]
    case("impossible", lp, [6, 6, 4], impossible)
    case("impossible_zero_infinity", lp, [6, 6, 4], impossible, zero_infinity=True)
    # Blank not at index 0.
    case("blank_last", log_probs(2, 9, 5), [9, 6], [[0, 1, 1], [3, 2]], blank=4)
    # A longer, sharper batch (precision of the log-space recursions).
    b, t, c = 4, 60, 20
    targets = [list(rng.integers(1, c, size=n)) for n in (20, 1, 12, 25)]
    case("long", log_probs(b, t, c, scale=4.0), [60, 45, 33, 58], targets)


if __name__ == "__main__":
    main()
