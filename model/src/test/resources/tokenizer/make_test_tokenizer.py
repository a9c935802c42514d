#!/usr/bin/env python3
"""Writes byte-level-bpe/tokenizer.json, the byte-level BPE that the tokenizer tests load.

Shaped like Huginn's tokenizer: model BPE without unk or byte fallback, pre-tokenizer
Sequence[Split(Regex, Removed, invert=True), ByteLevel(add_prefix_space=False, use_regex=False)], decoder ByteLevel,
no normalizer, the six Huginn special tokens after the merged tokens. The regex is a small one written for these
tests (not Huginn's): letters with their combining marks, single digits, punctuation runs, whitespace.
The post-processor appends <|end_text|> as Huginn's add_special_tokens=True appears to; Muninn never asks for it.

Ids: 0..255 are the bytes (id == byte value), 256.. the merges in rank order, then the specials.
byte-level-bpe/tokenizer_config.json is written by hand: Huginn's bos/eos/pad tokens and its chat template (on one line as
on the hub); rendered with jinja2 it gives the string ChatTemplateTest expects.

Run `python3 make_test_tokenizer.py --ids TEXT...` to print the ids a naive BPE (merges applied lowest rank first)
gives for TEXT; the tests assert the same ids from the real Hugging Face tokenizer.
"""
import json
import pathlib
import sys

import regex

PATTERN = r"[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{N}\p{M}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

MERGES = [
    ("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"),
    ("Ġ", "w"), ("o", "r"), ("Ġw", "or"), ("l", "d"), ("Ġwor", "ld"),
    ("e", "l"),
    ("Ġ", "t"), ("Ġt", "he"),
    ("Ã", "©"),            # é (C3 A9): one whole two-byte character
    ("ð", "Ł"),            # F0 9F: the first half of a four-byte emoji
    ("ðŁ", "Ļ"),           # F0 9F 99: three quarters of 🙂
    ("ä", "¸"),            # E4 B8: two thirds of 中
    ("Ń", "æ"),            # AD E6: the last byte of 中 with the first byte of 文
    ("e", "Ì"),            # 65 CC: e with the first byte of U+0301 COMBINING ACUTE ACCENT
    ("Ċ", "Ċ"),            # "\n\n"
    ("Ġ", "c"), ("a", "t"), ("Ġc", "at"),
]

SPECIALS = ["<|begin_text|>", "<|end_text|>", "<|begin_header|>", "<|end_header|>", "<|end_turn|>", "<|pad|>"]


def byte_alphabet():
    """GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the rest for U+0100 onwards."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = {b: chr(b) for b in printable}
    shifted = 0
    for b in range(256):
        if b not in chars:
            chars[b] = chr(256 + shifted)
            shifted += 1
    return chars


def vocabulary():
    alphabet = byte_alphabet()
    vocab = {alphabet[b]: b for b in range(256)}
    for left, right in MERGES:
        assert left in vocab and right in vocab, (left, right)
        vocab[left + right] = len(vocab)
    return vocab


def tokenizer_json():
    vocab = vocabulary()
    first_special = len(vocab)
    end_text = first_special + SPECIALS.index("<|end_text|>")
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": first_special + i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for i, s in enumerate(SPECIALS)
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": PATTERN}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        ]},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "<|end_text|>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "<|end_text|>", "type_id": 1}}],
            "special_tokens": {"<|end_text|>": {"id": "<|end_text|>", "ids": [end_text], "tokens": ["<|end_text|>"]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": vocab,
            "merges": [f"{left} {right}" for left, right in MERGES],
        },
    }


def naive_ids(text):
    """Byte-level BPE by the book: split by the regex, map bytes to the alphabet, merge the lowest-ranked pair."""
    alphabet, vocab = byte_alphabet(), vocabulary()
    ranks = {pair: rank for rank, pair in enumerate(MERGES)}
    specials = {s: len(vocab) + i for i, s in enumerate(SPECIALS)}
    ids = []
    for part in regex.split("(" + "|".join(map(regex.escape, SPECIALS)) + ")", text):
        if part in specials:
            ids.append(specials[part])
            continue
        for word in regex.findall(PATTERN, part):
            symbols = [alphabet[b] for b in word.encode("utf-8")]
            while True:
                pairs = [(ranks.get((a, b), len(ranks)), i) for i, (a, b) in enumerate(zip(symbols, symbols[1:]))]
                rank, i = min(pairs, default=(len(ranks), -1))
                if rank == len(ranks):
                    break
                symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
            ids.extend(vocab[s] for s in symbols)
    return ids


if __name__ == "__main__":
    if sys.argv[1:2] == ["--ids"]:
        for text in sys.argv[2:]:
            print(json.dumps(text, ensure_ascii=False), naive_ids(text))
    else:
        out = pathlib.Path(__file__).parent / "byte-level-bpe" / "tokenizer.json"
        out.write_text(json.dumps(tokenizer_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out}")
