"""The checkpoint of `muninn bench reference`: a random F32 Huginn-format model of the benchmark's shape, exits
spread as `RandomWeights.createWithSpread` spreads them, written once and reused while its marker matches.

    /usr/bin/python3 tools/reference/bench_reference.py write-checkpoint --out DIR [--hidden 1024]

The Java side (bench ReferencePython) checks CHECKPOINT_FORMAT, VOCAB and MARKER against this file.
"""
import json
import math
import os

import numpy as np

import huginn_format

# Checkpoint shape (defaults of `muninn bench reference`) and the random model's exit spread (RandomWeights)
VOCAB = 65536
MEAN_RECURRENCE = 32
BLOCK_SIZE = 4096
LAYOUT = (2, 4, 2)
COUPLING = 0.28  # scale of the adapter's state half: how strongly an iteration depends on the previous state
SPREAD = 3.0  # each embedding row scaled by exp(SPREAD * z), z ~ N(0, 1); the untied head keeps unscaled rows
CHECKPOINT_FORMAT = 1  # bump when the written weights change, so cached checkpoints are rewritten
MARKER = "bench-checkpoint.json"


# ---------------------------------------------------------------------------------------------------------------
# Checkpoint
# ---------------------------------------------------------------------------------------------------------------


def intermediate_size(hidden: int) -> int:
    """3.5 x hidden rounded up to a multiple of 64 (RandomWeights.config)."""
    return (hidden * 7 // 2 + 63) // 64 * 64


def config_json(hidden: int, vocab: int = VOCAB) -> dict:
    if hidden % 64 != 0:
        raise ValueError(f"hidden must be a multiple of 64 (head dim 64) but was {hidden}")
    return huginn_format.config_json(
        n_embd=hidden, n_heads=hidden // 64, layout=LAYOUT, intermediate_size=intermediate_size(hidden),
        vocab_size=vocab, block_size=BLOCK_SIZE, tied=False, qk_bias=True, norm_eps=1e-6, rope_base=50000.0,
        mean_recurrence=MEAN_RECURRENCE, bos_token_id=0, eos_token_id=[1], pad_token_id=2)


def tensor_shapes(cfg: dict) -> dict:
    """Name -> shape of every tensor, in the order they are written (sorted by name)."""
    h, m, v, nh = cfg["n_embd"], cfg["intermediate_size"], cfg["vocab_size"], cfg["n_heads"]
    shapes = {"transformer.wte.weight": (v, h), "lm_head.weight": (v, h), "transformer.adapter.weight": (h, 2 * h),
              "transformer.ln_f.weight": (h,)}
    for stack, n in (("prelude", cfg["n_layers_in_prelude"]), ("core_block", cfg["n_layers_in_recurrent_block"]),
                     ("coda", cfg["n_layers_in_coda"])):
        for i in range(n):
            p = f"transformer.{stack}.{i}"
            for k in range(1, 5):
                shapes[f"{p}.norm_{k}.weight"] = (h,)
            shapes[f"{p}.attn.Wqkv.weight"] = (3 * h, h)
            shapes[f"{p}.attn.qk_bias"] = (2, 1, nh, h // nh)
            shapes[f"{p}.attn.proj.weight"] = (h, h)
            shapes[f"{p}.mlp.fc.weight"] = (2 * m, h)
            shapes[f"{p}.mlp.proj.weight"] = (h, m)
    return dict(sorted(shapes.items()))


def _tensor(name: str, shape, cfg: dict, seed: int, coupling: float, spread: float) -> np.ndarray:
    """One tensor, drawn from its own stream (seed, name) so the file can be written tensor by tensor.

    As RandomWeights.createWithSpread: every Linear N(0, 1/hidden), norms ones, qk biases N(0, 0.02^2); the
    adapter's state half (its first hidden columns, multiplying the state in cat([state, e])) scaled by the
    coupling; the head is the unscaled embedding draw and the embedding scales each of those rows by exp(spread z).
    """
    h = cfg["n_embd"]
    std = np.float32(1.0 / math.sqrt(h))
    if name.endswith(("norm_1.weight", "norm_2.weight", "norm_3.weight", "norm_4.weight")) or name.endswith("ln_f.weight"):
        return np.ones(shape, dtype=np.float32)
    stream = "transformer.wte.weight" if name == "lm_head.weight" else name
    rng = np.random.default_rng([seed, int.from_bytes(stream.encode("utf-8"), "little") % (1 << 63)])
    if name.endswith("qk_bias"):
        return rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
    w = rng.standard_normal(shape, dtype=np.float32) * std
    if name == "transformer.adapter.weight":
        w[:, :h] *= np.float32(coupling)
    if name == "transformer.wte.weight":
        z = np.random.default_rng([seed, 1]).standard_normal(shape[0])
        w *= np.exp(spread * z).astype(np.float32)[:, None]
    return w


def write_checkpoint(out: str, hidden: int = 1024, seed: int = 20261123, vocab: int = VOCAB,
                     coupling: float = COUPLING, spread: float = SPREAD) -> dict:
    """Writes config.json, model.safetensors (F32) and, last, the marker that says the directory is complete."""
    os.makedirs(out, exist_ok=True)
    marker = os.path.join(out, MARKER)
    if os.path.exists(marker):
        os.remove(marker)
    cfg = config_json(hidden, vocab)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    shapes = tensor_shapes(cfg)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(huginn_format.safetensors_header(shapes, {"format": "pt"}))
        for name, shape in shapes.items():
            f.write(_tensor(name, shape, cfg, seed, coupling, spread).astype("<f4").tobytes())
    meta = {"format": CHECKPOINT_FORMAT, "hidden": hidden, "vocab": vocab, "seed": seed, "coupling": coupling,
            "spread": spread}
    with open(marker, "w") as f:
        json.dump(meta, f)
        f.write("\n")
    return meta
