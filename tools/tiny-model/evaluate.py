"""Evaluate an exported model on its eval set: exact-match accuracy and exit steps per difficulty level, at fixed
recurrence depths and with the KL exit, through the per-token exit loop of infer.py (Muninn's semantics).

    /usr/bin/python3 tools/tiny-model/evaluate.py models/huginn-tiny-chains

Reads the files Java reads (config.json, model.safetensors, eval.jsonl); writes eval_python.json and prints the
markdown tables that the model README carries.
"""
import argparse
import json
import os
import sys
import time
from collections import defaultdict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402
from export import read_safetensors  # noqa: E402
from infer import Generator  # noqa: E402

FIXED_DEPTHS = (1, 2, 4, 8, 16, 32)


def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    cfg = M.Config(n_embd=c["n_embd"], n_heads=c["n_heads"], n_layers_in_prelude=c["n_layers_in_prelude"],
                   n_layers_in_recurrent_block=c["n_layers_in_recurrent_block"],
                   n_layers_in_coda=c["n_layers_in_coda"], intermediate_size=c["intermediate_size"],
                   vocab_size=c["padded_vocab_size"], block_size=c["block_size"], norm_eps=c["norm_eps"],
                   rope_base=c["rope_base"], mean_recurrence=c["mean_recurrence"],
                   mean_backprop_depth=c.get("mean_backprop_depth", 4), bos_token_id=c["bos_token_id"],
                   eos_token_id=c["eos_token_id"], pad_token_id=c["pad_token_id"])
    m = M.RecurrentDepthLM(cfg)
    sd = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    missing, unexpected = m.load_state_dict(sd, strict=False)
    assert not unexpected and not missing, (missing, unexpected)
    m.eval()
    return m


def run(model, examples, max_steps, criterion, threshold, init_scale, seed, batch, exit_in_prefill=False):
    """Per example: (correct, steps per generated token)."""
    stop = set(model.cfg.eos_token_id)
    results = []
    for i in range(0, len(examples), batch):
        chunk = examples[i:i + batch]
        by_len = defaultdict(list)
        for j, ex in enumerate(chunk):
            by_len[len(ex["prompt_ids"])].append(j)
        res = [None] * len(chunk)
        for _, idx in by_len.items():
            gen = Generator(model, max_steps, criterion, threshold, exit_in_prefill=exit_in_prefill,
                            init_scale=init_scale, seed=seed)
            n_new = max(len(chunk[j]["answer_ids"]) for j in idx)
            toks, steps = gen.generate([chunk[j]["prompt_ids"] for j in idx], n_new, stop)
            for j, t, s in zip(idx, toks, steps):
                res[j] = (t == chunk[j]["answer_ids"], s)
        results.extend(res)
    return results


def summarize(examples, results):
    levels = sorted({ex["difficulty"] for ex in examples})
    out = {"overall": {}, "by_difficulty": {}}

    def stats(pairs):
        n = len(pairs)
        acc = sum(c for c, _ in pairs) / n
        all_steps = [x for _, s in pairs for x in s]
        dec_steps = [x for _, s in pairs for x in s[1:]]
        return {"n": n, "accuracy": acc, "mean_steps": sum(all_steps) / len(all_steps),
                "mean_steps_decoded": (sum(dec_steps) / len(dec_steps)) if dec_steps else None}

    out["overall"] = stats(results)
    for d in levels:
        out["by_difficulty"][d] = stats([r for ex, r in zip(examples, results) if ex["difficulty"] == d])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model_dir")
    p.add_argument("--eval-set", default=None, help="default: <model_dir>/eval.jsonl")
    p.add_argument("--threshold", type=float, default=5e-4)
    p.add_argument("--max-steps", type=int, default=32)
    p.add_argument("--init-scale", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0, help="request seed of the counter RNG for s0")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--exit-in-prefill", action="store_true",
                   help="let the criterion end the prefill too (decided on the last prompt position)")
    p.add_argument("--out", default=None, help="default: <model_dir>/eval_python.json")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    M.FAST_LINEAR = True
    model = load_model(a.model_dir)
    with open(a.eval_set or os.path.join(a.model_dir, "eval.jsonl")) as f:
        examples = [json.loads(line) for line in f]
    report = {"settings": {"threshold": a.threshold, "max_steps": a.max_steps, "init_scale": a.init_scale,
                           "seed": a.seed, "kv": "latest-m4", "exit_in_prefill": a.exit_in_prefill, "greedy": True},
              "fixed": {}, "kl": None}
    t0 = time.time()
    for r in FIXED_DEPTHS:
        report["fixed"][r] = summarize(examples, run(model, examples, r, "none", 0, a.init_scale, a.seed, a.batch))
        print("fixed r=%d acc %.3f (%.0fs)" % (r, report["fixed"][r]["overall"]["accuracy"], time.time() - t0),
              flush=True)
    report["kl"] = summarize(examples, run(model, examples, a.max_steps, "kl", a.threshold, a.init_scale, a.seed,
                                           a.batch, a.exit_in_prefill))
    print("kl acc %.3f mean steps %.2f (%.0fs)" % (report["kl"]["overall"]["accuracy"],
                                                   report["kl"]["overall"]["mean_steps"], time.time() - t0))
    with open(a.out or os.path.join(a.model_dir, "eval_python.json"), "w") as f:
        json.dump(report, f, indent=1)
    print()
    print(markdown(report))


def markdown(rep):
    levels = sorted(rep["kl"]["by_difficulty"], key=int)
    lines = ["| difficulty | " + " | ".join("r=%s" % r for r in rep["fixed"]) + " | KL exit | KL mean steps |"
             + " KL mean steps (decoded tokens) |",
             "|---|" + "---|" * (len(rep["fixed"]) + 3)]
    for d in levels + ["all"]:
        def get(sec):
            return sec["overall"] if d == "all" else sec["by_difficulty"][d]
        cells = ["%.1f" % (100 * get(v)["accuracy"]) for v in rep["fixed"].values()]
        k = get(rep["kl"])
        cells += ["%.1f" % (100 * k["accuracy"]), "%.2f" % k["mean_steps"], "%.2f" % k["mean_steps_decoded"]]
        lines.append("| %s | %s |" % (d, " | ".join(cells)))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
