#!/usr/bin/env python3
"""PyTorch twin of the Swift `encoder/mslu` plugin (Plugins/MSLUEncoder): the same architecture, the
same state_dict names, the same math. Used by the parity fixture (gen_mslu_fixture.py) and for speed
comparisons, so it is written for speed as well (node-major GEMMs, GCN on valid frames only).

    enc = MSLUEncoder(MSLUConfig.from_recipe(json.load(open("zoo/recipes/encoder-mslu-tiny.json"))))
    graphs = LayoutGraphs(json.load(open("Tests/Fixtures/reference/mslu/mslu-79-graphs.json")), enc.config)
    out = enc(poses, mask, graphs, part_mask=None, joint_mask=None)   # dict: tokens, pooled, streams

The part graphs (point indices and edges per part token) come from the Swift layouts
(`LayoutGraphs.json()`); the adjacency is rebuilt here independently (ST-GCN distance/uniform
partitions, column-normalized as SignNN's Graph.adjacency). See MSLUEncoder.swift for the model.
"""
import math
from dataclasses import dataclass, field, fields

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class MSLUConfig:
    inputChannels: int = 3
    gcnWidths: list = field(default_factory=lambda: [64, 128, 256])
    gcnNorm: str = "batch"
    graphStrategy: str = "distance"
    maxHop: int = 1
    branchDim: int = 512
    layers: int = 4
    heads: int = 8
    ffnDim: int = 2048
    dropout: float = 0.1
    positionEncoding: str = "sinusoidal"
    maxFrames: int = 1024
    temporalConv: bool = False
    temporalKernel: int = 5
    outputDim: int = 768

    @classmethod
    def from_recipe(cls, node):
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in node.items() if k in known})

    @property
    def partitions(self):
        return 1 if self.graphStrategy == "uniform" else self.maxHop + 1


def adjacency(nodes, edges, strategy, max_hop):
    """[K, V, V] as SignNN Graph.adjacency: hop distances by BFS, N[v, w] = [hop ≤ h] / Σ_u [hop(u, w) ≤ h],
    partition k keeps the entries exactly k hops apart (distance) or all of them (uniform)."""
    h = 1 if strategy == "uniform" else max_hop
    inf = 1 << 30
    nb = [[] for _ in range(nodes)]
    for a, b in edges:
        if a != b:
            nb[a].append(b); nb[b].append(a)
    hop = np.full((nodes, nodes), inf, dtype=np.int64)
    for s in range(nodes):
        hop[s, s] = 0
        frontier, d = [s], 0
        while frontier and d < h:
            d += 1
            nxt = []
            for u in frontier:
                for w in nb[u]:
                    if hop[s, w] == inf:
                        hop[s, w] = d; nxt.append(w)
            frontier = nxt
    reach = (hop <= h).astype(np.float64)
    norm = reach / reach.sum(axis=0, keepdims=True)
    if strategy == "uniform":
        return norm[None]
    return np.stack([np.where(hop == k, norm, 0.0) for k in range(h + 1)])


def aggregation(nodes, edges, config):
    """G [K·V, V] with G[k·V + w, v] = A[k, v, w]."""
    a = adjacency(nodes, edges, config.graphStrategy, config.maxHop)
    return torch.from_numpy(np.ascontiguousarray(a.transpose(0, 2, 1).reshape(-1, nodes)))


class LayoutGraphs:
    """Part graphs of one layout (from the Swift `LayoutGraphs.json()`), with aggregation matrices."""

    def __init__(self, graphs, config, dtype=torch.float32):
        self.layout = graphs["layout"]
        self.body = graphs["body"]["indices"]
        self.left_hand = graphs["left_hand"]["indices"]
        self.right_hand = graphs["right_hand"]["indices"]
        nm = graphs.get("non_manual")
        self.non_manual = nm["indices"] if nm else None
        g = lambda part: aggregation(len(part["indices"]), part["edges"], config).to(dtype)
        self.body_agg = g(graphs["body"])
        self.hand_agg = g(graphs["right_hand"])
        self.non_manual_agg = g(nm) if nm else None


