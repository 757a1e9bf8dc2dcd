#!/usr/bin/env python3
"""Generates the engine's reference fixtures with PyTorch (float64 math, stored as float32).

Run once after changing an entry; the outputs are committed under Tests/Fixtures/reference/:
    python3 converters/python/gen_fixtures.py
Needs numpy, torch (CPU, e.g. `pip install torch==2.13.0+cpu`) and safetensors.

Each op fixture `ops/<name>.safetensors` holds inputs x0, x1, …, an upstream gradient `gout`, the
forward output `out` and the input gradients grad0, grad1, … of L = Σ gout ⊙ out (float64 in
PyTorch, rounded to float32). Each layer fixture holds the input, the parameters under `p.<name>`
(PyTorch state_dict names), `out`, and `grad.<name>` for the input and every parameter.
The Swift tests (Tests/SignTensorTests/ReferenceFixtureTests.swift, Tests/SignNNTests/…) rebuild the
same computation from these tensors and compare: forward max abs error ≤ 1e-4, gradients ≤ 1e-3
relative.
"""
import math, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import save_file

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "reference")
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261127)

def randn(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)

def positive(*shape):
    return (np.abs(rng.standard_normal(shape)) + 0.5).astype(np.float32)

def f32(t):
    return t.detach().to(torch.float32).numpy().copy()

def save(rel, tensors):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_file({k: np.array(v, dtype=np.float32, order="C") for k, v in tensors.items()}, path)  # keeps 0-d shapes
    print("wrote", os.path.relpath(path))

def op(name, inputs, fn, grads=None):
    """inputs: list of float32 arrays; grads: which inputs get gradients (default all)."""
    grads = grads if grads is not None else [True] * len(inputs)
    ts = [torch.tensor(x.astype(np.float64), requires_grad=g) for x, g in zip(inputs, grads)]
    out = fn(*ts)
    gout = randn(*out.shape)
    (out * torch.tensor(gout.astype(np.float64))).sum().backward()
    d = {f"x{i}": x for i, x in enumerate(inputs)}
    d["gout"] = gout
    d["out"] = f32(out)
    for i, (t, g) in enumerate(zip(ts, grads)):
        if g:
            d[f"grad{i}"] = f32(t.grad)
    save(f"ops/{name}.safetensors", d)

