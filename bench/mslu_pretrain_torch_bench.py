#!/usr/bin/env python3
"""Times one pre-training step of a recipe (default zoo/recipes/mslu-base.json) in PyTorch, built like
SignZoo's objective: the MSLU encoder twin (converters/python/mslu_torch.py) run twice — once with a
50 % part-token masking for masked pose modeling, once unmasked for contrastive learning —, the pose
decoder (input projection + visible-context projection, pre-LN GELU Transformer layers, final
LayerNorm, one linear head per part, residual on the copy reference), confidence-weighted L1, the
fine-grained sign–text similarity (max-mean both ways) and symmetric InfoNCE against fixed random text
token features (the frozen text tower is cached in real runs, so it is not timed on either side),
then gradient clipping and AdamW. Random mslu-79 poses; median of --steps after --warmup.
Prints one JSON line: step_ms (wall), step_cpu_ms (process CPU time), clips_per_s.

    python3 bench/mslu_pretrain_torch_bench.py --threads 2 --batch 16 --frames 64
"""
import argparse, json, os, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, os.path.join(ROOT, "converters", "python"))
from mslu_torch import MSLUConfig, MSLUEncoder, LayoutGraphs  # noqa: E402

# mslu-79 part sizes in decoder order (body, left hand, right hand, face, mouth).
PARTS = [11, 21, 21, 16, 10]


class Decoder(nn.Module):
    def __init__(self, d_in, node):
        super().__init__()
        d = node.get("decoderDim", 256)
        self.input_projection = nn.Linear(d_in, d)
        self.context_projection = nn.Linear(sum(PARTS) * 8, d) if node.get("visibleContext", True) else None
        self.layers = nn.ModuleList([nn.TransformerEncoderLayer(d, node.get("decoderHeads", 8), node.get("decoderFFDim", 1024),
                                                                node.get("dropout", 0.1), activation="gelu", batch_first=True,
                                                                norm_first=True) for _ in range(node.get("decoderLayers", 2))])
        self.norm = nn.LayerNorm(d)
        self.heads = nn.ModuleList([nn.Linear(d, 2 * j) for j in PARTS])

    def forward(self, tokens, mask, context, reference):
        h = self.input_projection(tokens)
        if self.context_projection is not None:
            h = h + self.context_projection(context)
        for layer in self.layers:
            h = layer(h, src_key_padding_mask=mask == 0)
        h = self.norm(h)
        b, t = tokens.shape[:2]
        out = torch.cat([head(h).view(b, t, -1, 2) for head in self.heads], dim=2)
        return out + reference if self.context_projection is not None else out


class Contrastive(nn.Module):
    def __init__(self, d_in, d_text, node):
        super().__init__()
        e = node.get("embedDim", 512)
        self.pose_projection = nn.Linear(d_in, e)
        self.pose_norm = nn.LayerNorm(e)
        self.text_projection = nn.Linear(d_text, e)
        self.logit_scale = nn.Parameter(torch.tensor(1 / node.get("temperature", 0.07)).log())

    def forward(self, tokens, mask, text, text_mask):
        v = F.normalize(self.pose_norm(self.pose_projection(tokens)), dim=-1)
        w = F.normalize(self.text_projection(text), dim=-1)
        s = torch.einsum("aie,bje->aibj", v, w)
        pm, tm = mask[:, :, None, None] > 0, text_mask[None, None] > 0
        s = s.masked_fill(~(pm & tm), -1e4)
        p2t = (s.max(3).values * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
        t2p = (s.max(1).values * text_mask[None]).sum(2) / text_mask.sum(1)[None]
        logits = 0.5 * (p2t + t2p) * self.logit_scale.clamp(max=4.6052).exp()
        target = torch.arange(logits.shape[0])
        return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipe", default=os.path.join(ROOT, "zoo/recipes/mslu-base.json"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--frames", type=int, default=64)
    ap.add_argument("--text-dim", type=int, default=384)
    ap.add_argument("--text-tokens", type=int, default=16)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    recipe = json.load(open(a.recipe))
    config = MSLUConfig.from_recipe(recipe["encoder"])
    encoder = MSLUEncoder(config)
    graphs = LayoutGraphs(json.load(open(os.path.join(ROOT, "Tests/Fixtures/reference/mslu/mslu-79-graphs.json"))), config)
    mpm = next(p for p in recipe["pretext"] if p["type"].endswith("masked-pose"))
    stc = next(p for p in recipe["pretext"] if p["type"].endswith("sign-text-contrastive"))
    decoder = Decoder(config.outputDim, mpm)
    contrastive = Contrastive(config.outputDim, a.text_dim, stc)
    params = list(encoder.parameters()) + list(decoder.parameters()) + list(contrastive.parameters())
    opt = recipe.get("optimizer", {})
    optimizer = torch.optim.AdamW(params, lr=opt.get("lr", 1e-4), betas=tuple(opt.get("betas", [0.9, 0.98])),
                                  weight_decay=opt.get("weightDecay", 0.05))
    b, t = a.batch, a.frames
    poses = torch.rand(b, t, 79, 3) * 2 - 1
    poses[..., 2] = torch.rand(b, t, 79) * 0.7 + 0.3
    mask = torch.ones(b, t)
    part_mask = (torch.rand(b, t, 1) < 0.5).float().expand(b, t, 4).contiguous()
    loss_points = part_mask[..., :1].expand(b, t, 79)
    context = torch.randn(b, t, 79 * 8)           # the context is built without gradient on both sides
    reference = torch.randn(b, t, 79, 2)
    text = torch.randn(b, a.text_tokens, a.text_dim)
    text_mask = torch.ones(b, a.text_tokens)
    modules = [encoder, decoder, contrastive]
    times, cpu = [], []
    for step in range(a.warmup + a.steps):
        for m in modules:
            m.train()
        t0, c0 = time.perf_counter(), time.process_time()
        optimizer.zero_grad(set_to_none=True)
        masked = encoder(poses, mask, graphs, part_mask=part_mask)["tokens"]
        pred = decoder(masked, mask, context, reference)
        w = loss_points[..., None] * poses[..., 2:3].clamp(min=0)
        l1 = ((pred - poses[..., :2]).abs() * w).sum() / w.sum().clamp(min=1e-12)
        unmasked = encoder(poses, mask, graphs)["tokens"]
        loss = l1 + contrastive(unmasked, mask, text, text_mask)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, opt.get("clip", 1.0))
        optimizer.step()
        if step >= a.warmup:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    ms = sorted(times)[len(times) // 2] * 1000
    cpu_ms = sorted(cpu)[len(cpu) // 2] * 1000
    print(json.dumps({"recipe": os.path.basename(a.recipe), "batch": b, "frames": t, "threads": a.threads,
                      "params": sum(p.numel() for p in params), "step_ms": round(ms, 1), "step_cpu_ms": round(cpu_ms, 1),
                      "clips_per_s": round(b / ms * 1000, 2), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
