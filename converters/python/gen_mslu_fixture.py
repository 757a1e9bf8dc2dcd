#!/usr/bin/env python3
"""Generates the MSLU encoder parity fixture with the PyTorch twin (mslu_torch.py), in float64.

    python3 converters/python/gen_mslu_fixture.py

Writes Tests/Fixtures/reference/mslu/parity-config.json (the recipe node) and parity.safetensors:
- `p.<name>`: every state_dict entry (float32; random BatchNorm running stats and norm affines so
  eval mode is not an identity), the weights the Swift test loads by name;
- `poses` [3, 7, 79, 3] on mslu-79 (graphs from mslu-79-graphs.json, written by the Swift side) with
  clip lengths `lengths` = [7, 5, 2] and `mask`; padded frames hold random values too;
- `part_mask` [3, 7, 4] and `joint_mask` [3, 7, 79] (1 = masked);
- eval mode: `eval.tokens`, `eval.pooled`, `eval.manual`, `eval.non_manual`;
- train mode (dropout 0, BatchNorm batch statistics over the valid frames): `train.tokens`,
  `train.pooled`, the projection `proj`, and for L = Σ proj ⊙ tokens the gradients `grad.<name>` of
  a few parameters and `grad.poses`; `train.<bn>.running_mean` / `running_var` after the step.
The Swift test (Tests/Plugins/MSLUEncoderTests/TorchParityTests.swift) matches outputs within 1e-4
and gradients within 1e-3 of each tensor's scale (max |a − b| / max |b|).
"""
import json, os, sys

import numpy as np
import torch
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
from mslu_torch import MSLUConfig, MSLUEncoder, LayoutGraphs, state_dict_float32  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "reference", "mslu")
RECIPE = {"type": "encoder/mslu", "gcnWidths": [8, 12], "branchDim": 16, "layers": 2, "heads": 2, "ffnDim": 24,
          "dropout": 0.0, "temporalConv": True, "temporalKernel": 3, "outputDim": 10}
GRAD_NAMES = ["body_gcn.blocks.0.conv.weight", "hand_gcn.blocks.0.conv.weight", "hand_gcn.input_proj.weight", "hand_gcn.blocks.0.norm.weight",
              "non_manual_gcn.blocks.0.residual.weight", "mask_token", "manual.proj.weight",
              "manual.temporal_conv.conv.weight", "manual.encoder.layers.0.self_attn.in_proj_weight",
              "non_manual.encoder.layers.1.linear1.weight", "non_manual.encoder.norm.weight", "fusion.weight"]
BN = "hand_gcn.blocks.0.norm"


def main():
    torch.manual_seed(20261127)
    rng = np.random.default_rng(20261127)
    config = MSLUConfig.from_recipe(RECIPE)
    model = MSLUEncoder(config)
    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.LayerNorm)):
                module.weight.copy_(1 + 0.1 * torch.randn_like(module.weight))
                module.bias.copy_(0.1 * torch.randn_like(module.bias))
            if isinstance(module, torch.nn.BatchNorm1d):
                module.running_mean.copy_(0.2 * torch.randn_like(module.running_mean))
                module.running_var.copy_(0.5 + torch.rand_like(module.running_var))
        for p in [model.mask_token, model.absent_non_manual]:
            p.copy_(0.5 * torch.randn_like(p))
        for name, p in model.named_parameters():
            if name.endswith("in_proj_bias") or name.endswith("out_proj.bias"):
                p.copy_(0.05 * torch.randn_like(p))   # torch inits these to zero; make them count
    weights = state_dict_float32(model)
    model = model.double()

    graphs = LayoutGraphs(json.load(open(os.path.join(ROOT, "mslu-79-graphs.json"))), config, dtype=torch.float64)
    b, t, p = 3, 7, 79
    lengths = [7, 5, 2]
    poses = rng.uniform(-1, 1, (b, t, p, 3)).astype(np.float32)
    poses[..., 2] = rng.uniform(0, 1, (b, t, p))
    mask = np.zeros((b, t), np.float32)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
    part_mask = (rng.uniform(size=(b, t, 4)) < 0.25).astype(np.float32)
    joint_mask = (rng.uniform(size=(b, t, p)) < 0.1).astype(np.float32)
    f64 = lambda a: torch.from_numpy(a.astype(np.float64))
    x, m, pm, jm = f64(poses), f64(mask), f64(part_mask), f64(joint_mask)

    out = {f"p.{k}": v for k, v in weights.items()}
    out.update(poses=poses, mask=mask, lengths=np.array(lengths, np.float32), part_mask=part_mask, joint_mask=joint_mask)
    f32 = lambda v: v.detach().to(torch.float32).numpy().copy()

    model.eval()
    with torch.no_grad():
        e = model(x, m, graphs, part_mask=pm, joint_mask=jm)
    out.update({"eval.tokens": f32(e["tokens"]), "eval.pooled": f32(e["pooled"]),
                "eval.manual": f32(e["streams"]["manual"]), "eval.non_manual": f32(e["streams"]["non_manual"])})

    model.train()
    x.requires_grad_(True)
    r = model(x, m, graphs, part_mask=pm, joint_mask=jm)
    proj = rng.standard_normal(r["tokens"].shape).astype(np.float32)
    (r["tokens"] * f64(proj)).sum().backward()
    params = dict(model.named_parameters())
    out.update({"train.tokens": f32(r["tokens"]), "train.pooled": f32(r["pooled"]), "proj": proj, "grad.poses": f32(x.grad)})
    for name in GRAD_NAMES:
        out[f"grad.{name}"] = f32(params[name].grad)
    bn = dict(model.named_modules())[BN]
    out[f"train.{BN}.running_mean"] = f32(bn.running_mean)
    out[f"train.{BN}.running_var"] = f32(bn.running_var)

    os.makedirs(ROOT, exist_ok=True)
    with open(os.path.join(ROOT, "parity-config.json"), "w") as fh:
        json.dump(RECIPE, fh, indent=2, sort_keys=True)
        fh.write("\n")
    save_file({k: np.array(v, dtype=np.float32, order="C") for k, v in out.items()}, os.path.join(ROOT, "parity.safetensors"))
    print("wrote", os.path.relpath(os.path.join(ROOT, "parity.safetensors")), f"({len(weights)} state entries)")


if __name__ == "__main__":
    main()