def ops():
    op("add_broadcast", [randn(2, 3, 4), randn(3, 1)], lambda a, b: a + b)
    op("sub_broadcast", [randn(4, 1, 3), randn(2, 1)], lambda a, b: a - b)
    op("mul_broadcast", [randn(2, 3, 4), randn(4)], lambda a, b: a * b)
    op("div_broadcast", [randn(2, 3), positive(2, 1)], lambda a, b: a / b)
    x = randn(3, 5)
    p = positive(3, 5)
    op("exp", [x], torch.exp)
    op("log", [p], torch.log)
    op("sqrt", [p], torch.sqrt)
    op("rsqrt", [p], torch.rsqrt)
    op("tanh", [x], torch.tanh)
    op("erf", [x], torch.erf)
    op("sigmoid", [x], torch.sigmoid)
    op("relu", [x], torch.relu)
    op("gelu", [randn(4, 7, scale=2)], F.gelu)
    op("pow", [p], lambda a: a ** 2.5)
    op("sum_axes_0_2", [randn(3, 4, 5)], lambda a: a.sum(dim=(0, 2)))
    op("mean_axis_1_keepdims", [randn(3, 4, 5)], lambda a: a.mean(dim=1, keepdim=True))
    op("max_axis_2", [randn(3, 4, 5)], lambda a: a.max(dim=2).values)
    op("matmul_batched", [randn(2, 3, 4), randn(2, 4, 5)], torch.matmul)
    op("matmul_transposed_both", [randn(4, 3), randn(5, 4)], lambda a, b: a.T @ b.T)
    op("linear", [randn(2, 3, 4), randn(5, 4), randn(5)], F.linear)
    op("permute_0_2_3_1", [randn(2, 3, 4, 5)], lambda a: a.permute(0, 2, 3, 1))
    op("softmax", [randn(2, 3, 7, scale=3)], lambda a: torch.softmax(a, -1))
    op("log_softmax", [randn(2, 3, 7, scale=3)], lambda a: torch.log_softmax(a, -1))
    op("layer_norm", [randn(2, 3, 8, scale=2), randn(8), randn(8)],
       lambda a, w, b: F.layer_norm(a, (8,), w, b, 1e-5))
    op("slice_axis1_1_5_2", [randn(2, 6, 3)], lambda a: a[:, 1:5:2])
    op("concat_axis1", [randn(2, 3, 4), randn(2, 1, 4), randn(2, 2, 4)], lambda a, b, c: torch.cat([a, b, c], 1))
    op("stack_axis1", [randn(2, 4), randn(2, 4), randn(2, 4)], lambda a, b, c: torch.stack([a, b, c], 1))
    op("pad_last2_1_2_0_3", [randn(2, 3, 4)], lambda a: F.pad(a, (0, 3, 1, 2), value=0.5))
    # Index / mask ops: the integer arguments are stored as float tensors named idx / mask.
    g_idx = np.array([[0, 2, 1], [1, 1, 0]], dtype=np.int64)
    def gather_fn(a):
        return torch.gather(a, 1, torch.tensor(g_idx))
    op("gather_axis1", [randn(2, 4)], gather_fn)
    save_extra("ops/gather_axis1.safetensors", {"idx": g_idx.astype(np.float32)})
    s_idx = [2, 0, 2, 3]
    op("index_select_axis0", [randn(4, 3)], lambda a: a.index_select(0, torch.tensor(s_idx)))
    save_extra("ops/index_select_axis0.safetensors", {"idx": np.array(s_idx, dtype=np.float32)})
    mask = (rng.random((2, 1, 4)) > 0.5).astype(np.float32)
    op("masked_fill", [randn(2, 3, 4)], lambda a: a.masked_fill(torch.tensor(mask > 0), -7.0))
    save_extra("ops/masked_fill.safetensors", {"mask": mask})
    cond = (rng.random((3, 4)) > 0.5).astype(np.float32)
    op("where", [randn(3, 4), randn(4)], lambda a, b: torch.where(torch.tensor(cond > 0), a, b))
    save_extra("ops/where.safetensors", {"mask": cond})
    ids = np.array([[1, 0, 9], [3, 3, 7]], dtype=np.int64)
    op("embedding", [randn(10, 4)], lambda w: F.embedding(torch.tensor(ids), w))
    save_extra("ops/embedding.safetensors", {"idx": ids.astype(np.float32)})
    op("conv1d_s2_p1", [randn(2, 3, 9), randn(4, 3, 3), randn(4)],
       lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1))
    op("conv1d_d2_p2", [randn(2, 3, 9), randn(4, 3, 3), randn(4)],
       lambda x, w, b: F.conv1d(x, w, b, stride=1, padding=2, dilation=2))
    op("max_pool1d_k2", [randn(2, 3, 9)], lambda x: F.max_pool1d(x, 2, 2))
    # Attention: heads = 2, head dim 4; key mask 1 = valid.
    kmask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=np.float32)
    def sdpa(q, k, v, causal=False, km=None):
        B, Sq, D = q.shape; Sk = k.shape[1]; H = 2; dh = D // H
        qh = q.reshape(B, Sq, H, dh).transpose(1, 2)
        kh = k.reshape(B, Sk, H, dh).transpose(1, 2)
        vh = v.reshape(B, Sk, H, dh).transpose(1, 2)
        s = qh @ kh.transpose(-1, -2) / math.sqrt(dh)
        if km is not None:
            s = s.masked_fill(torch.tensor(km == 0)[:, None, None, :], float("-inf"))
        if causal:
            s = s.masked_fill(torch.ones(Sq, Sk, dtype=torch.bool).triu(1), float("-inf"))
        return (torch.softmax(s, -1) @ vh).transpose(1, 2).reshape(B, Sq, D)
    op("sdpa_key_mask", [randn(2, 4, 8), randn(2, 5, 8), randn(2, 5, 8)], lambda q, k, v: sdpa(q, k, v, km=kmask))
    save_extra("ops/sdpa_key_mask.safetensors", {"mask": kmask})
    op("sdpa_causal", [randn(2, 4, 8), randn(2, 4, 8), randn(2, 4, 8)], lambda q, k, v: sdpa(q, k, v, causal=True))
    # Losses.
    tgt = np.array([0, 4, 2, -100, 1, 3], dtype=np.int64)
    op("cross_entropy_smooth", [randn(6, 5, scale=2)],
       lambda z: F.cross_entropy(z, torch.tensor(tgt), ignore_index=-100, label_smoothing=0.1))
    save_extra("ops/cross_entropy_smooth.safetensors", {"idx": tgt.astype(np.float32)})
    w = (rng.random((2, 3, 1)) * (rng.random((2, 3, 1)) > 0.3)).astype(np.float32)
    op("l1_weighted", [randn(2, 3, 2), randn(2, 3, 2)],
       lambda p, t: ((p - t).abs() * torch.tensor(w.astype(np.float64))).sum()
       / torch.tensor(w.astype(np.float64)).expand(2, 3, 2).sum(), grads=[True, False])
    save_extra("ops/l1_weighted.safetensors", {"mask": w})
    op("smooth_l1_beta_half", [randn(3, 4), randn(3, 4)], lambda p, t: F.smooth_l1_loss(p, t, beta=0.5), grads=[True, False])
    op("mse", [randn(3, 4), randn(3, 4)], F.mse_loss, grads=[True, False])