class PartGraphConv(nn.Module):
    """x [V, N, Cin] node-major: u = G·x ([K·V, N·Cin]), y = Σ_k u_k W_kᵀ + b."""

    def __init__(self, cin, cout, partitions):
        super().__init__()
        bound = 1 / math.sqrt(cin)
        self.weight = nn.Parameter(torch.empty(partitions * cout, cin).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(cout).uniform_(-bound, bound))
        self.partitions, self.cout = partitions, cout

    def forward(self, x, agg):
        v, n, cin = x.shape
        u = (agg @ x.reshape(v, n * cin)).view(self.partitions, v * n, cin)
        w = self.weight.view(self.partitions, self.cout, cin)
        y = torch.addmm(self.bias, u[0], w[0].t())
        for k in range(1, self.partitions):
            y = torch.addmm(y, u[k], w[k].t())
        return y.view(v, n, self.cout)


class GraphBlock(nn.Module):
    def __init__(self, cin, cout, partitions, norm):
        super().__init__()
        self.conv = PartGraphConv(cin, cout, partitions)
        self.norm = nn.BatchNorm1d(cout) if norm == "batch" else nn.LayerNorm(cout)
        self.residual = nn.Linear(cin, cout, bias=False) if cin != cout else None

    def forward(self, x, agg):
        h = self.conv(x, agg)
        h = self.norm(h.reshape(-1, h.shape[2])).view(h.shape) if isinstance(self.norm, nn.BatchNorm1d) else self.norm(h)
        r = self.residual(x) if self.residual is not None else x
        return F.relu(h + r)


class PartGCN(nn.Module):
    def __init__(self, cin, widths, partitions, norm):
        super().__init__()
        self.input_proj = nn.Linear(cin, widths[0])
        self.blocks = nn.ModuleList(GraphBlock(a, b, partitions, norm) for a, b in zip(widths[:-1], widths[1:]))

    def forward(self, x, agg):
        h = self.input_proj(x)
        for block in self.blocks:
            h = block(h, agg)
        return h.mean(0)


