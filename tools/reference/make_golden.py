"""Writes Muninn's golden parity fixtures from the float64 reference (huginn_reference.py).

    /usr/bin/python3 tools/reference/make_golden.py [--out DIR]

Output (default model/src/test/resources/golden/):
    tiny-random/{config.json, model.safetensors, logits.json}           P=2, R=4, C=2, tied head, qk_bias
    tiny-random-untied/{config.json, model.safetensors, logits.json}    P=1, R=3, C=1, untied head, no qk_bias
    generations.json                                                    adaptive generation scenarios, both models

Every scenario is searched over a short, fixed list of thresholds and seeds; the first candidate whose every
decision is robust is written (see `robustness_problems`), so the Java engine, which runs float32, must reproduce
the tokens and exit steps exactly. The search is deterministic, so every run writes the same bytes.
"""
import argparse
import json
import os
import sys
from dataclasses import replace
from typing import List, Optional

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import huginn_reference as ref  # noqa: E402
from golden_models import MODELS, ModelSpec, write_model  # noqa: E402,F401 (tests use make_golden.MODELS)
from golden_scenarios import SCENARIOS, Scenario  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "model", "src", "test", "resources", "golden")

# Robustness limits (the brief's, plus float32 agreement of a float32 torch run of the same code).
MIN_CHECK_MARGIN = 0.02  # |value - threshold| / threshold at every check
MIN_GREEDY_GAP = 1e-3  # top-1 minus top-2 logit, for greedy picks and every argmax-stability check
MIN_DRAW_MARGIN = 1e-6  # |u - cumulative probability| at every boundary
MIN_FILTER_MARGIN = 1e-3  # relative distance of top-k / top-p / min-p comparisons from their cut


# ---------------------------------------------------------------------------------------------------------------
# logits.json: fresh fixed-step forwards
# ---------------------------------------------------------------------------------------------------------------

LOGIT_STEPS = [1, 2, 4, 8, 32]
LOGIT_INITS = [(0.0, 0), (1.0, 1234)]  # (init_scale, seed)


def logit_sequences(vocab: int) -> List[List[int]]:
    rs = np.random.RandomState(vocab)
    bos = vocab - 6
    return [[bos], [bos] + rs.randint(0, vocab - 6, 4).tolist(), [bos] + rs.randint(0, vocab - 6, 16).tolist()]


def g9(x: float) -> float:
    """Nine significant digits: every float32 round-trips, and the file stays small."""
    return float(f"{x:.9g}")


