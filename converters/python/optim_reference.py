"""Reference numbers for Tests/SignTensorTests/LossTests.swift and Tests/SignNNTests/Optim*Tests.swift.

Run once with torch 2.13 CPU (`python converters/python/optim_reference.py`); the printed values are
pasted into the Swift tests. Inputs are small literal arrays repeated verbatim in the tests.
"""
import math
import torch
import torch.nn.functional as F

torch.set_printoptions(precision=9)


def show(name, t):
    flat = t.detach().reshape(-1).tolist() if isinstance(t, torch.Tensor) else [t]
    print(f"{name}: [" + ", ".join(f"{v:.9g}" for v in flat) + "]")


# ---- cross-entropy: [4, 5] logits, label smoothing 0.1, ignore index -100 on row 1 ----
logits = torch.tensor([[1.5, -0.3, 0.2, 2.0, -1.1],
                       [0.0, 0.5, -0.5, 1.0, 3.0],
                       [-2.0, 0.7, 1.3, -0.4, 0.9],
                       [0.25, 0.25, -1.75, 0.5, 1.25]], requires_grad=True)
targets = torch.tensor([1, -100, 4, 0])
loss = F.cross_entropy(logits, targets, label_smoothing=0.1, ignore_index=-100)
loss.backward()
show("ce_smooth_loss", loss)
show("ce_smooth_grad", logits.grad)
logits.grad = None
loss = F.cross_entropy(logits, targets)
loss.backward()
show("ce_plain_loss", loss)
show("ce_plain_grad", logits.grad)
big = torch.tensor([[1000.0, 0.0, -1000.0], [-500.0, 500.0, 0.0]])
show("ce_big_loss", F.cross_entropy(big, torch.tensor([2, 1]), label_smoothing=0.2))

# ---- regression losses ----
p = torch.tensor([0.3, -1.2, 2.5, 0.0, 1.1, -0.7, 0.9, 0.4, -2.2, 1.6, 0.05, -0.35]).reshape(2, 3, 2).requires_grad_()
t = torch.tensor([0.1, -1.0, 1.5, 0.6, 1.1, 0.2, -0.3, 0.45, -2.0, 0.0, 0.1, -1.35]).reshape(2, 3, 2)
w = torch.tensor([1.0, 0.5, 0.0, 0.25, 1.0, 0.75]).reshape(2, 3, 1)
for name, fn in [("l1", lambda: F.l1_loss(p, t)),
                 ("l1w", lambda: (w * (p - t).abs()).sum() / w.expand_as(p).sum()),
                 ("smoothl1", lambda: F.smooth_l1_loss(p, t, beta=0.5)),
                 ("smoothl1_b1", lambda: F.smooth_l1_loss(p, t)),
                 ("mse", lambda: F.mse_loss(p, t))]:
    p.grad = None
    v = fn()
    v.backward()
    show(name + "_loss", v)
    show(name + "_grad", p.grad)

# ---- AdamW: 2x3 weight + [3] bias, 3 steps with fixed gradients ----
w0 = [[0.5, -0.25, 1.0], [0.0, 2.0, -1.5]]
b0 = [0.1, -0.2, 0.3]
gw = [[[0.1, -0.2, 0.3], [0.4, -0.5, 0.6]],
      [[-0.05, 0.15, 0.0], [1.0, -1.0, 0.25]],
      [[0.2, 0.2, -0.3], [0.0, 0.5, -0.75]]]
gb = [[0.01, -0.02, 0.5], [0.3, 0.0, -0.1], [-0.2, 0.4, 0.05]]
for label, bias_decay in [("adamw_nobiasdecay", 0.0), ("adamw_biasdecay", 0.1)]:
    W = torch.tensor(w0, requires_grad=True)
    B = torch.tensor(b0, requires_grad=True)
    opt = torch.optim.AdamW([{"params": [W], "weight_decay": 0.1}, {"params": [B], "weight_decay": bias_decay}],
                            lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    for k in range(3):
        W.grad = torch.tensor(gw[k]); B.grad = torch.tensor(gb[k])
        opt.step()
    show(label + "_W", W)
    show(label + "_B", B)
    show(label + "_W_exp_avg", opt.state[W]["exp_avg"])
    show(label + "_W_exp_avg_sq", opt.state[W]["exp_avg_sq"])

# ---- SGD momentum / nesterov on the same weight and gradients ----
for label, nesterov in [("sgd_momentum", False), ("sgd_nesterov", True)]:
    W = torch.tensor(w0, requires_grad=True)
    opt = torch.optim.SGD([W], lr=0.1, momentum=0.9, nesterov=nesterov, weight_decay=0.01)
    for k in range(3):
        W.grad = torch.tensor(gw[k])
        opt.step()
    show(label + "_W", W)
    show(label + "_buf", opt.state[W]["momentum_buffer"])

# ---- clip_grad_norm_ ----
A = torch.zeros(2, 3, requires_grad=True); A.grad = torch.tensor(gw[1])
Bv = torch.zeros(3, requires_grad=True); Bv.grad = torch.tensor([0.3, 0.0, -0.1])
C = torch.zeros(2, requires_grad=True)  # no grad: ignored
n = torch.nn.utils.clip_grad_norm_([A, Bv, C], max_norm=0.5)
show("clip_norm", n)
show("clip_A", A.grad)
show("clip_B", Bv.grad)

# ---- warmup + cosine (the closed form of HF get_cosine_with_min_lr_schedule_with_warmup) ----
base, warm, total, minlr = 1e-3, 10, 100, 1e-5
def wc(s):
    if s < warm:
        return base * s / warm
    prog = min(1.0, (s - warm) / max(1, total - warm))
    return minlr + (base - minlr) * 0.5 * (1 + math.cos(math.pi * prog))
steps = [0, 1, 5, 10, 11, 37, 55, 99, 100, 150]
print("warmup_cosine:", ", ".join(f"{s}: {wc(s):.9g}" for s in steps))
# torch's own schedulers for the same curve after warmup (CosineAnnealingLR, eta_min) as a cross-check
opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warm, eta_min=minlr)
vals = {}
for s in range(warm, total + 1):
    vals[s] = opt.param_groups[0]["lr"]
    opt.step(); sched.step()
print("torch_cosine_check:", ", ".join(f"{s}: {vals[s]:.9g}" for s in [10, 11, 37, 55, 99, 100]))

# ---- cross-entropy with non-finite logits ----
ninf = float("-inf")
masked = torch.tensor([[0.0, ninf, 1.0], [2.0, 0.0, -1.0]], requires_grad=True)
l = F.cross_entropy(masked, torch.tensor([2, 0]))
l.backward()
show("ce_masked_loss", l)
show("ce_masked_grad", masked.grad)
show("ce_masked_smooth_loss", F.cross_entropy(masked, torch.tensor([2, 0]), label_smoothing=0.1))
show("ce_nan_loss", F.cross_entropy(torch.tensor([[1.0, float("nan"), 0.0], [1.0, 2.0, 3.0]]), torch.tensor([0, 1])))
show("ce_posinf_loss", F.cross_entropy(torch.tensor([[1.0, float("inf"), 0.0], [1.0, 2.0, 3.0]]), torch.tensor([0, 1])))
