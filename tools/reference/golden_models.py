"""The two tiny random models of the golden fixtures (make_golden.py): their shapes, weights, and writing them.

Gaussian weights from numpy's legacy generator, a stream fixed forever, so every run writes the same bytes; a calm
core and a contracting adapter make exit steps vary (model/src/test/resources/golden/README.md).
"""
import json
import math
import os
from dataclasses import dataclass

import numpy as np
import torch

import huginn_format
import huginn_reference as ref

# ---------------------------------------------------------------------------------------------------------------
# Tiny random models
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSpec:
    name: str
    n_embd: int
    n_heads: int
    layout: tuple  # (P, R, C)
    intermediate: int
    vocab: int
    block_size: int
    rope_base: float
    qk_bias: bool
    tied: bool
    weight_seed: int
    core_gain: float  # std multiplier of every core Linear: lower = calmer core
    adapter_state_gain: float  # std multiplier of the adapter's state columns: the recurrence's contraction
    lnf_scale: float  # mean of ln_f weights: sharpens the logits

    def config_json(self) -> dict:
        v = self.vocab
        return huginn_format.config_json(
            n_embd=self.n_embd, n_heads=self.n_heads, layout=self.layout, intermediate_size=self.intermediate,
            vocab_size=v, block_size=self.block_size, tied=self.tied, qk_bias=self.qk_bias, norm_eps=1e-6,
            rope_base=self.rope_base, mean_recurrence=32, bos_token_id=v - 6, eos_token_id=[v - 5, v - 2],
            pad_token_id=v - 1)

    def weights(self, config: ref.Config) -> dict:
        """Gaussian weights from numpy's legacy generator (a stream fixed forever), stored in name order."""
        rs = np.random.RandomState(self.weight_seed)
        h, m, v = config.n_embd, config.intermediate_size, config.vocab_size

        def normal(shape, std, mean=0.0):
            return torch.tensor(mean + rs.standard_normal(shape) * std, dtype=torch.float32)

        w = {"transformer.wte.weight": normal((v, h), config.init_std)}
        for stack, count in (("prelude", config.n_prelude), ("core_block", config.n_core), ("coda", config.n_coda)):
            g = self.core_gain if stack == "core_block" else 1.0
            for i in range(count):
                p = f"transformer.{stack}.{i}"
                for k in range(1, 5):
                    w[f"{p}.norm_{k}.weight"] = normal((h,), 0.1, 1.0)
                w[f"{p}.attn.Wqkv.weight"] = normal((3 * h, h), g / math.sqrt(h))
                if config.qk_bias:
                    w[f"{p}.attn.qk_bias"] = normal((2, 1, config.n_heads, config.head_dim), 0.1)
                w[f"{p}.attn.proj.weight"] = normal((h, h), g / math.sqrt(h))
                w[f"{p}.mlp.fc.weight"] = normal((2 * m, h), g / math.sqrt(h))
                w[f"{p}.mlp.proj.weight"] = normal((h, m), g / math.sqrt(m))
        w["transformer.adapter.weight"] = torch.cat(
            [normal((h, h), self.adapter_state_gain / math.sqrt(h)), normal((h, h), 1.0 / math.sqrt(h))], dim=1)
        w["transformer.ln_f.weight"] = normal((h,), 0.1 * self.lnf_scale, self.lnf_scale)
        if not self.tied:
            w["lm_head.weight"] = normal((v, h), 2.0 * config.init_std)
        return dict(sorted(w.items()))


MODELS = [
    ModelSpec("tiny-random", n_embd=64, n_heads=4, layout=(2, 4, 2), intermediate=128, vocab=96, block_size=64,
              rope_base=10000.0, qk_bias=True, tied=True, weight_seed=1, core_gain=0.35, adapter_state_gain=0.9,
              lnf_scale=3.0),
    ModelSpec("tiny-random-untied", n_embd=48, n_heads=4, layout=(1, 3, 1), intermediate=96, vocab=80,
              block_size=48, rope_base=500.0, qk_bias=False, tied=False, weight_seed=2, core_gain=0.35,
              adapter_state_gain=0.9, lnf_scale=2.0),
]


def write_model(spec: ModelSpec, out_dir: str):
    """Writes config.json and model.safetensors; returns (float64 model, float32 model) loaded back from disk."""
    d = os.path.join(out_dir, spec.name)
    os.makedirs(d, exist_ok=True)
    cfg_json = spec.config_json()
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg_json, f, indent=2)
        f.write("\n")
    weights = spec.weights(ref.Config.from_json(cfg_json))
    ref.write_safetensors(os.path.join(d, "model.safetensors"), weights, {"format": "pt"})
    return ref.load_model_dir(d, torch.float64), ref.load_model_dir(d, torch.float32)
