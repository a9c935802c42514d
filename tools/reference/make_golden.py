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
import math
import os
import sys
from dataclasses import dataclass, field, fields, replace
from typing import List, Optional, Sequence

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import huginn_format  # noqa: E402
import huginn_reference as ref  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "model", "src", "test", "resources", "golden")

# Robustness limits (the brief's, plus float32 agreement of a float32 torch run of the same code).
MIN_CHECK_MARGIN = 0.02  # |value - threshold| / threshold at every check
MIN_GREEDY_GAP = 1e-3  # top-1 minus top-2 logit, for greedy picks and every argmax-stability check
MIN_DRAW_MARGIN = 1e-6  # |u - cumulative probability| at every boundary
MIN_FILTER_MARGIN = 1e-3  # relative distance of top-k / top-p / min-p comparisons from their cut


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


# ---------------------------------------------------------------------------------------------------------------
# generations.json: adaptive generation scenarios
# ---------------------------------------------------------------------------------------------------------------

GREEDY = ref.SamplerParams()
WARM_SAMPLER = ref.SamplerParams(greedy=False, temperature=0.8)
FULL_SAMPLER = ref.SamplerParams(greedy=False, temperature=0.9, top_k=24, top_p=0.9, min_p=0.02)

THRESHOLDS = {
    "kl": [5e-4, 1e-3, 2e-4, 2e-3, 1e-4, 5e-3, 5e-5, 1e-2],
    "minp-kl": [1e-6, 1e-5, 1e-7, 1e-4, 1e-8, 3e-6, 3e-5],
    "entropy-diff": [1e-3, 3e-3, 3e-4, 1e-2, 1e-4, 3e-2],
    "latent-diff": [0.03, 0.01, 0.05, 3e-3, 0.1, 1e-3],
    "cosine": [1e-3, 1e-4, 3e-4, 3e-3, 1e-5, 1e-2],
    "argmax-stability": [3, 4, 5, 2, 6],
    "none": [None],
}
SEEDS = [1234, 7, 42, 99, 2024, 31337, 5, 77]


@dataclass
class Scenario(ref.GenerationRequest):
    """A generation request whose threshold and seed make_golden searches for (candidates), with its name, model
    and what judging it needs; the defaults differ from GenerationRequest's where noted."""
    name: str = field(kw_only=True)
    model: str = field(kw_only=True)
    kv_strategy: str = "latest-m4"
    sampler: ref.SamplerParams = GREEDY
    max_new_tokens: int = 10
    stop_after: Optional[int] = None  # derive a stop id: the token generated at this index
    thresholds: Optional[list] = None  # overrides THRESHOLDS[criterion]
    require_kv_effect: bool = False  # reject candidates whose outcome the baseline strategy reproduces
    note: str = ""

    def candidates(self):
        thresholds = self.thresholds or THRESHOLDS[self.criterion]
        seeds = SEEDS if (self.init_scale > 0 or not self.sampler.greedy) else [0]
        for thr in thresholds:  # thresholds first: prefer the criterion's usual value
            for seed in seeds:
                yield thr, seed

    def request(self, thr, seed, stop_ids=()) -> ref.GenerationRequest:
        fields_of_request = {f.name: getattr(self, f.name) for f in fields(ref.GenerationRequest)}
        return ref.GenerationRequest(**dict(fields_of_request, prompt=list(self.prompt), threshold=thr, seed=seed,
                                            stop_token_ids=tuple(stop_ids)))


P1 = [90, 12, 45, 7, 33]  # tiny-random (V=96), starts with bos 90
P2 = [90, 3, 71, 28, 64, 19, 50, 8, 77]
U1 = [74, 10, 52, 31, 6]  # tiny-random-untied (V=80), starts with bos 74
U2 = [74, 40, 2, 66, 23, 58, 14]