def write_logits(spec: ModelSpec, m64: ref.HuginnModel, m32: ref.HuginnModel, out_dir: str) -> dict:
    cases, worst = [], 0.0
    for ids in logit_sequences(spec.vocab):
        for init_scale, seed in LOGIT_INITS:
            for steps in LOGIT_STEPS:
                logits = m64.forward(ids, steps, init_scale, seed)
                diff = float((m32.forward(ids, steps, init_scale, seed).double() - logits).abs().max())
                worst = max(worst, diff)
                cases.append({"tokens": ids, "num_steps": steps, "init_scale": init_scale, "seed": seed,
                              "float32_max_abs_diff": g9(diff),
                              "logits": [[g9(x) for x in row] for row in logits.tolist()]})
    doc = {
        "comment": "Fresh forward of the whole sequence (no cache reuse) with num_steps recurrence steps; logits of "
                   "every position, float64 reference rounded to 9 significant digits. s0 per muninn_rng (zero when "
                   "init_scale is 0). float32_max_abs_diff: the same code run in torch float32 (tolerance guidance).",
        "model": spec.name,
        "float32_max_abs_diff": g9(worst),
        "cases": cases,
    }
    with open(os.path.join(out_dir, spec.name, "logits.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    return {"model": spec.name, "cases": len(cases), "float32_max_abs_diff": worst}


def robustness_problems(res: ref.GenerationResult, sc: Scenario) -> List[str]:
    problems = []
    for i, r in enumerate(res.records):
        for (step, value), margin in zip(r.checks, r.check_margins):
            if margin < MIN_CHECK_MARGIN:
                problems.append(f"token {i} check at step {step}: value {value:.6g} within {margin:.3%} of threshold")
        if sc.criterion == "argmax-stability":
            if r.check_gaps and min(r.check_gaps) < MIN_GREEDY_GAP:
                problems.append(f"token {i}: argmax gap {min(r.check_gaps):.3g} at a check")
        s = r.sample
        if s.greedy_gap is not None and s.greedy_gap < MIN_GREEDY_GAP:
            problems.append(f"token {i}: greedy gap {s.greedy_gap:.3g}")
        if s.draw_margin is not None and s.draw_margin < MIN_DRAW_MARGIN:
            problems.append(f"token {i}: draw within {s.draw_margin:.3g} of a boundary")
        if s.filter_margin is not None and s.filter_margin < MIN_FILTER_MARGIN:
            problems.append(f"token {i}: a sampling filter comparison within {s.filter_margin:.3g} of its cut")
    if sc.criterion != "none" and len(set(res.exit_steps)) < 2:
        problems.append(f"exit steps do not vary: {res.exit_steps}")
    return problems


def achieved_margins(res: ref.GenerationResult, sc: Scenario) -> dict:
    def smallest(values):
        values = [v for v in values if v is not None and v != float("inf")]
        return g9(min(values)) if values else None

    return {
        "min_check_relative_margin": smallest(m for r in res.records for m in r.check_margins),
        "min_argmax_gap_at_checks": smallest(g for r in res.records for g in r.check_gaps
                                             if sc.criterion == "argmax-stability"),
        "min_minp_filter_relative_margin": smallest(m for r in res.records for m in r.check_filter_margins),
        "min_greedy_gap": smallest(r.sample.greedy_gap for r in res.records),
        "min_draw_margin": smallest(r.sample.draw_margin for r in res.records),
        "min_filter_relative_margin": smallest(r.sample.filter_margin for r in res.records),
    }


def baseline_strategy(strategy: str) -> Optional[str]:
    """The strategy this one is compared with: its compression alone (lookup `full`), or `full` for compression."""
    if strategy in ("full", "skip"):
        return None
    if "compress-" in strategy:
        bare = "compress-" + strategy.split("compress-")[1]
        return bare if bare != strategy else "full"
    return "full"


def kv_effect(m64, sc: Scenario, thr, seed, stop_ids, res: ref.GenerationResult) -> Optional[dict]:
    """How the scenario's KV strategy changed the outcome relative to its baseline (informative)."""
    base = baseline_strategy(sc.kv_strategy)
    if base is None:
        return None
    other = ref.generate(m64, replace(sc.request(thr, seed, stop_ids), kv_strategy=base))
    return {"baseline": base,
            "tokens_or_exit_steps_differ": other.tokens != res.tokens or other.exit_steps != res.exit_steps,
            "max_criterion_value_relative_difference": relative_difference(res.criterion_values,
                                                                           other.criterion_values)}


def relative_difference(values, reference_values) -> Optional[float]:
    rel = [abs(a - b) / max(abs(b), 1e-300) for a, b in zip(values, reference_values)
           if a is not None and b is not None]
    return g9(max(rel)) if rel else None


def visible_effect(effect: Optional[dict]) -> bool:
    """A wrong lookup would change tokens, exit steps or criterion values far beyond float32 noise."""
    if effect is None:
        return False
    rel = effect["max_criterion_value_relative_difference"]
    return effect["tokens_or_exit_steps_differ"] or (rel is not None and rel > 1e-3)


def value_json(v):
    if v is None:
        return None
    return v if isinstance(v, int) else g9(v)


def solve(sc: Scenario, models64, models32) -> dict:
    """First robust (threshold, seed) candidate; raises with every rejection reason when none is."""
    m64, m32 = models64[sc.model], models32[sc.model]
    rejections = []
    for thr, seed in sc.candidates():
        stop_ids = ()
        res = ref.generate(m64, sc.request(thr, seed))
        if sc.stop_after is not None:
            stop_tok = res.tokens[sc.stop_after]
            if stop_tok in res.tokens[:sc.stop_after]:
                rejections.append(f"thr={thr} seed={seed}: stop token {stop_tok} appears earlier")
                continue
            stop_ids = (stop_tok,)
            res = ref.generate(m64, sc.request(thr, seed, stop_ids))
        problems = robustness_problems(res, sc)
        effect = kv_effect(m64, sc, thr, seed, stop_ids, res)
        if sc.require_kv_effect and not visible_effect(effect):
            problems.append(f"outcome too close to kv strategy {effect['baseline']}'s: {effect}")
        res32 = None
        if not problems:
            res32 = ref.generate(m32, sc.request(thr, seed, stop_ids))
            if res32.tokens != res.tokens or res32.exit_steps != res.exit_steps:
                problems.append(f"float32 run differs: {res32.tokens}/{res32.exit_steps}")
        if problems:
            rejections.append(f"thr={thr} seed={seed}: " + "; ".join(problems[:3]))
            continue
        req = sc.request(thr, seed, stop_ids)
        out = {
            "name": sc.name,
            "model": sc.model,
            "inputs": {
                "prompt": req.prompt,
                "criterion": req.criterion,
                "threshold": req.threshold,
                "kv_strategy": req.kv_strategy,
                "min_steps": req.min_steps,
                "max_steps": req.max_steps,
                "check_every": req.check_every,
                "exit_in_prefill": req.exit_in_prefill,
                "init_scale": req.init_scale,
                "seed": req.seed,
                "sampler": req.sampler.to_json(),
                "warm_start": req.warm_start,
                "max_new_tokens": req.max_new_tokens,
                "stop_token_ids": list(req.stop_token_ids),
            },
            "expected": {
                "tokens": res.tokens,
                "exit_steps": res.exit_steps,
                "criterion_values": [value_json(v) for v in res.criterion_values],
            },
            "checks": {
                "margins": achieved_margins(res, sc),
                "distinct_exit_steps": len(set(res.exit_steps)),
                "kv_hole_lookups": res.kv_hole_lookups,
                "candidates_rejected": len(rejections),
                "float32_torch_run_agrees": True,
                "float32_torch_max_criterion_value_relative_difference": relative_difference(
                    res32.criterion_values, res.criterion_values),
                "vs_baseline_kv_strategy": effect,
            },
            "trace": [[[step, value_json(v)] for step, v in r.checks] for r in res.records],
        }
        if sc.note:
            out["note"] = sc.note
        return out
    raise RuntimeError(f"scenario {sc.name}: no robust candidate\n  " + "\n  ".join(rejections))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", help="comma-separated scenario names (for tuning; skips writing generations.json)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    models64, models32 = {}, {}
    for spec in MODELS:
        models64[spec.name], models32[spec.name] = write_model(spec, args.out)
        if not args.only:
            print(json.dumps(write_logits(spec, models64[spec.name], models32[spec.name], args.out)), flush=True)

    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only.split(",")]
    names = [s.name for s in SCENARIOS]
    assert len(set(names)) == len(names), "scenario names must be unique"
    results = []
    for sc in chosen:
        r = solve(sc, models64, models32)
        results.append(r)
        print(f"{sc.name:40s} thr={r['inputs']['threshold']} seed={r['inputs']['seed']} "
              f"tokens={r['expected']['tokens']} exits={r['expected']['exit_steps']} "
              f"margins={r['checks']['margins']} holes={r['checks']['kv_hole_lookups']}", flush=True)
    if args.only:
        return
    doc = {
        "comment": "Adaptive generation scenarios written by tools/reference/make_golden.py; see README.md. "
                   "criterion_values: the last value computed for each token (null when no check ran). "
                   "trace: per token, every check as [exit step if it exited there, value]. "
                   "checks: robustness margins achieved (informative; not inputs).",
        "robustness_limits": {"min_check_relative_margin": MIN_CHECK_MARGIN, "min_greedy_gap": MIN_GREEDY_GAP,
                              "min_draw_margin": MIN_DRAW_MARGIN, "min_filter_relative_margin": MIN_FILTER_MARGIN},
        "scenarios": results,
    }
    with open(os.path.join(args.out, "generations.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