_extras = {}
def save_extra(rel, tensors):
    """Adds integer/mask arguments to an op fixture already written."""
    from safetensors.numpy import load_file
    path = os.path.join(ROOT, rel)
    d = load_file(path)
    d.update(tensors)
    save(rel, d)

def fill_params(module, seed):
    g = np.random.default_rng(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.tensor((g.standard_normal(p.shape) * 0.3).astype(np.float32).astype(np.float64)))

def layer_fixture(rel, module, inputs, call, key_mask=None):
    fill_params(module, 7)
    ts = [torch.tensor(x.astype(np.float64), requires_grad=True) for x in inputs]
    out = call(module, *ts)
    gout = randn(*out.shape)
    (out * torch.tensor(gout.astype(np.float64))).sum().backward()
    d = {f"x{i}": x for i, x in enumerate(inputs)}
    d.update({f"grad.x{i}": f32(t.grad) for i, t in enumerate(ts)})
    d["gout"] = gout
    d["out"] = f32(out)
    for name, p in module.named_parameters():
        d["p." + name] = f32(p)
        d["grad.p." + name] = f32(p.grad)
    if key_mask is not None:
        d["mask"] = key_mask
    save(rel, d)

def layers():
    B, S, D, H, FF = 2, 5, 16, 4, 32
    km = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=np.float32)
    pad = torch.tensor(km == 0)
    for tag, norm_first, act in (("pre_ln_gelu", True, "gelu"), ("post_ln_relu", False, "relu")):
        layer = torch.nn.TransformerEncoderLayer(D, H, FF, dropout=0.0, activation=act,
                                                 batch_first=True, norm_first=norm_first)
        layer_fixture(f"layers/transformer_encoder_{tag}.safetensors", layer, [randn(B, S, D)],
                      lambda m, x: m(x, src_key_padding_mask=pad), key_mask=km)
    dec = torch.nn.TransformerDecoderLayer(D, H, FF, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
    causal = torch.ones(4, 4, dtype=torch.bool).triu(1)
    layer_fixture("layers/transformer_decoder_pre_ln_gelu.safetensors", dec, [randn(B, 4, D), randn(B, S, D)],
                  lambda m, x, mem: m(x, mem, tgt_mask=causal, memory_key_padding_mask=pad), key_mask=km)

def graph_block():
    """ST-GCN style block: y = ReLU(Σ_k Σ_v (A ⊙ E)[k, v, w] · W_k x[n, t, v] + b), channels last.

    Written with torch.einsum independently of the Swift layer (which uses one GEMM + an
    aggregation matmul); E (edge importance) and W, b are learnable.
    """
    N, T, V, K, Cin, Cout = 2, 3, 5, 3, 4, 6
    a = np.abs(randn(K, V, V)); a = a / a.sum(axis=(0, 1), keepdims=True)   # Σ_k Σ_v A[k, v, w] = 1
    x = torch.tensor(randn(N, T, V, Cin).astype(np.float64), requires_grad=True)
    w = torch.tensor(randn(K * Cout, Cin, scale=0.5).astype(np.float64), requires_grad=True)
    b = torch.tensor(randn(Cout).astype(np.float64), requires_grad=True)
    e = torch.tensor((1 + 0.3 * rng.standard_normal((K, V, V))).astype(np.float32).astype(np.float64), requires_grad=True)
    z = torch.einsum("ntvc,kdc->ntvkd", x, w.reshape(K, Cout, Cin))
    y = torch.relu(torch.einsum("kvw,ntvkd->ntwd", torch.tensor(a.astype(np.float64)) * e, z) + b)
    gout = randn(*y.shape)
    (y * torch.tensor(gout.astype(np.float64))).sum().backward()
    save("layers/graph_conv_block.safetensors", {
        "x0": f32(x), "adjacency": a, "p.weight": f32(w), "p.bias": f32(b), "p.edge_importance": f32(e),
        "gout": gout, "out": f32(y), "grad.x0": f32(x.grad), "grad.p.weight": f32(w.grad),
        "grad.p.bias": f32(b.grad), "grad.p.edge_importance": f32(e.grad)})

def batch_norm():
    """BatchNorm1d in training mode on [B, C, T]: output, gradients and the updated running stats."""
    bn = torch.nn.BatchNorm1d(4)
    fill_params(bn, 11)
    x = torch.tensor(randn(3, 4, 5, scale=2).astype(np.float64) + 1, requires_grad=True)
    y = bn(x)
    gout = randn(*y.shape)
    (y * torch.tensor(gout.astype(np.float64))).sum().backward()
    save("layers/batch_norm_1d_train.safetensors", {
        "x0": f32(x), "p.weight": f32(bn.weight), "p.bias": f32(bn.bias), "gout": gout, "out": f32(y),
        "grad.x0": f32(x.grad), "grad.p.weight": f32(bn.weight.grad), "grad.p.bias": f32(bn.bias.grad),
        "running_mean": f32(bn.running_mean), "running_var": f32(bn.running_var)})

def adamw():
    """AdamW, 3 steps, decay on the matrix, none on the bias (lr 0.1 so the steps are visible)."""
    w0, b0 = randn(2, 3), randn(3)
    grads = [(randn(2, 3), randn(3)) for _ in range(3)]
    w = torch.nn.Parameter(torch.tensor(w0.astype(np.float64)))
    b = torch.nn.Parameter(torch.tensor(b0.astype(np.float64)))
    opt = torch.optim.AdamW([{"params": [w], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}],
                            lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    d = {"w0": w0, "b0": b0}
    for i, (gw, gb) in enumerate(grads):
        w.grad = torch.tensor(gw.astype(np.float64)); b.grad = torch.tensor(gb.astype(np.float64))
        opt.step()
        d[f"gw{i}"], d[f"gb{i}"] = gw, gb
        d[f"w{i + 1}"], d[f"b{i + 1}"] = f32(w), f32(b)
    save("optim/adamw_3_steps.safetensors", d)

if __name__ == "__main__":
    which = sys.argv[1:] or ["ops", "layers", "graph_block", "batch_norm", "adamw"]
    for w in which:
        globals()[w]()