SCENARIOS = [
    # every criterion (tiny-random, greedy, s0 = 0 unless noted)
    Scenario(P1, "kl", name="kl-full", model="tiny-random", kv_strategy="full"),
    Scenario(P1, "kl", name="kl-latest-m4", model="tiny-random", require_kv_effect=True),
    Scenario(P2, "minp-kl", name="minp-kl-latest-m4", model="tiny-random"),
    Scenario(P2, "entropy-diff", name="entropy-diff-skip", model="tiny-random", kv_strategy="skip"),
    Scenario(P1, "latent-diff", name="latent-diff-latest-m4-init1", model="tiny-random", init_scale=1.0),
    Scenario(P2, "cosine", name="cosine-always-last-m4", model="tiny-random", kv_strategy="always-last-m4",
             require_kv_effect=True),
    Scenario(P1, "argmax-stability", name="argmax-stability-latest-m4", model="tiny-random"),
    Scenario(P1, "none", name="none-fixed-8", model="tiny-random", kv_strategy="full", max_steps=8,
             note="criterion none: every token runs max_steps"),
    Scenario(P2, "none", name="none-fixed-32-init1", model="tiny-random", kv_strategy="latest-m4", init_scale=1.0,
             max_new_tokens=6),
    # KV strategies: compression (storage) and combinations
    Scenario(P2, "kl", name="kl-latest-m4-compress-s16", model="tiny-random", kv_strategy="latest-m4-compress-s16"),
    Scenario(P1, "kl", name="kl-latest-m4-compress-s32", model="tiny-random", kv_strategy="latest-m4-compress-s32",
             thresholds=[1e-3, 2e-3, 5e-4, 5e-3], require_kv_effect=True,
             note="exits on both sides of 8 iterations leave holes in the 32 shared slots, so the lookup matters"),
    Scenario(P1, "latent-diff", name="latent-diff-compress-s4", model="tiny-random", kv_strategy="compress-s4"),
    Scenario(P1, "kl", name="kl-compress-s16", model="tiny-random", kv_strategy="compress-s16"),
    Scenario(P2, "entropy-diff", name="entropy-diff-compress-r4", model="tiny-random", kv_strategy="compress-r4"),
    Scenario(P1, "kl", name="kl-latest-m4-compress-anchor", model="tiny-random",
             kv_strategy="latest-m4-compress-anchor",
             thresholds=[1e-3, 2e-3, 5e-4, 1e-4, 5e-5], require_kv_effect=True,
             note="exits on both sides of the 8 anchored iterations, so the shared slots have holes"),
    Scenario(P2, "latent-diff", name="latent-diff-compress-anchor", model="tiny-random", kv_strategy="compress-anchor",
             thresholds=[3e-3, 1e-3, 5e-3, 3e-4, 1e-2]),
    Scenario(P2, "kl", name="kl-skip-init1", model="tiny-random", kv_strategy="skip", init_scale=1.0),
    # samplers and warm start
    Scenario(P1, "kl", name="kl-latest-m4-sample-full", model="tiny-random", init_scale=1.0, sampler=FULL_SAMPLER,
             max_new_tokens=12),
    Scenario(P2, "entropy-diff", name="entropy-diff-full-sample-temp", model="tiny-random", kv_strategy="full",
             sampler=WARM_SAMPLER),
    Scenario(P1, "latent-diff", name="latent-diff-warm-start", model="tiny-random", warm_start=True, init_scale=1.0),
    Scenario(P2, "kl", name="kl-warm-start-sample", model="tiny-random", warm_start=True, sampler=WARM_SAMPLER,
             init_scale=1.0),
    # exit rule options
    Scenario(P2, "kl", name="kl-exit-in-prefill", model="tiny-random", exit_in_prefill=True),
    Scenario(P1, "latent-diff", name="latent-diff-exit-in-prefill-init1", model="tiny-random", exit_in_prefill=True,
             init_scale=1.0),
    Scenario(P1, "kl", name="kl-min3-every2", model="tiny-random", min_steps=3, check_every=2, max_steps=20),
    Scenario(P2, "argmax-stability", name="argmax-min2-every2-max15", model="tiny-random", min_steps=2, check_every=2,
             max_steps=15, note="max_steps 15 with checks at 3,5,..,15; a forced exit uses the last state"),
    Scenario(P1, "cosine", name="cosine-every3-max16", model="tiny-random", check_every=3, max_steps=16,
             kv_strategy="full",
             note="check_every 3 and max_steps 16: the last step (16) is checked, 15 would not be"),
    Scenario(P2, "kl", name="kl-stop-token", model="tiny-random", stop_after=4, max_new_tokens=12,
             note="stop_token_ids holds the token generated 5th: it is emitted and generation ends"),
    # the other layout: P=1, R=3, C=1, untied head, no qk_bias ('-m4' = same core layer = modulo R)
    Scenario(U1, "kl", name="untied-kl-latest-m4", model="tiny-random-untied", require_kv_effect=True),
    Scenario(U1, "kl", name="untied-kl-full", model="tiny-random-untied", kv_strategy="full"),
    Scenario(U2, "latent-diff", name="untied-latent-diff-always-last-m4", model="tiny-random-untied",
             kv_strategy="always-last-m4", init_scale=1.0),
    Scenario(U2, "entropy-diff", name="untied-entropy-latest-m4-compress-s6", model="tiny-random-untied",
             kv_strategy="latest-m4-compress-s6"),
    Scenario(U1, "kl", name="untied-kl-latest-m4-compress-anchor", model="tiny-random-untied",
             kv_strategy="latest-m4-compress-anchor", thresholds=[5e-5, 2e-5, 1e-5, 1e-4, 5e-6]),
    Scenario(U1, "cosine", name="untied-cosine-compress-r3", model="tiny-random-untied", kv_strategy="compress-r3"),
    Scenario(U2, "minp-kl", name="untied-minp-kl-skip-sample", model="tiny-random-untied", kv_strategy="skip",
             sampler=FULL_SAMPLER, init_scale=1.0),
    Scenario(U1, "argmax-stability", name="untied-argmax-warm-start", model="tiny-random-untied", warm_start=True,
             init_scale=1.0),
]


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
