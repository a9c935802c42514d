"""Huginn-0125's on-disk format, shared by the scripts under tools/: config.json fields and safetensors I/O.

`make_golden.py` and `bench_reference.py` (here) and `tools/tiny-model/export.py` write checkpoints through these
functions, so the three write the same fixed fields in the same order. safetensors files are read and written by
hand: u64 little-endian header length, JSON header padded with spaces to a multiple of 8, raw little-endian data.
"""
import json
import math
import struct
from typing import Dict, Optional

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
