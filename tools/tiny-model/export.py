"""Write a trained checkpoint in Huginn's on-disk format, without the safetensors or tokenizers packages.

    /usr/bin/python3 tools/tiny-model/export.py --checkpoint /tmp/run/checkpoint.pt --out models/huginn-tiny-chains

Files: config.json, model.safetensors (F32, Huginn's tensor names, no lm_head: the head is tied to transformer.wte),
tokenizer.json (byte-level BPE without merges + Huginn's special tokens), tokenizer_config.json (with Huginn's
chat template), special_tokens_map.json, generation_config.json.
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "reference"))  # huginn_format: safetensors I/O shared with tools/reference
import huginn_format  # noqa: E402
from tasks import SPECIALS, SPECIAL_IDS  # noqa: E402

# Huginn's chat template, verbatim (one line in the original)
CHAT_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set start_content = '<|begin_header|>' %}"
    "{% set end_content = message['content'] | trim  + '<|end_turn|>' %}{% if loop.index0 == 0 %}{% set start_content = "
    "bos_token + start_content %}{% endif %}{% if message['role'] == 'Huginn' or message['role'] == 'assistant' %}"
    "{% set start_content = start_content + 'Huginn<|end_header|>\n\n' %}{{ start_content }}{% generation %}"
    "{{ end_content }}{% endgeneration %}{% else %}{% set start_content = start_content + message['role'] + "
    "'<|end_header|>\n\n' %}{{ start_content }}{{ end_content }}{% endif %}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|begin_header|>Huginn<|end_header|>\n\n' }}{% else %}{{ '<|end_text|>' }}{% endif %}"
)


def bytes_to_unicode():
    """GPT-2's byte -> printable character table used by the ByteLevel pre-tokenizer and decoder."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def write_safetensors(path, tensors, metadata):
    """model.safetensors with the tensors in name order (huginn_format writes them as given)."""
    huginn_format.write_safetensors(path, {name: tensors[name] for name in sorted(tensors)}, metadata)


read_safetensors = huginn_format.read_safetensors


def tokenizer_json():
    b2u = bytes_to_unicode()
    vocab = {b2u[b]: b for b in range(256)}  # token id of byte b is b
    added = [{"id": SPECIAL_IDS[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for s in SPECIALS]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": vocab,
                  "merges": []},
    }


def export(checkpoint, out):
    ck = torch.load(checkpoint, map_location="cpu")
    cfg = ck["config"]
    os.makedirs(out, exist_ok=True)
    sd = {k: v for k, v in ck["state_dict"].items() if k.startswith("transformer.")}
    write_safetensors(os.path.join(out, "model.safetensors"), sd, {"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, indent=1, ensure_ascii=False)
        f.write("\n")
    specials = {"bos_token": "<|begin_text|>", "eos_token": "<|end_text|>", "pad_token": "<|pad|>"}
    tok_cfg = dict(specials)
    tok_cfg.update({
        "tokenizer_class": "PreTrainedTokenizerFast",
        "add_bos_token": False,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": cfg["block_size"],
        "additional_special_tokens": [s for s in SPECIALS if s not in specials.values()],
        "chat_template": CHAT_TEMPLATE,
    })
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(tok_cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "special_tokens_map.json"), "w") as f:
        json.dump(dict(specials, additional_special_tokens=tok_cfg["additional_special_tokens"]), f, indent=2)
        f.write("\n")
    gen = {"bos_token_id": cfg["bos_token_id"], "eos_token_id": cfg["eos_token_id"],
           "pad_token_id": cfg["pad_token_id"], "do_sample": False, "max_length": cfg["block_size"],
           "transformers_version": "4.47.1"}
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump(gen, f, indent=2)
        f.write("\n")
    # round trip: what was written is what was trained
    back = read_safetensors(os.path.join(out, "model.safetensors"))
    assert set(back) == set(sd)
    for k in sd:
        assert torch.equal(back[k], sd[k].float()), k
    return sd


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    sd = export(a.checkpoint, a.out)
    print("wrote %s: %d tensors, %.2f MB" % (a.out, len(sd), os.path.getsize(os.path.join(a.out, "model.safetensors")) / 1e6))


if __name__ == "__main__":
    main()
