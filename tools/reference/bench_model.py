"""bench_reference.py's batched float32 model: `HuginnModel` with batched attention, per-row KV cache (latest-m4)
and tail, loaded from an F32 checkpoint without copies. Why a row's tokens do not depend on its batch-mates is in
bench_reference.py's docstring.
"""
import json
import math
import os

import numpy as np
import torch

import huginn_reference as ref
import muninn_rng


def load_float32(model_dir: str) -> "BatchedHuginnModel":
    """Loads an F32 checkpoint without copies: one buffer for the file's data, every tensor a view of it."""
    with open(os.path.join(model_dir, "config.json")) as f:
        config = ref.Config.from_json(json.load(f))
    path = os.path.join(model_dir, "model.safetensors")
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n).decode("utf-8"))
        data = np.fromfile(f, dtype=np.uint8)
    weights = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            raise ValueError(f"{name} is {meta['dtype']}; bench_reference reads F32 checkpoints only")
        start, end = meta["data_offsets"]
        weights[name] = torch.from_numpy(data[start:end].view("<f4")).reshape(meta["shape"])
    return BatchedHuginnModel(config, weights, torch.float32)


# ---------------------------------------------------------------------------------------------------------------
# Batched model
# ---------------------------------------------------------------------------------------------------------------


class BatchedCache:
    """KV of one static batch whose rows all sit at the same positions; latest-m4 lookups per row.

    Core keys are kept per (core layer, step, row, position): a token that ran k steps stored steps 0..k-1, so
    "the deepest same-layer slot not deeper than step t" for a past position is step min(t, depth - 1), depth being
    that position's own exit step. `coda_rows` (a bool per row, or None for all) says whose coda keys a check
    writes.
    """

    def __init__(self, config: ref.Config, rows: int, max_len: int, max_steps: int, dtype):
        c = config
        shape = (rows, max_len, c.n_heads, c.head_dim)
        self.P, self.R = c.n_prelude, c.n_core
        self.pre_k = [torch.empty(shape, dtype=dtype) for _ in range(c.n_prelude)]
        self.pre_v = [torch.empty(shape, dtype=dtype) for _ in range(c.n_prelude)]
        self.core_k = [torch.empty((max_steps,) + shape, dtype=dtype) for _ in range(c.n_core)]
        self.core_v = [torch.empty((max_steps,) + shape, dtype=dtype) for _ in range(c.n_core)]
        self.coda_k = [torch.empty(shape, dtype=dtype) for _ in range(c.n_coda)]
        self.coda_v = [torch.empty(shape, dtype=dtype) for _ in range(c.n_coda)]
        self.depth = torch.zeros((rows, max_len), dtype=torch.long)
        self.rows = torch.arange(rows)[:, None]
        self.coda_rows = None

    def update(self, k, v, slot: int, start: int):
        """Stores k, v (rows, S, heads, head_dim) at positions start..start+S-1; returns the keys/values to attend."""
        end = start + k.shape[1]
        if 0 <= slot < self.P:
            self.pre_k[slot][:, start:end], self.pre_v[slot][:, start:end] = k, v
            return self.pre_k[slot][:, :end], self.pre_v[slot][:, :end]
        if slot < 0:
            ks, vs = self.coda_k[-slot - 1], self.coda_v[-slot - 1]
            if self.coda_rows is None:
                ks[:, start:end], vs[:, start:end] = k, v
            else:
                ks[self.coda_rows, start:end], vs[self.coda_rows, start:end] = k[self.coda_rows], v[self.coda_rows]
            return ks[:, :end], vs[:, :end]
        t, layer = (slot - self.P) // self.R, (slot - self.P) % self.R
        ks, vs = self.core_k[layer], self.core_v[layer]
        ks[t, :, start:end], vs[t, :, start:end] = k, v
        past = self.depth[:, :start]
        if bool((past > t).all()):  # every past position has an entry at this step (always at fixed depth)
            return ks[t, :, :end], vs[t, :, :end]
        steps = torch.cat([torch.clamp(past - 1, max=t), torch.full((past.shape[0], end - start), t)], dim=1)
        positions = torch.arange(end)[None, :]
        return ks[steps, self.rows, positions], vs[steps, self.rows, positions]


class BatchedHuginnModel(ref.HuginnModel):
    """HuginnModel whose attention, initial state and tail also take (rows, S, hidden) batches with a BatchedCache."""

    def attention(self, prefix, x, positions, cache, slot):
        if not isinstance(cache, BatchedCache):
            return super().attention(prefix, x, positions, cache, slot)
        c = self.config
        rows, length, nh, hd = x.shape[0], x.shape[1], c.n_heads, c.head_dim
        qkv = x @ self.w[f"{prefix}.attn.Wqkv.weight"].T
        q, k, v = (t.reshape(rows, length, nh, hd) for t in qkv.split(c.n_embd, dim=-1))
        if c.qk_bias:
            bias = self.w[f"{prefix}.attn.qk_bias"]  # (2, 1, nh, hd)
            q, k = q + bias[0], k + bias[1]
        q, k = self.rope(q, positions), self.rope(k, positions)  # (S, 1, half) tables broadcast over rows
        k, v = cache.update(k, v, slot, positions[0])  # (rows, keys, nh, hd)
        keys = k.shape[1]
        scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(hd)
        if length > 1:
            allowed = torch.ones(length, keys, dtype=torch.bool).tril(diagonal=keys - length)
            scores = scores.masked_fill(~allowed, float("-inf"))
        y = torch.einsum("bhqk,bkhd->bqhd", torch.softmax(scores, dim=-1), v).reshape(rows, length, c.n_embd)
        return y @ self.w[f"{prefix}.attn.proj.weight"].T

    def initial_states(self, seeds, positions, init_scale: float) -> torch.Tensor:
        c = self.config
        return torch.from_numpy(muninn_rng.initial_states(seeds, positions, c.n_embd, c.init_std, init_scale,
                                               c.embed_scale)).to(self.dtype)

    def tail_last(self, s, positions, cache) -> torch.Tensor:
        """ln_f, coda over every row and position (writing coda keys), ln_f, head on each row's last position."""
        x = self.rms_norm(s, "transformer.ln_f.weight")
        for j, prefix in enumerate(self.layer_prefixes("coda")):
            x = self.sandwich_block(prefix, x, positions, cache, -(j + 1))
        return self.rms_norm(x[:, -1], "transformer.ln_f.weight") @ self.head.T
