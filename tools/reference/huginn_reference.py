"""An independent float64 PyTorch implementation of the recurrent-depth model (Huginn-0125 format).

Written from model/README.md (the architecture and Muninn's engine contract, "the contract"), not from the
authors' code. It exists to produce golden fixtures for Muninn's Java engine, so it favours readability and
exact, documented semantics over speed: one sequence, no batching, every tensor in float64.

Layout, top-down (this module re-exports the others' names, so callers read everything as huginn_reference.*):
    Config, safetensors I/O                      huginn_format.py: the checkpoint format
    load_model_dir                               here: a model directory into a HuginnModel
    KVCache                                      huginn_kv.py: HuginnDynamicCache slots and lookup strategies
    HuginnModel                                  here: the forward pass: prelude, s0, core, coda, head
    ExitCriterion and its subclasses             huginn_exit.py: exit criteria (contract "Exit criteria")
    SamplerParams, sample_token                  huginn_exit.py: sampling (contract "Sampling")
    generate                                     here: the per-token exit loop (contract "Per-token recurrence and exit")
"""
import json
import math
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import torch

import muninn_rng
from huginn_exit import (  # noqa: F401 (callers use ref.*)
    CRITERIA, ArgmaxStabilityCriterion, CosineCriterion, EntropyDiffCriterion, ExitCriterion, KLCriterion,
    LatentCriterion, LatentDiffCriterion, MinPKLCriterion, NoCriterion, SamplerParams, SampleTrace, kl_divergence,
    make_criterion, remembered_log_probs, sample_token, top2_gap)
from huginn_format import Config, read_safetensors, write_safetensors  # noqa: F401 (callers use ref.*)
from huginn_kv import KVCache  # noqa: F401


# ---------------------------------------------------------------------------------------------------------------
# Checkpoint
# ---------------------------------------------------------------------------------------------------------------


def load_model_dir(model_dir: str, dtype=torch.float64) -> "HuginnModel":
    with open(os.path.join(model_dir, "config.json")) as f:
        config = Config.from_json(json.load(f))
    weights = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    return HuginnModel(config, weights, dtype)


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
