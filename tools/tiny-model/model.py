"""The recurrent-depth architecture (Huginn-0125 layout, model/README.md), in FP32 PyTorch, for training.

    e   = prelude(wte[x] * embed_scale)                       P sandwich blocks
    s0  ~ TruncNormal(0, init_std, ±3 init_std) * embed_scale  ('like-init')
    s_t = core(adapter(cat([s_{t-1}, e])))                    R sandwich blocks, iterated r times
    y   = head(ln_f(coda(ln_f(s_r))))                         C sandwich blocks, ln_f twice, head tied to wte

Training draws r per optimizer step from a Poisson-lognormal around mean_recurrence and
backpropagates only through the last k iterations. Inference with per-token exits lives in infer.py.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import huginn_format  # noqa: E402  (Huginn's config.json fields, shared with tools/reference)


class Config:
    """Huginn config fields for a tiny model; to_json() writes them under their Huginn names."""

    def __init__(self, n_embd=128, n_heads=4, n_layers_in_prelude=2, n_layers_in_recurrent_block=4,
                 n_layers_in_coda=2, intermediate_size=512, vocab_size=262, block_size=256, norm_eps=1e-6,
                 rope_base=10000.0, mean_recurrence=8, mean_backprop_depth=4, bos_token_id=256,
                 eos_token_id=(257, 260), pad_token_id=261):
        self.n_embd = n_embd
        self.n_heads = n_heads
        self.n_layers_in_prelude = n_layers_in_prelude
        self.n_layers_in_recurrent_block = n_layers_in_recurrent_block
        self.n_layers_in_coda = n_layers_in_coda
        self.intermediate_size = intermediate_size
        self.vocab_size = vocab_size
        self.block_size = block_size
        self.norm_eps = norm_eps
        self.rope_base = rope_base
        self.mean_recurrence = mean_recurrence
        self.mean_backprop_depth = mean_backprop_depth
        self.bos_token_id = bos_token_id
        self.eos_token_id = list(eos_token_id)
        self.pad_token_id = pad_token_id

    @property
    def head_dim(self):
        return self.n_embd // self.n_heads

    @property
    def n_layers(self):
        return self.n_layers_in_prelude + self.n_layers_in_recurrent_block + self.n_layers_in_coda

    @property
    def init_std(self):
        # Huginn's init: init_values.std = sqrt(2 / (5 h))
        return math.sqrt(2.0 / (5.0 * self.n_embd))

    @property
    def embed_scale(self):
        return math.sqrt(self.n_embd)

    def to_json(self):
        depth = self.n_layers_in_prelude + self.n_layers_in_coda
        eff = depth + self.n_layers_in_recurrent_block * self.mean_recurrence
        return huginn_format.config_json(
            n_embd=self.n_embd, n_heads=self.n_heads,
            layout=(self.n_layers_in_prelude, self.n_layers_in_recurrent_block, self.n_layers_in_coda),
            intermediate_size=self.intermediate_size, vocab_size=self.vocab_size, block_size=self.block_size,
            tied=True, qk_bias=True, norm_eps=self.norm_eps, rope_base=self.rope_base,
            mean_recurrence=self.mean_recurrence, bos_token_id=self.bos_token_id, eos_token_id=self.eos_token_id,
            pad_token_id=self.pad_token_id,
            training={"mean_backprop_depth": self.mean_backprop_depth, "sampling_scheme": "poisson-lognormal-filling",
                      "effective_expected_depth": eff})


FAST_LINEAR = False  # training only: route Linear GEMMs through oneDNN (Debian's torch links a reference BLAS)


def linear(x, w):
    """x @ w.T. With FAST_LINEAR the GEMM runs in oneDNN as a 1x1 convolution (same result, several times faster
    where torch falls back to the reference BLAS, as Debian's build does)."""
    if not FAST_LINEAR:
        return F.linear(x, w)
    shape = x.shape
    n = x.numel() // shape[-1]
    g = 16 if n % 16 == 0 else 1  # oneDNN serves 1x1 convolutions with >= 16 images on one thread
    x4 = x.reshape(g, n // g, 1, shape[-1]).permute(0, 3, 1, 2)  # (g, in, n/g, 1) in channels-last memory
    y = F.conv2d(x4, w[:, :, None, None])
    return y.permute(0, 2, 3, 1).reshape(*shape[:-1], w.shape[0])


class Linear(nn.Linear):
    """A bias-free Linear (Huginn has no biases besides qk_bias)."""

    def __init__(self, n_in, n_out):
        super().__init__(n_in, n_out, bias=False)

    def forward(self, x):
        return linear(x, self.weight)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(cfg, positions):
    """cos, sin of shape (S, hd/2) for interleaved-pair RoPE: angle = pos / theta^(2i/hd), i = 0 .. hd/2-1."""
    hd = cfg.head_dim
    inv_freq = 1.0 / (cfg.rope_base ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    ang = positions.to(torch.float32)[:, None] * inv_freq[None, :]
    return torch.cos(ang), torch.sin(ang)


def apply_rope(x, cos, sin):
    """x (B, S, nh, hd); the pair (x[2i], x[2i+1]) is rotated by the angle of pair i (GPT-J / complex style):
    out[2i] = x[2i] cos - x[2i+1] sin, out[2i+1] = x[2i+1] cos + x[2i] sin. As a complex product for speed."""
    xc = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2))
    rot = torch.complex(cos, sin)[None, :, None, :]
    return torch.view_as_real(xc * rot).flatten(-2)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.nh, self.hd = cfg.n_heads, cfg.head_dim
        self.Wqkv = Linear(cfg.n_embd, 3 * cfg.n_embd)  # rows q | k | v, head-major
        self.qk_bias = nn.Parameter(torch.zeros(2, 1, self.nh, self.hd))
        self.proj = Linear(cfg.n_embd, cfg.n_embd)

    def qkv(self, x, cos, sin):
        """Post-bias, post-RoPE q, k and v, each (B, S, nh, hd)."""
        B, S, _ = x.shape
        q, k, v = self.Wqkv(x).view(B, S, 3, self.nh, self.hd).unbind(2)
        q = apply_rope(q + self.qk_bias[0], cos, sin)
        k = apply_rope(k + self.qk_bias[1], cos, sin)
        return q, k, v

    def forward(self, x, cos, sin, mask):
        q, k, v = self.qkv(x, cos, sin)
        y = attend(q, k, v, mask)
        return self.proj(y)


def attend(q, k, v, mask):
    """q (B,S,nh,hd), k/v (B,T,nh,hd), mask (S,T) or (B,S,T) bool (True = may attend) -> (B,S,nh*hd)."""
    q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(q.shape[-1]))
    if mask.dim() == 3:
        mask = mask[:, None]
    att = att.masked_fill(~mask, float("-inf")).softmax(-1)
    y = att @ v
    return y.transpose(1, 2).flatten(2)


class GatedMLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc = Linear(cfg.n_embd, 2 * cfg.intermediate_size)  # rows gate | up
        self.proj = Linear(cfg.intermediate_size, cfg.n_embd)

    def forward(self, x):
        g, u = self.fc(x).chunk(2, dim=-1)
        return self.proj(F.silu(g) * u)


class SandwichBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.norm_1 = RMSNorm(cfg.n_embd, cfg.norm_eps)
        self.attn = Attention(cfg)
        self.norm_2 = RMSNorm(cfg.n_embd, cfg.norm_eps)
        self.mlp = GatedMLP(cfg)
        self.norm_3 = RMSNorm(cfg.n_embd, cfg.norm_eps)
        self.norm_4 = RMSNorm(cfg.n_embd, cfg.norm_eps)

    def forward(self, x, cos, sin, mask):
        x = self.norm_2(self.attn(self.norm_1(x), cos, sin, mask) + x)
        return self.norm_4(self.mlp(self.norm_3(x)) + x)


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.prelude = nn.ModuleList(SandwichBlock(cfg) for _ in range(cfg.n_layers_in_prelude))
        self.adapter = Linear(2 * cfg.n_embd, cfg.n_embd)  # columns: state | e
        self.core_block = nn.ModuleList(SandwichBlock(cfg) for _ in range(cfg.n_layers_in_recurrent_block))
        self.coda = nn.ModuleList(SandwichBlock(cfg) for _ in range(cfg.n_layers_in_coda))
        self.ln_f = RMSNorm(cfg.n_embd, cfg.norm_eps)


class RecurrentDepthLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.transformer = Transformer(cfg)
        self.reset_parameters()

    def reset_parameters(self):
        """Scaled init in the spirit of Huginn's 'takase' strategy: small normal everywhere, output projections
        shrunk by the expected effective depth so that deep unrolls start near the identity."""
        cfg = self.cfg
        std = cfg.init_std
        eff = cfg.n_layers_in_prelude + cfg.n_layers_in_coda + cfg.n_layers_in_recurrent_block * cfg.mean_recurrence
        out_std = std / math.sqrt(2 * eff)
        for name, p in self.named_parameters():
            if p.dim() == 1:
                continue  # norms: ones
            if name.endswith("qk_bias"):
                nn.init.zeros_(p)
            elif name.endswith("attn.proj.weight") or name.endswith("mlp.proj.weight"):
                nn.init.trunc_normal_(p, std=out_std, a=-3 * out_std, b=3 * out_std)
            else:
                nn.init.trunc_normal_(p, std=std, a=-3 * std, b=3 * std)

    def initial_state(self, e):
        """like-init: truncated normal (std init_std, cut at ±3 std) times embed_scale, from torch's own RNG."""
        std = self.cfg.init_std
        x = torch.empty_like(e)
        nn.init.trunc_normal_(x, mean=0.0, std=std, a=-3 * std, b=3 * std)
        return x * self.cfg.embed_scale

    def forward(self, idx, n_no_grad, n_with_grad, s0=None):
        """Logits (B, S, V) after n_no_grad + n_with_grad core iterations; gradients flow through the last
        n_with_grad iterations only (truncated backpropagation)."""
        t = self.transformer
        B, S = idx.shape
        cos, sin = rope_tables(self.cfg, torch.arange(S))
        mask = torch.ones(S, S, dtype=torch.bool).tril()
        e = t.wte(idx) * self.cfg.embed_scale
        for blk in t.prelude:
            e = blk(e, cos, sin, mask)
        x = self.initial_state(e) if s0 is None else s0
        with torch.no_grad():
            for _ in range(n_no_grad):
                x = self._core(x, e, cos, sin, mask)
        for _ in range(n_with_grad):
            x = self._core(x, e, cos, sin, mask)
        x = t.ln_f(x)
        for blk in t.coda:
            x = blk(x, cos, sin, mask)
        x = t.ln_f(x)
        return linear(x, t.wte.weight)  # tied head

    def _core(self, x, e, cos, sin, mask):
        t = self.transformer
        x = t.adapter(torch.cat([x, e], dim=-1))
        for blk in t.core_block:
            x = blk(x, cos, sin, mask)
        return x


def sample_recurrence(mean_recurrence, backprop_depth, rng):
    """Huginn's 'poisson-lognormal-filling': rate ~ LogNormal(ln(r̄) - σ²/2, σ=0.5), p = Poisson(rate) + 1;
    returns (no_grad, with_grad) = (max(p - k, 0), min(k, p)). rng is a numpy Generator."""
    sigma = 0.5
    mu = math.log(mean_recurrence) - sigma * sigma / 2
    rate = rng.lognormal(mu, sigma)
    p = int(rng.poisson(rate)) + 1
    return max(p - backprop_depth, 0), min(backprop_depth, p)
