"""The adaptive generation scenarios of generations.json (make_golden.py): what each covers, the thresholds and
seeds make_golden searches for it, and the samplers they use.
"""
from dataclasses import dataclass, field, fields
from typing import Optional

import huginn_reference as ref

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
