"""Self-checks of the float64 reference. Run from the repository root:

    /usr/bin/python3 -m unittest discover -s tools/reference -p 'test_*.py'
"""
import json
import math
import os
import sys
import tempfile
import unittest
from dataclasses import replace

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import huginn_reference as ref  # noqa: E402
import make_golden  # noqa: E402
import muninn_rng  # noqa: E402

GOLDEN = make_golden.DEFAULT_OUT
torch.set_num_threads(1)


def build(spec: make_golden.ModelSpec, dtype=torch.float64) -> ref.HuginnModel:
    cfg_json = spec.config_json()
    config = ref.Config.from_json(cfg_json)
    return ref.HuginnModel(config, spec.weights(config), dtype)


TIED, UNTIED = make_golden.MODELS
MODEL = build(TIED)
MODEL_UNTIED = build(UNTIED)


class CheckpointTest(unittest.TestCase):
    def test_safetensors_round_trip_is_exact(self):
        weights = TIED.weights(MODEL.config)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.safetensors")
            ref.write_safetensors(path, weights, {"format": "pt"})
            with open(path, "rb") as f:
                header_len = int.from_bytes(f.read(8), "little")
            self.assertEqual(header_len % 8, 0, "header padded to a multiple of 8")
            back = ref.read_safetensors(path)
        self.assertEqual(list(back), list(weights))
        for name in weights:
            self.assertTrue(torch.equal(back[name], weights[name]), name)

    def test_untied_head_is_used_and_tied_head_is_wte(self):
        self.assertIs(MODEL.head, MODEL.w["transformer.wte.weight"])
        self.assertIs(MODEL_UNTIED.head, MODEL_UNTIED.w["lm_head.weight"])
        self.assertFalse(torch.equal(MODEL_UNTIED.head, MODEL_UNTIED.w["transformer.wte.weight"]))

    def test_config_refuses_unsupported_values(self):
        bad = dict(TIED.config_json(), bias=True)
        with self.assertRaisesRegex(ValueError, "bias"):
            ref.Config.from_json(bad)


class BuildingBlockTest(unittest.TestCase):
    def test_rope_preserves_norms_and_depends_on_relative_position(self):
        torch.manual_seed(0)
        q = torch.randn(1, MODEL.config.n_heads, MODEL.config.head_dim, dtype=torch.float64)
        k = torch.randn(1, MODEL.config.n_heads, MODEL.config.head_dim, dtype=torch.float64)
        self.assertTrue(torch.allclose(MODEL.rope(q, [7]).norm(dim=-1), q.norm(dim=-1), atol=1e-12))
        dot = lambda i, j: (MODEL.rope(q, [i]) * MODEL.rope(k, [j])).sum(-1)  # noqa: E731
        self.assertTrue(torch.allclose(dot(3, 1), dot(12, 10), atol=1e-10))
        self.assertFalse(torch.allclose(dot(3, 1), dot(3, 2), atol=1e-6))

    def test_rope_rotates_interleaved_pairs(self):
        x = torch.zeros(1, 1, MODEL.config.head_dim, dtype=torch.float64)
        x[0, 0, 2], x[0, 0, 3] = 1.0, 0.0  # pair i = 1
        out = MODEL.rope(x, [5])
        angle = 5 / MODEL.config.rope_base ** (2 / MODEL.config.head_dim)
        self.assertAlmostEqual(float(out[0, 0, 2]), math.cos(angle), places=12)
        self.assertAlmostEqual(float(out[0, 0, 3]), math.sin(angle), places=12)

    def test_initial_state_follows_muninn_rng(self):
        c = MODEL.config
        self.assertTrue(torch.equal(MODEL.initial_state([0, 3], 0.0, 99), torch.zeros(2, c.n_embd,
                                                                                      dtype=torch.float64)))
        s = MODEL.initial_state([4], 1.0, 99)
        z = muninn_rng.truncated_normal(99, 4, 5)
        self.assertAlmostEqual(float(s[0, 5]), float(torch.tensor(z * c.init_std * c.embed_scale,
                                                                  dtype=torch.float32)), places=15)