def sinusoidal_table(frames, dim):
    t = np.arange(frames, dtype=np.float64)[:, None]
    j = np.arange(dim)
    omega = np.exp(-math.log(10000.0) * (2 * (j // 2)) / dim)
    a = t * omega[None]
    return torch.from_numpy(np.where(j % 2 == 0, np.sin(a), np.cos(a)).astype(np.float32))


class TemporalConv(nn.Module):
    def __init__(self, dim, kernel):
        super().__init__()
        self.conv = nn.Conv1d(dim, dim, kernel, padding=kernel // 2)

    def forward(self, h):
        return h + F.relu(self.conv(h.transpose(1, 2))).transpose(1, 2)


class TemporalBranch(nn.Module):
    def __init__(self, in_dim, c):
        super().__init__()
        d = c.branchDim
        self.proj = nn.Linear(in_dim, d)
        self.temporal_conv = TemporalConv(d, c.temporalKernel) if c.temporalConv else None
        self.pos_embedding = nn.Parameter(torch.randn(c.maxFrames, d)) if c.positionEncoding == "learned" else None
        self.dropout = nn.Dropout(c.dropout)
        layer = nn.TransformerEncoderLayer(d, c.heads, c.ffnDim, c.dropout, activation="gelu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, c.layers, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.dim = d

    def contextualize(self, h, mask):
        x = self.temporal_conv(h) if self.temporal_conv is not None else h
        t = h.shape[1]
        if self.pos_embedding is not None:
            if t > self.pos_embedding.shape[0]:
                raise ValueError(f"clips of {t} frames exceed maxFrames {self.pos_embedding.shape[0]}")
            x = x + self.pos_embedding[:t]
        else:
            x = x + sinusoidal_table(t, self.dim).to(x.dtype)
        return self.encoder(self.dropout(x), src_key_padding_mask=mask == 0)


class MSLUEncoder(nn.Module):
    def __init__(self, config: MSLUConfig):
        super().__init__()
        c, w, k = config.inputChannels, config.gcnWidths, config.partitions
        self.body_gcn = PartGCN(c, w, k, config.gcnNorm)
        self.hand_gcn = PartGCN(c, w, k, config.gcnNorm)
        self.non_manual_gcn = PartGCN(c, w, k, config.gcnNorm)
        self.mask_token = nn.Parameter(torch.randn(4, w[-1]) * 0.02)
        self.manual = TemporalBranch(3 * w[-1], config)
        self.non_manual = TemporalBranch(w[-1], config)
        self.absent_non_manual = nn.Parameter(torch.randn(config.branchDim) * 0.02)
        self.fusion = nn.Linear(2 * config.branchDim, config.outputDim)
        self.config = config

    def part_tokens(self, poses, mask, graphs, part_mask=None, joint_mask=None):
        b, t, p, c = poses.shape
        x = poses if joint_mask is None else poses * (1 - joint_mask).unsqueeze(-1)
        flat = mask.reshape(-1) > 0
        rows = torch.nonzero(flat).squeeze(1)
        everything = bool(flat.all())
        xr = x.reshape(b * t, p, c)
        if not everything:
            xr = xr.index_select(0, rows)
        nv = xr.shape[0]
        node_major = lambda idx: xr[:, idx].permute(1, 0, 2)
        body = self.body_gcn(node_major(graphs.body), graphs.body_agg)
        vh = len(graphs.right_hand)
        hands = xr[:, graphs.left_hand + graphs.right_hand].view(nv, 2, vh, c).permute(2, 1, 0, 3)
        signs = torch.ones(1, 2, 1, c, dtype=x.dtype)
        signs[0, 0, 0, 0] = -1
        hand_tokens = self.hand_gcn((hands * signs).reshape(vh, 2 * nv, c), graphs.hand_agg)
        left, right = hand_tokens[:nv], hand_tokens[nv:]
        nm = self.non_manual_gcn(node_major(graphs.non_manual), graphs.non_manual_agg) if graphs.non_manual else None
        if part_mask is not None:
            mv = part_mask.reshape(b * t, 4)
            if not everything:
                mv = mv.index_select(0, rows)
            pick = lambda tok, i: torch.where(mv[:, i:i + 1] != 0, self.mask_token[i:i + 1], tok)
            body, left, right = pick(body, 0), pick(left, 1), pick(right, 2)
            nm = pick(nm, 3) if nm is not None else None
        return dict(body=body, left_hand=left, right_hand=right, non_manual=nm, rows=rows, everything=everything)

    def forward(self, poses, mask, graphs, part_mask=None, joint_mask=None):
        b, t = mask.shape
        d = self.config.branchDim
        parts = self.part_tokens(poses, mask, graphs, part_mask, joint_mask)
        if not parts["everything"]:
            positions = torch.full((b * t,), len(parts["rows"]), dtype=torch.long)
            positions[parts["rows"]] = torch.arange(len(parts["rows"]))

        def scatter(v):
            if parts["everything"]:
                return v.view(b, t, -1)
            return torch.cat([v, v.new_zeros(1, v.shape[1])]).index_select(0, positions).view(b, t, -1)

        mask3 = mask.unsqueeze(-1).to(poses.dtype)
        manual_rows = torch.cat([parts["body"], parts["left_hand"], parts["right_hand"]], dim=1)
        manual = self.manual.contextualize(scatter(self.manual.proj(manual_rows)), mask)
        streams = {"manual": manual * mask3}
        if parts["non_manual"] is not None:
            nm = self.non_manual.contextualize(scatter(self.non_manual.proj(parts["non_manual"])), mask)
            streams["non_manual"] = nm * mask3
        else:
            nm = self.absent_non_manual.expand(b, t, d)
        tokens = self.fusion(torch.cat([manual, nm], dim=2)) * mask3
        counts = mask.sum(1, keepdim=True).clamp(min=1).to(poses.dtype)
        return dict(tokens=tokens, pooled=tokens.sum(1) / counts, streams=streams)


def state_dict_float32(model):
    """The state dict as float32 numpy arrays (num_batches_tracked too, as the Swift side stores it)."""
    return {k: v.detach().to(torch.float32).numpy().copy() for k, v in model.state_dict().items()}


def load_float32(model, tensors):
    """Loads a float32 state dict (e.g. a Swift checkpoint read with safetensors.numpy) strictly."""
    sd = model.state_dict()
    missing, unexpected = sorted(set(sd) - set(tensors)), sorted(set(tensors) - set(sd))
    if missing or unexpected:
        raise KeyError(f"missing {missing}, unexpected {unexpected}")
    model.load_state_dict({k: torch.as_tensor(np.asarray(v)).to(sd[k].dtype) for k, v in tensors.items()})
