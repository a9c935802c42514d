"""An independent float64 PyTorch implementation of the recurrent-depth model (Huginn-0125 format).

Written from model/README.md (the architecture and Muninn's engine contract, "the contract"), not from the
authors' code. It exists to produce golden fixtures for Muninn's Java engine, so it favours readability and
exact, documented semantics over speed: one sequence, no batching, every tensor in float64.

Layout of this file, top-down:
    Config, load_model_dir                       checkpoint (safetensors I/O in huginn_format)
    KVCache                                      HuginnDynamicCache slots and lookup strategies
    HuginnModel                                  the forward pass: prelude, s0, core, coda, head
    ExitCriterion and its subclasses             exit criteria (contract "Exit criteria")
    SamplerParams, sample_token                  sampling (contract "Sampling")
    generate                                     the per-token exit loop (contract "Per-token recurrence and exit")
"""
import json
import math
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import torch

import muninn_rng
from huginn_format import read_safetensors, write_safetensors  # noqa: F401 (callers use ref.*)

# ---------------------------------------------------------------------------------------------------------------
# Checkpoint
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """The fields of a Huginn config.json that inference needs."""

    n_embd: int
    n_heads: int
    n_prelude: int
    n_core: int
    n_coda: int
    intermediate_size: int
    vocab_size: int
    block_size: int
    tie_embeddings: bool
    qk_bias: bool
    norm_eps: float
    rope_base: float
    mean_recurrence: int
    init_std: float
    embed_scale: float
    bos_token_id: int
    eos_token_ids: Tuple[int, ...]
    pad_token_id: int

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_heads

    @staticmethod
    def from_json(d: dict) -> "Config":
        def require(name, ok, why):
            if not ok:
                raise ValueError(f"config.json: {name} = {d.get(name)!r} is not supported: {why}")

        require("model_type", d.get("model_type", "huginn_raven") == "huginn_raven", "expected huginn_raven")
        n_embd, n_heads = int(d["n_embd"]), int(d["n_heads"])
        require("num_key_value_heads", int(d.get("num_key_value_heads", n_heads)) == n_heads, "no GQA in this family")
        require("bias", not d.get("bias", False), "Linear layers have no bias (Huginn's checkpoints have no bias tensors)")
        require("injection_type", d.get("injection_type", "linear") == "linear", "only the linear adapter")
        require("state_init", d.get("state_init", "like-init") == "like-init", "only like-init")
        require("n_heads", n_embd % n_heads == 0 and (n_embd // n_heads) % 2 == 0, "head_dim must be an even integer")
        init_values = d.get("init_values", {})
        eos = d.get("eos_token_id", [])
        eos = tuple(eos) if isinstance(eos, list) else (eos,)
        return Config(
            n_embd=n_embd,
            n_heads=n_heads,
            n_prelude=int(d["n_layers_in_prelude"]),
            n_core=int(d["n_layers_in_recurrent_block"]),
            n_coda=int(d["n_layers_in_coda"]),
            intermediate_size=int(d["intermediate_size"]),
            vocab_size=int(d.get("padded_vocab_size", d["vocab_size"])),
            block_size=int(d["block_size"]),
            tie_embeddings=bool(d.get("tie_embeddings", True)),
            qk_bias=bool(d.get("qk_bias", False)),
            norm_eps=float(d.get("norm_eps", 1e-6)),
            rope_base=float(d.get("rope_base", 50000.0)),
            mean_recurrence=int(d.get("mean_recurrence", 32)),
            init_std=float(init_values.get("std", math.sqrt(2.0 / (5 * n_embd)))),
            embed_scale=float(init_values.get("embed_scale", math.sqrt(n_embd))),
            bos_token_id=int(d["bos_token_id"]),
            eos_token_ids=eos,
            pad_token_id=int(d["pad_token_id"]),
        )


def load_model_dir(model_dir: str, dtype=torch.float64) -> "HuginnModel":
    with open(os.path.join(model_dir, "config.json")) as f:
        config = Config.from_json(json.load(f))
    weights = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    return HuginnModel(config, weights, dtype)


# ---------------------------------------------------------------------------------------------------------------
# KV cache
# ---------------------------------------------------------------------------------------------------------------


class KVCache:
    """HuginnDynamicCache: slot -> position -> (k, v), each (heads, head_dim).

    Slots: prelude layer i -> i (0..P-1); core layer l of iteration t -> P + R*t + l; coda layer j -> -(j+1).
    The strategy string is parsed as the reference does, by prefix/substring: a lookup part (`full`, `skip`,
    `latest-m4`, `available-m4`, `always-last-m4`) and an optional storage part (`compress-sN`, `compress-rN`,
    `compress-anchor`). The reference hard-codes P=2, R=4; here both come from the config (contract, "Deliberate
    differences from the reference"), so `-m4` means "same core layer", i.e. equal (slot - P) mod R.
    A bare `compress-*` strategy looks up like `full` (the reference raises on a hole there; see README).
    """

    LOOKUPS = ("latest-m4", "available-m4", "always-last-m4", "skip", "full")

    def __init__(self, strategy: str, n_prelude: int, n_core: int):
        self.strategy = strategy
        self.P, self.R = n_prelude, n_core
        self.lookup = next((name for name in self.LOOKUPS if strategy.startswith(name)), None)
        if self.lookup is None:
            if not strategy.startswith("compress-"):
                raise ValueError(f"unknown KV lookup strategy {strategy!r}")
            self.lookup = "full"
        self.compress = None  # ("s", N) | ("r", N) | ("anchor", None)
        if "compress-" in strategy:
            tail = strategy.split("compress-")[1]
            if tail.startswith("anchor"):
                self.compress = ("anchor", None)
            elif tail[:1] in ("s", "r") and tail[1:].isdigit() and int(tail[1:]) > 0:
                self.compress = (tail[0], int(tail[1:]))
            else:
                raise ValueError(f"unknown KV compression in {strategy!r}")
        self.keys: Dict[int, Dict[int, torch.Tensor]] = {}
        self.values: Dict[int, Dict[int, torch.Tensor]] = {}
        self.seen = 0
        self.hole_lookups = 0  # lookups where some seen position had no entry at the slot (strategy mattered)

    def storage_slot(self, slot: int) -> int:
        """Where a layer call's KV is stored (compression applies to core slots only)."""
        P, R = self.P, self.R
        if self.compress is None or slot < P:
            return slot
        kind, n = self.compress
        if kind == "s":
            return P + (slot - P) % n
        if kind == "r":
            return P + (slot - P) // n
        anchor_end = P + 8 * R  # keep the first 8 iterations, then all later ones share the 9th's R slots
        return slot if slot < anchor_end else anchor_end + (slot - anchor_end) % R

    def _same_layer(self, a: int, b: int) -> bool:
        return a >= self.P and (a - self.P) % self.R == (b - self.P) % self.R

    def update(self, k: torch.Tensor, v: torch.Tensor, slot: int, positions: Sequence[int]):
        """Stores k, v (rows, heads, head_dim) of `positions` and returns the keys/values to attend to, (L, h, d)."""
        slot = self.storage_slot(slot)
        if slot == 0:
            self.seen = max(self.seen, positions[-1] + 1)
        ks, vs = self.keys.setdefault(slot, {}), self.values.setdefault(slot, {})
        for i, p in enumerate(positions):
            if self.compress is None and slot >= 0 and p in ks:
                raise AssertionError(f"slot {slot} position {p} written twice")
            ks[p], vs[p] = k[i], v[i]

        if len(ks) < self.seen:
            self.hole_lookups += 1
        if len(ks) == self.seen or self.lookup == "full":
            order = sorted(ks)
            return torch.stack([ks[p] for p in order]), torch.stack([vs[p] for p in order])
        if self.lookup == "skip":
            order = [p for p in range(self.seen) if p in ks]
            return torch.stack([ks[p] for p in order]), torch.stack([vs[p] for p in order])
        picks = [(self._lookup_slot(slot, p), p) for p in range(self.seen)]
        return (torch.stack([self.keys[s][p] for s, p in picks]),
                torch.stack([self.values[s][p] for s, p in picks]))

    def _lookup_slot(self, slot: int, p: int) -> int:
        if slot < self.P:  # prelude or coda: own slot (always present in the flows of this file)
            if p not in self.keys[slot]:
                raise AssertionError(f"position {p} has no entry at prelude/coda slot {slot}")
            return slot
        if self.lookup == "available-m4" and p in self.keys[slot]:
            return slot
        if self.lookup == "always-last-m4":
            candidates = [s for s in self.keys if self._same_layer(s, slot) and p in self.keys[s]]
        else:  # latest-m4, available-m4: the deepest same-layer slot not deeper than this one
            candidates = [s for s in range(self.P, slot + 1) if self._same_layer(s, slot) and p in self.keys.get(s, {})]
        return max(candidates)


# ---------------------------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------------------------


class HuginnModel:
    def __init__(self, config: Config, weights: Dict[str, torch.Tensor], dtype=torch.float64):
        self.config = config
        self.dtype = dtype
        self.w = {name: t.to(dtype) for name, t in weights.items() if name != "freqs_cis"}
        c = config
        if "lm_head.weight" in self.w and not c.tie_embeddings:
            self.head = self.w["lm_head.weight"]
        else:
            self.head = self.w["transformer.wte.weight"]
        half = c.head_dim // 2
        # inv_freq[i] = 1 / theta^(2i / head_dim); angle = absolute position * inv_freq[i]
        inv_freq = 1.0 / (c.rope_base ** (torch.arange(half, dtype=torch.float64) * 2.0 / c.head_dim))
        angles = torch.outer(torch.arange(c.block_size, dtype=torch.float64), inv_freq)  # (block_size, half)
        self.cos, self.sin = torch.cos(angles).to(dtype), torch.sin(angles).to(dtype)
        self._check_shapes()

    def _check_shapes(self):
        c = self.config
        h, v, m = c.n_embd, c.vocab_size, c.intermediate_size
        expect = {"transformer.wte.weight": (v, h), "transformer.adapter.weight": (h, 2 * h),
                  "transformer.ln_f.weight": (h,)}
        for prefix in self.layer_prefixes("prelude") + self.layer_prefixes("core_block") + self.layer_prefixes("coda"):
            for n in ("norm_1", "norm_2", "norm_3", "norm_4"):
                expect[f"{prefix}.{n}.weight"] = (h,)
            expect[f"{prefix}.attn.Wqkv.weight"] = (3 * h, h)
            expect[f"{prefix}.attn.proj.weight"] = (h, h)
            expect[f"{prefix}.mlp.fc.weight"] = (2 * m, h)
            expect[f"{prefix}.mlp.proj.weight"] = (h, m)
            if c.qk_bias:
                expect[f"{prefix}.attn.qk_bias"] = (2, 1, c.n_heads, c.head_dim)
        if not c.tie_embeddings:
            expect["lm_head.weight"] = (v, h)
        for name, shape in expect.items():
            if name not in self.w:
                raise ValueError(f"checkpoint lacks {name}")
            if tuple(self.w[name].shape) != shape:
                raise ValueError(f"{name} has shape {tuple(self.w[name].shape)}, expected {shape}")

    def layer_prefixes(self, stack: str) -> List[str]:
        n = {"prelude": self.config.n_prelude, "core_block": self.config.n_core, "coda": self.config.n_coda}[stack]
        return [f"transformer.{stack}.{i}" for i in range(n)]

    # --- building blocks ---

    def rms_norm(self, x: torch.Tensor, weight_name: str) -> torch.Tensor:
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + self.config.norm_eps) * self.w[weight_name]

    def rope(self, x: torch.Tensor, positions: Sequence[int]) -> torch.Tensor:
        """Interleaved pairs (x[2i], x[2i+1]) rotated by position * inv_freq[i]; x is (rows, heads, head_dim)."""
        idx = torch.tensor(list(positions), dtype=torch.long)
        cos, sin = self.cos[idx][:, None, :], self.sin[idx][:, None, :]  # (rows, 1, half)
        even, odd = x[..., 0::2], x[..., 1::2]
        out = torch.empty_like(x)
        out[..., 0::2] = even * cos - odd * sin
        out[..., 1::2] = odd * cos + even * sin
        return out

    def attention(self, prefix: str, x: torch.Tensor, positions, cache: Optional[KVCache], slot: int):
        c = self.config
        rows, nh, hd = x.shape[0], c.n_heads, c.head_dim
        qkv = x @ self.w[f"{prefix}.attn.Wqkv.weight"].T  # (rows, 3h): q | k | v, each head-major
        q, k, v = (t.reshape(rows, nh, hd) for t in qkv.split(c.n_embd, dim=-1))
        if c.qk_bias:
            bias = self.w[f"{prefix}.attn.qk_bias"]  # (2, 1, nh, hd)
            q, k = q + bias[0], k + bias[1]  # before RoPE
        q, k = self.rope(q, positions), self.rope(k, positions)
        if cache is not None:
            k, v = cache.update(k, v, slot, positions)  # (keys, nh, hd)
        keys = k.shape[0]
        scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(hd)  # (nh, rows, keys)
        if rows > 1:  # causal, bottom-right aligned: query i sees keys j <= i + (keys - rows); one row: no mask
            allowed = torch.ones(rows, keys, dtype=torch.bool).tril(diagonal=keys - rows)
            scores = scores.masked_fill(~allowed, float("-inf"))
        y = torch.einsum("hqk,khd->qhd", torch.softmax(scores, dim=-1), v).reshape(rows, c.n_embd)
        return y @ self.w[f"{prefix}.attn.proj.weight"].T

    def mlp(self, prefix: str, x: torch.Tensor) -> torch.Tensor:
        gate, up = (x @ self.w[f"{prefix}.mlp.fc.weight"].T).chunk(2, dim=-1)  # first half gate, second half up
        return (torch.nn.functional.silu(gate) * up) @ self.w[f"{prefix}.mlp.proj.weight"].T

    def sandwich_block(self, prefix: str, x, positions, cache, slot):
        a = self.attention(prefix, self.rms_norm(x, f"{prefix}.norm_1.weight"), positions, cache, slot)
        x = self.rms_norm(a + x, f"{prefix}.norm_2.weight")
        return self.rms_norm(self.mlp(prefix, self.rms_norm(x, f"{prefix}.norm_3.weight")) + x,
                             f"{prefix}.norm_4.weight")

    # --- stages ---

    def prelude(self, ids: Sequence[int], positions, cache) -> torch.Tensor:
        """gamma * E(x) through the P prelude layers (slots 0..P-1): the injected embedding e, (rows, h)."""
        x = self.w["transformer.wte.weight"][torch.tensor(list(ids), dtype=torch.long)] * self.config.embed_scale
        for i, prefix in enumerate(self.layer_prefixes("prelude")):
            x = self.sandwich_block(prefix, x, positions, cache, i)
        return x

    def initial_state(self, positions, init_scale: float, seed: int) -> torch.Tensor:
        """s0 per muninn_rng: row p drawn from (seed, STATE, p, h); exactly zero for init_scale 0."""
        c = self.config
        rows = [muninn_rng.initial_state_row(seed, p, c.n_embd, c.init_std, init_scale, c.embed_scale)
                for p in positions]
        return torch.tensor(rows, dtype=self.dtype)

    def core_iteration(self, s, e, positions, cache, iteration: int) -> torch.Tensor:
        """One recurrence: adapter over cat([state, e]) then the R core layers (slots P + R*t + l). Raw output."""
        c = self.config
        x = torch.cat([s, e], dim=-1) @ self.w["transformer.adapter.weight"].T
        for l, prefix in enumerate(self.layer_prefixes("core_block")):
            x = self.sandwich_block(prefix, x, positions, cache, c.n_prelude + c.n_core * iteration + l)
        return x

    def tail(self, s, positions, cache, head_rows: str = "last") -> torch.Tensor:
        """ln_f, coda (slots -1..-C, every row), ln_f, head. Returns logits (rows, V) or (V,) for the last row."""
        x = self.rms_norm(s, "transformer.ln_f.weight")
        for j, prefix in enumerate(self.layer_prefixes("coda")):
            x = self.sandwich_block(prefix, x, positions, cache, -(j + 1))
        x = self.rms_norm(x, "transformer.ln_f.weight")
        if head_rows == "last":
            return x[-1] @ self.head.T
        return x @ self.head.T

    def forward(self, ids: Sequence[int], num_steps: int, init_scale: float = 0.0, seed: int = 0):
        """A fresh forward of a whole sequence with a fixed number of steps; logits of every position, (S, V)."""
        positions = list(range(len(ids)))
        cache = KVCache("full", self.config.n_prelude, self.config.n_core)
        e = self.prelude(ids, positions, cache)
        s = self.initial_state(positions, init_scale, seed)
        for t in range(num_steps):
            s = self.core_iteration(s, e, positions, cache, t)
        return self.tail(s, positions, cache, head_rows="all")


# ---------------------------------------------------------------------------------------------------------------
# Exit criteria (contract "Exit criteria")
# ---------------------------------------------------------------------------------------------------------------


def remembered_log_probs(logits: torch.Tensor) -> torch.Tensor:
    """float32(log_softmax_float64(fp32 logits)), returned as float64 holding float32 values."""
    f32 = logits.to(torch.float32).to(torch.float64)
    return torch.log_softmax(f32, dim=-1).to(torch.float32).to(torch.float64)


class ExitCriterion:
    needs_logits = False
    name = "none"

    def __init__(self, threshold):
        self.threshold = threshold

    def init(self, s0: torch.Tensor, vocab_size: int):
        pass

    def check(self, s: torch.Tensor, logits: Optional[torch.Tensor]) -> Tuple[float, bool]:
        raise NotImplementedError

    def margin(self, value) -> float:
        """Relative distance of a check value from the threshold (how far float32 noise must move it to flip)."""
        return abs(value - self.threshold) / abs(self.threshold)


def kl_divergence(prev_log_p: torch.Tensor, cur_log_p: torch.Tensor) -> float:
    """KL(p_{t-1} || p_t) = sum exp(prev) * (prev - cur)."""
    return float((torch.exp(prev_log_p) * (prev_log_p - cur_log_p)).sum())


class KLCriterion(ExitCriterion):
    needs_logits, name = True, "kl"

    def init(self, s0, vocab_size):
        self.prev = torch.full((vocab_size,), -math.log(vocab_size), dtype=torch.float64)

    def check(self, s, logits):
        cur = remembered_log_probs(logits)
        value = kl_divergence(self.prev, cur)
        self.prev = cur
        return value, value < self.threshold


class MinPKLCriterion(KLCriterion):
    """KL of min-p filtered distributions: p < 0.1 * max p replaced by 1/V, renormalised.

    A p that sits next to its cut may be filtered differently by a float32 engine, so for robustness analysis the
    check also evaluates the value with every such p (within NEAR relative) forced to each side (`alternatives`).
    """

    name = "minp-kl"
    NEAR = 1e-3

    @staticmethod
    def filtered(log_p: torch.Tensor, near_dropped: Optional[bool] = None) -> torch.Tensor:
        p = torch.exp(log_p)
        cut = 0.1 * p.max()
        dropped = p < cut
        if near_dropped is not None:
            near = (p - cut).abs() / cut < MinPKLCriterion.NEAR
            dropped = torch.where(near, torch.full_like(dropped, near_dropped), dropped)
        p = torch.where(dropped, torch.full_like(p, 1.0 / p.numel()), p)
        return torch.log(p / p.sum())

    @staticmethod
    def cut_distance(log_p: torch.Tensor) -> float:
        p = torch.exp(log_p)
        cut = 0.1 * p.max()
        return float(((p - cut).abs() / cut).min())

    def check(self, s, logits):
        cur = remembered_log_probs(logits)
        value = kl_divergence(self.filtered(self.prev), self.filtered(cur))
        self.filter_margin = min(self.cut_distance(self.prev), self.cut_distance(cur))
        self.alternatives = [kl_divergence(self.filtered(self.prev, a), self.filtered(cur, b))
                             for a in (False, True) for b in (False, True)]
        self.prev = cur
        return value, value < self.threshold

    def margin(self, value):
        return min(abs(v - self.threshold) / abs(self.threshold) for v in [value] + self.alternatives)


class EntropyDiffCriterion(ExitCriterion):
    needs_logits, name = True, "entropy-diff"

    def init(self, s0, vocab_size):
        self.prev = 100.0

    def check(self, s, logits):
        p = torch.exp(remembered_log_probs(logits))
        h = float(-(p * torch.log(p + 1e-10)).sum())
        value = abs(h - self.prev)
        self.prev = h
        return value, value < self.threshold


class LatentCriterion(ExitCriterion):
    """A criterion on successive states: distance(s, previous s) < threshold, in float64 whatever the engine's
    dtype; the first previous is s0."""

    def init(self, s0, vocab_size):
        self.prev = s0.to(torch.float64)

    def check(self, s, logits):
        s = s.to(torch.float64)
        value = self.distance(s, self.prev)
        self.prev = s
        return value, value < self.threshold

    @staticmethod
    def distance(s: torch.Tensor, prev: torch.Tensor) -> float:
        raise NotImplementedError


class LatentDiffCriterion(LatentCriterion):
    name = "latent-diff"

    @staticmethod
    def distance(s, prev):
        return float(((s - prev).norm(dim=-1) / s.norm(dim=-1)).mean())


class CosineCriterion(LatentCriterion):
    name = "cosine"

    @staticmethod
    def distance(s, prev):
        denom = torch.clamp(s.norm(dim=-1) * prev.norm(dim=-1), min=1e-8)
        return 1.0 - float(((s * prev).sum(-1) / denom).mean())


class ArgmaxStabilityCriterion(ExitCriterion):
    needs_logits, name = True, "argmax-stability"

    def init(self, s0, vocab_size):
        self.prev, self.count = -1, 0

    def check(self, s, logits):
        top = int(torch.argmax(logits.to(torch.float32)))  # first index of the maximum fp32 logit
        self.count = self.count + 1 if top == self.prev else 0
        self.prev = top
        return self.count, self.count >= self.threshold

    def margin(self, value):
        return float("inf")  # integer count: fragility lies in the argmax itself, checked as a logit gap


class NoCriterion(ExitCriterion):
    name = "none"


CRITERIA = {c.name: c for c in (KLCriterion, MinPKLCriterion, EntropyDiffCriterion, LatentDiffCriterion,
                                CosineCriterion, ArgmaxStabilityCriterion, NoCriterion)}


def make_criterion(name: str, threshold) -> ExitCriterion:
    if name not in CRITERIA:
        raise ValueError(f"unknown exit criterion {name!r}; known: {sorted(CRITERIA)}")
    return CRITERIA[name](threshold)


# ---------------------------------------------------------------------------------------------------------------
# Sampling (contract "Sampling")
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SamplerParams:
    greedy: bool = True
    temperature: float = 1.0
    top_k: int = 0  # 0: off
    top_p: float = 1.0  # 1.0: off
    min_p: float = 0.0  # 0.0: off

    def to_json(self):
        return {"greedy": self.greedy, "temperature": self.temperature, "top_k": self.top_k, "top_p": self.top_p,
                "min_p": self.min_p}


@dataclass
class SampleTrace:
    """How far each decision of one sampling call was from flipping (for the fixture robustness checks)."""

    token: int
    greedy_gap: Optional[float] = None  # top-1 minus top-2 logit
    draw_margin: Optional[float] = None  # min |u - cumulative boundary|, in normalised probability
    filter_margin: Optional[float] = None  # min relative distance of any filter comparison from its cut


def top2_gap(logits: torch.Tensor) -> float:
    top = torch.topk(logits.to(torch.float64), 2).values
    return float(top[0] - top[1])


def sample_token(logits: torch.Tensor, params: SamplerParams, u: float) -> SampleTrace:
    f32 = logits.to(torch.float32)
    if params.greedy:
        return SampleTrace(int(torch.argmax(f32)), greedy_gap=top2_gap(logits))
    p = torch.softmax(f32.to(torch.float64) / params.temperature, dim=-1)
    margins = []
    if params.top_k > 0:
        ranked = torch.sort(p, descending=True).values
        kth = ranked[params.top_k - 1]
        if params.top_k < p.numel():
            margins.append(float((kth - ranked[params.top_k]) / kth))
        p = torch.where(p < kth, torch.zeros_like(p), p)
    if params.top_p < 1.0:
        order = sorted(range(p.numel()), key=lambda i: (-float(p[i]), i))  # descending, stable by index
        cumulative, remove = 0.0, []
        for rank, i in enumerate(order):
            cumulative += float(p[i])
            if float(p[i]) > 0:
                margins.append(abs(cumulative - params.top_p) / params.top_p)
            if rank > 0 and cumulative > params.top_p:
                remove.append(i)
        p = p.clone()
        p[remove] = 0.0
    if params.min_p > 0.0:
        cut = params.min_p * float(p.max())
        margins.extend(float(abs(x - cut) / cut) for x in p if x > 0)
        p = torch.where(p < cut, torch.zeros_like(p), p)
    total = max(float(p.sum()), 1e-10)
    running, token, draw_margin = 0.0, None, float("inf")
    for i in range(p.numel()):
        if p[i] <= 0:
            continue
        running += float(p[i])
        draw_margin = min(draw_margin, abs(u - running / total))
        if token is None and running > u * total:
            token = i
    if token is None:
        token = max(i for i in range(p.numel()) if p[i] > 0)
    return SampleTrace(token, draw_margin=draw_margin, filter_margin=min(margins) if margins else None)


# ---------------------------------------------------------------------------------------------------------------
# Generation (contract "Per-token recurrence and exit")
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class GenerationRequest:
    prompt: List[int]
    criterion: str = "none"
    threshold: Optional[float] = None
    kv_strategy: str = "full"
    min_steps: int = 0
    max_steps: int = 32
    check_every: int = 1
    exit_in_prefill: bool = False
    init_scale: float = 0.0
    seed: int = 0
    sampler: SamplerParams = field(default_factory=SamplerParams)
    warm_start: bool = False
    max_new_tokens: int = 8
    stop_token_ids: Tuple[int, ...] = ()


@dataclass
class TokenRecord:
    token: int
    exit_step: int
    criterion_value: Optional[float]  # the last value computed for this token; None when no check ran
    checks: List[Tuple[int, float]]  # (exit_step candidate k+1, value) of every check
    check_margins: List[float]  # relative distance of each check value from the threshold
    check_gaps: List[float]  # top-1/top-2 logit gap at each check (logit criteria only)
    check_filter_margins: List[float]  # minp-kl: distance of any p from its 0.1 * max p cut, at each check
    sample: SampleTrace
    logits: torch.Tensor  # the logits the token was sampled from, (V,)


@dataclass
class GenerationResult:
    records: List[TokenRecord]
    kv_hole_lookups: int

    @property
    def tokens(self):
        return [r.token for r in self.records]

    @property
    def exit_steps(self):
        return [r.exit_step for r in self.records]

    @property
    def criterion_values(self):
        return [r.criterion_value for r in self.records]


def generate(model: HuginnModel, req: GenerationRequest) -> GenerationResult:
    """Prefill as one call, then one row per generated token; each call iterates until its exit (contract)."""
    c = model.config
    if req.max_steps < 1 or req.min_steps < 0 or req.check_every < 1:
        raise ValueError("need max_steps >= 1, min_steps >= 0, check_every >= 1")
    cache = KVCache(req.kv_strategy, c.n_prelude, c.n_core)
    criterion = make_criterion(req.criterion, req.threshold)
    records: List[TokenRecord] = []
    ids, start, warm = list(req.prompt), 0, None
    for token_index in range(req.max_new_tokens):
        prefill = token_index == 0
        positions = list(range(start, start + len(ids)))
        e = model.prelude(ids, positions, cache)
        if req.warm_start and not prefill:
            s = warm
        else:
            s = model.initial_state(positions, req.init_scale, req.seed)
        criterion.init(s, c.vocab_size)
        value, checks, margins, gaps, filter_margins, logits = None, [], [], [], [], None
        for k in range(req.max_steps):
            s = model.core_iteration(s, e, positions, cache, k)
            logits = None  # logits, when computed, always belong to the current state
            checking = (req.criterion != "none" and k >= req.min_steps and (k - req.min_steps) % req.check_every == 0
                        and (req.exit_in_prefill or not prefill))
            exit_now = False
            if checking:
                if criterion.needs_logits:
                    logits = model.tail(s, positions, cache)  # coda KV of this call overwritten at every check
                    gaps.append(top2_gap(logits))
                value, exit_now = criterion.check(s, logits)
                checks.append((k + 1, value))
                margins.append(criterion.margin(value))
                if isinstance(criterion, MinPKLCriterion):
                    filter_margins.append(criterion.filter_margin)
            if exit_now or k == req.max_steps - 1:
                if logits is None:
                    logits = model.tail(s, positions, cache)
                exit_step = k + 1
                break
        u = muninn_rng.uniform(req.seed, muninn_rng.STREAM_SAMPLE, token_index, 0)
        trace = sample_token(logits, req.sampler, u)
        records.append(TokenRecord(trace.token, exit_step, value, checks, margins, gaps, filter_margins, trace,
                                   logits))
        if trace.token in req.stop_token_ids:
            break
        warm = s[-1:]  # raw (pre-ln_f) latent of the last position at the exit step
        start += len(ids)
        ids = [trace.token]
    return GenerationResult(records, cache.hole_lookups)