class ForwardTest(unittest.TestCase):
    def test_prefix_logits_do_not_depend_on_later_tokens(self):
        ids = [90, 12, 45, 7, 33, 60]
        full = MODEL.forward(ids, 4, 1.0, 5)
        prefix = MODEL.forward(ids[:3], 4, 1.0, 5)
        self.assertLess(float((full[:3] - prefix).abs().max()), 1e-12)

    def test_float64_and_float32_agree(self):
        ids = [70, 12, 45, 7, 33, 60, 2, 61, 19]
        for spec, m64 in ((TIED, MODEL), (UNTIED, MODEL_UNTIED)):
            m32 = build(spec, torch.float32)
            for steps in (1, 8, 32):
                diff = (m32.forward(ids, steps, 1.0, 3).double() - m64.forward(ids, steps, 1.0, 3)).abs().max()
                self.assertLess(float(diff), 1e-4, f"{spec.name} steps={steps}")


class KVCacheTest(unittest.TestCase):
    def test_storage_slots_match_the_reference_literally_for_the_2_4_layout(self):
        for n in (4, 8, 16):
            cache = ref.KVCache(f"latest-m4-compress-s{n}", 2, 4)
            for s in range(2, 130):
                self.assertEqual(cache.storage_slot(s), (s - 2) % n + 2)
            cache = ref.KVCache(f"compress-r{n}", 2, 4)
            for s in range(2, 130):
                self.assertEqual(cache.storage_slot(s), (s - 2) // n + 2)
        anchor = ref.KVCache("compress-anchor", 2, 4)
        for s in range(2, 130):
            self.assertEqual(anchor.storage_slot(s), s if s - 2 < 32 else 34 + (s - 34) % 4)
        for s in (-2, -1, 0, 1):
            self.assertEqual(anchor.storage_slot(s), s)

    def test_same_layer_rule_is_modulo_r_after_the_prelude(self):
        cache = ref.KVCache("latest-m4", 2, 4)
        for s in range(2, 40):
            for t in range(2, 40):
                self.assertEqual(cache._same_layer(s, t), s % 4 == t % 4)
        odd = ref.KVCache("latest-m4", 1, 3)
        self.assertTrue(odd._same_layer(1 + 3 * 5 + 2, 1 + 2))
        self.assertFalse(odd._same_layer(1 + 3 * 5 + 2, 1 + 1))

    def test_lookups_when_an_earlier_token_exited_early(self):
        # P=1, R=2. Position 0 ran 1 iteration (slots 1, 2), position 1 runs 3 iterations (slots 1..6).
        def kv(value):
            return torch.full((1, 1, 2), float(value))

        def run(strategy):
            cache, seen = ref.KVCache(strategy, 1, 2), []
            for pos, slots in ((0, [0, 1, 2]), (1, [0, 1, 2, 3, 4, 5, 6])):
                for slot in slots:
                    k, _ = cache.update(kv(10 * pos + slot), kv(0), slot, [pos])
                    seen.append((pos, slot, k.flatten().tolist()[::2]))
            return {(p, s): keys for p, s, keys in seen}

        latest = run("latest-m4")
        self.assertEqual(latest[(1, 5)], [1.0, 15.0])  # same layer (layer 0) as slot 1
        self.assertEqual(latest[(1, 6)], [2.0, 16.0])  # layer 1: slot 2
        full = run("full")
        self.assertEqual(full[(1, 5)], [15.0])  # holes are skipped
        self.assertEqual(full, run("skip"))

    def test_always_last_may_read_deeper_than_the_current_slot(self):
        # P=1, R=1: slot 1 + t is iteration t. Position 0 ran 3 iterations, position 1 one, position 2 is current.
        def run(strategy):
            cache = ref.KVCache(strategy, 1, 1)
            t = lambda v: torch.full((1, 1, 1), float(v))  # noqa: E731
            for pos, slots in ((0, (0, 1, 2, 3)), (1, (0, 1)), (2, (0, 1))):
                for slot in slots:
                    cache.update(t(100 * pos + slot), t(0), slot, [pos])
            k, _ = cache.update(t(202), t(0), 2, [2])  # position 1 lacks slot 2
            return k.flatten().tolist()

        self.assertEqual(run("always-last-m4"), [3.0, 101.0, 202.0])  # position 0 read at its deepest slot
        self.assertEqual(run("latest-m4"), [2.0, 101.0, 202.0])
        self.assertEqual(run("skip"), [2.0, 202.0])


class GenerationTest(unittest.TestCase):
    PROMPT = [90, 12, 45, 7, 33]

    def fixed(self, strategy, steps=4, init_scale=1.0):
        return ref.generate(MODEL, ref.GenerationRequest(prompt=self.PROMPT, criterion="none", kv_strategy=strategy,
                                                         max_steps=steps, init_scale=init_scale, seed=11,
                                                         max_new_tokens=5))

    def test_cached_incremental_decoding_equals_fresh_forwards(self):
        for strategy in ("full", "latest-m4", "always-last-m4", "skip"):
            res = self.fixed(strategy)
            seq = list(self.PROMPT)
            for r in res.records:
                fresh = MODEL.forward(seq, 4, 1.0, 11)[-1]
                self.assertLess(float((fresh - r.logits).abs().max()), 1e-10, strategy)
                self.assertEqual(r.exit_step, 4)
                seq.append(r.token)

    def test_full_and_latest_m4_agree_when_every_token_ran_the_same_steps(self):
        a, b = self.fixed("full", 6), self.fixed("latest-m4", 6)
        self.assertEqual(a.tokens, b.tokens)
        for x, y in zip(a.records, b.records):
            self.assertTrue(torch.equal(x.logits, y.logits))

    def test_compress_s_with_one_iteration_of_slots_changes_nothing_when_steps_fit(self):
        a, b = self.fixed("full", 4), self.fixed("compress-s16", 4)  # 4 iterations x R=4 = 16 slots: no reuse
        self.assertEqual(a.tokens, b.tokens)

    def test_adaptive_exit_rule(self):
        req = ref.GenerationRequest(prompt=self.PROMPT, criterion="kl", threshold=1e-3, kv_strategy="latest-m4",
                                    min_steps=3, check_every=2, max_steps=20, max_new_tokens=6)
        res = ref.generate(MODEL, req)
        self.assertEqual(res.records[0].checks, [], "no checks in prefill by default")
        self.assertIsNone(res.records[0].criterion_value)
        self.assertEqual(res.exit_steps[0], 20)
        for r in res.records[1:]:
            steps = [s for s, _ in r.checks]
            self.assertEqual(steps, list(range(4, r.exit_step + 1, 2)))  # checks at k = 3, 5, 7, ... (k + 1 here)
            self.assertEqual(r.criterion_value, r.checks[-1][1])
            if r.exit_step < 20:
                self.assertLess(r.criterion_value, 1e-3)
            self.assertTrue(all(v >= 1e-3 for _, v in r.checks[:-1]))

    def test_warm_start_changes_decode_rows_only(self):
        base = ref.GenerationRequest(prompt=self.PROMPT, criterion="latent-diff", threshold=0.03, init_scale=1.0,
                                     seed=4, max_new_tokens=4)
        cold, warm = ref.generate(MODEL, base), ref.generate(MODEL, replace(base, warm_start=True))
        self.assertEqual(cold.exit_steps[0], warm.exit_steps[0])
        self.assertTrue(torch.equal(cold.records[0].logits, warm.records[0].logits))
        self.assertNotEqual(cold.records[1].checks, warm.records[1].checks)


class SamplingTest(unittest.TestCase):
    def test_greedy_takes_the_first_maximum(self):
        self.assertEqual(ref.sample_token(torch.tensor([0.0, 2.0, 2.0, 1.0]), ref.SamplerParams(), 0.5).token, 1)

    def test_draw_walks_the_cumulative_distribution_in_vocabulary_order(self):
        logits = torch.log(torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64))
        p = ref.SamplerParams(greedy=False)
        self.assertEqual([ref.sample_token(logits, p, u).token for u in (0.05, 0.15, 0.35, 0.65, 0.999)],
                         [0, 1, 2, 3, 3])

    def test_filters(self):
        logits = torch.log(torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64))
        top_k = ref.SamplerParams(greedy=False, top_k=2)
        self.assertEqual(ref.sample_token(logits, top_k, 0.01).token, 2)  # only 2 and 3 remain
        top_p = ref.SamplerParams(greedy=False, top_p=0.5)  # cumulative 0.4, 0.7: only token 3 kept
        self.assertEqual(ref.sample_token(logits, top_p, 0.01).token, 3)
        self.assertEqual(ref.sample_token(logits, ref.SamplerParams(greedy=False, top_p=0.05), 0.99).token, 3)
        min_p = ref.SamplerParams(greedy=False, min_p=0.6)  # keep p >= 0.24
        self.assertEqual(ref.sample_token(logits, min_p, 0.01).token, 2)


