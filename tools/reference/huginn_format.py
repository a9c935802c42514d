"""Huginn-0125's on-disk format, shared by the scripts under tools/: config.json (written by config_json, read into
`Config`) and safetensors I/O.

`make_golden.py` and `bench_reference.py` (here) and `tools/tiny-model/export.py` write checkpoints through these
functions, so the three write the same fixed fields in the same order. safetensors files are read and written by
hand: u64 little-endian header length, JSON header padded with spaces to a multiple of 8, raw little-endian data.
"""
import json
import math
import struct
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import torch


def config_json(*, n_embd: int, n_heads: int, layout: tuple, intermediate_size: int, vocab_size: int,
                block_size: int, tied: bool, qk_bias: bool, norm_eps: float, rope_base: float, mean_recurrence: int,
                bos_token_id: int, eos_token_id: list, pad_token_id: int, training: Optional[dict] = None) -> dict:
    """config.json of a Huginn-format model (sandwich blocks, RMSNorm, gated SiLU MLP, linear adapter, like-init
    s0 with std sqrt(2 / (5 h))); layout is (P, R, C). `training` (a trainer's depth-sampling fields) goes after
    mean_recurrence, and then test_time_noise 0 after init_values, as a trained checkpoint carries them."""
    P, R, C = layout
    config = {
        "architectures": ["RavenForCausalLM"],
        "model_type": "huginn_raven",
        "n_embd": n_embd,
        "n_heads": n_heads,
        "num_key_value_heads": n_heads,
        "head_dim": n_embd // n_heads,
        "n_layers": P + R + C,
        "n_layers_in_prelude": P,
        "n_layers_in_recurrent_block": R,
        "n_layers_in_coda": C,
        "intermediate_size": intermediate_size,
        "vocab_size": vocab_size,
        "padded_vocab_size": vocab_size,
        "block_size": block_size,
        "tie_embeddings": tied,
        "tie_word_embeddings": tied,
        "bias": False,
        "qk_bias": qk_bias,
        "norm_class_name": "RMSNorm_llama",
        "norm_eps": norm_eps,
        "mlp_class_name": "GatedMLP",
        "nonlin_name": "SiLU",
        "block_class_name": "SandwichBlock",
        "rope_base": rope_base,
        "injection_type": "linear",
        "state_init": "like-init",
        "mean_recurrence": mean_recurrence,
        **(training or {}),
        "init_values": {"std": math.sqrt(2.0 / (5.0 * n_embd)), "embed_scale": math.sqrt(n_embd)},
    }
    if training:
        config["test_time_noise"] = 0
    config.update({"bos_token_id": bos_token_id, "eos_token_id": list(eos_token_id), "pad_token_id": pad_token_id,
                   "torch_dtype": "float32"})
    return config


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


_ST_DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "F16": (torch.float16, 2),
              "BF16": (torch.bfloat16, 2)}


def read_safetensors(path: str) -> Dict[str, torch.Tensor]:
    """Reads a safetensors file without the library."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype, width = _ST_DTYPES[meta["dtype"]]
        start, end = meta["data_offsets"]
        raw = bytearray(data[start:end])
        count = (end - start) // width
        t = torch.frombuffer(raw, dtype=dtype, count=count) if count else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(meta["shape"]).clone()
    return out


def safetensors_header(shapes: Dict[str, tuple], metadata: Optional[Dict[str, str]] = None) -> bytes:
    """The length-prefixed, space-padded header of F32 tensors of these shapes, stored back to back in key order."""
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = dict(metadata)
    for name, shape in shapes.items():
        size = 4 * math.prod(shape)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text


def write_safetensors(path: str, tensors: Dict[str, torch.Tensor], metadata: Optional[Dict[str, str]] = None):
    """Writes float32 tensors as a safetensors file, in the given key order (deterministic bytes)."""
    tensors = {name: t.detach().to(torch.float32).contiguous() for name, t in tensors.items()}
    with open(path, "wb") as f:
        f.write(safetensors_header({name: tuple(t.shape) for name, t in tensors.items()}, metadata))
        for t in tensors.values():
            f.write(t.numpy().astype("<f4").tobytes())