class CriteriaTest(unittest.TestCase):
    def test_first_kl_check_is_against_uniform(self):
        c = ref.make_criterion("kl", 1e-3)
        c.init(None, 4)
        logits = torch.tensor([1.0, 0.0, 0.0, 0.0], dtype=torch.float64)
        value, _ = c.check(None, logits)
        p = torch.softmax(logits, -1)
        expected = float((0.25 * (math.log(0.25) - torch.log(p))).sum())
        self.assertAlmostEqual(value, expected, places=6)
        self.assertAlmostEqual(c.check(None, logits)[0], 0.0, places=12)

    def test_latent_criteria_start_from_s0(self):
        s0 = torch.zeros(2, 3, dtype=torch.float64)
        s1 = torch.ones(2, 3, dtype=torch.float64)
        for name in ("latent-diff", "cosine"):
            c = ref.make_criterion(name, 0.5)
            c.init(s0, 10)
            self.assertAlmostEqual(c.check(s1, None)[0], 1.0, places=12)
            self.assertAlmostEqual(c.check(s1, None)[0], 0.0, places=12)

    def test_argmax_stability_counts_unchanged_checks(self):
        c = ref.make_criterion("argmax-stability", 2)
        c.init(None, 3)
        a, b = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
        self.assertEqual([c.check(None, x) for x in (a, a, b, b, b)],
                         [(0, False), (1, False), (0, False), (1, False), (2, True)])


class GoldenFilesTest(unittest.TestCase):
    """The committed fixtures are what this code computes (first scenarios and a few logit cases re-run)."""

    def test_generation_scenarios_reproduce(self):
        with open(os.path.join(GOLDEN, "generations.json")) as f:
            doc = json.load(f)
        by_model = {"tiny-random": MODEL, "tiny-random-untied": MODEL_UNTIED}
        for sc in doc["scenarios"][:4] + doc["scenarios"][-2:]:
            i = sc["inputs"]
            req = ref.GenerationRequest(
                prompt=i["prompt"], criterion=i["criterion"], threshold=i["threshold"], kv_strategy=i["kv_strategy"],
                min_steps=i["min_steps"], max_steps=i["max_steps"], check_every=i["check_every"],
                exit_in_prefill=i["exit_in_prefill"], init_scale=i["init_scale"], seed=i["seed"],
                sampler=ref.SamplerParams(**i["sampler"]), warm_start=i["warm_start"],
                max_new_tokens=i["max_new_tokens"], stop_token_ids=tuple(i["stop_token_ids"]))
            res = ref.generate(by_model[sc["model"]], req)
            self.assertEqual(res.tokens, sc["expected"]["tokens"], sc["name"])
            self.assertEqual(res.exit_steps, sc["expected"]["exit_steps"], sc["name"])

    def test_logit_cases_reproduce_from_the_committed_checkpoint(self):
        for spec in make_golden.MODELS:
            model = ref.load_model_dir(os.path.join(GOLDEN, spec.name))
            with open(os.path.join(GOLDEN, spec.name, "logits.json")) as f:
                cases = json.load(f)["cases"]
            for case in cases[::7]:
                logits = model.forward(case["tokens"], case["num_steps"], case["init_scale"], case["seed"])
                expected = torch.tensor(case["logits"], dtype=torch.float64)
                self.assertLess(float((logits - expected).abs().max()), 1e-6, spec.name)


if __name__ == "__main__":
    unittest.main()
