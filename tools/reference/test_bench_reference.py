"""Self-checks of bench_reference.py (the PyTorch side of `muninn bench reference`). Run from the repository root:

    /usr/bin/python3 -m unittest discover -s tools/reference -p 'test_*.py'
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_reference as bench  # noqa: E402
import huginn_reference as ref  # noqa: E402
import make_golden  # noqa: E402
import muninn_rng  # noqa: E402

torch.set_num_threads(1)
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_reference.py")


def read_json(path):
    with open(path) as f:
        return json.load(f)


def batched_float32(spec: make_golden.ModelSpec) -> bench.BatchedHuginnModel:
    config = ref.Config.from_json(spec.config_json())
    return bench.BatchedHuginnModel(config, spec.weights(config), torch.float32)


def one_sequence(model, prompt, seed, mode, threshold, new_tokens) -> ref.GenerationResult:
    """The contract's one-sequence generate, on the same float32 model, as the batched path is configured."""
    return ref.generate(model, ref.GenerationRequest(
        prompt, criterion="kl" if mode == "kl" else "none", threshold=threshold if mode == "kl" else None,
        kv_strategy="latest-m4", max_steps=32, exit_in_prefill=True, init_scale=1.0, seed=seed,
        max_new_tokens=new_tokens))


class BatchedGenerationTest(unittest.TestCase):
    NEW_TOKENS = 6

    def prompts(self, vocab):
        rs = np.random.RandomState(5)
        return [rs.randint(0, vocab - 6, 7).tolist() for _ in range(5)], [11 + i for i in range(5)]

    def check_model(self, spec, mode, threshold=5e-4):
        model = batched_float32(spec)
        prompts, seeds = self.prompts(model.config.vocab_size)
        with torch.inference_mode():
            tokens, exits, rounds = bench.generate_batch(model, prompts, seeds, mode, self.NEW_TOKENS,
                                                         threshold=threshold)
            for i, (prompt, seed) in enumerate(zip(prompts, seeds)):
                single = one_sequence(model, prompt, seed, mode, threshold, self.NEW_TOKENS)
                self.assertEqual(tokens[i], single.tokens, f"{spec.name} {mode} sequence {i}: tokens")
                self.assertEqual(exits[i], single.exit_steps, f"{spec.name} {mode} sequence {i}: exit steps")
        # each round lasts as long as its slowest member
        self.assertEqual(rounds, [max(e[t] for e in exits) for t in range(self.NEW_TOKENS)])
        return tokens, exits

    def test_kl_exit_batched_equals_one_sequence_generate(self):
        for spec in make_golden.MODELS:
            tokens, exits = self.check_model(spec, "kl")
            steps = {s for e in exits for s in e}
            # the scenario must exercise rows that exit at different steps (the per-row latest-m4 lookups)
            self.assertGreater(len(steps), 3, f"{spec.name}: exits {exits}")
            self.assertLess(min(steps), 32)

    def test_fixed_depth_batched_equals_one_sequence_generate(self):
        for spec in make_golden.MODELS:
            _, exits = self.check_model(spec, "fixed")
            self.assertEqual({s for e in exits for s in e}, {32})

    def test_tokens_do_not_depend_on_batch_mates(self):
        model = batched_float32(make_golden.MODELS[0])
        prompts, seeds = self.prompts(model.config.vocab_size)
        with torch.inference_mode():
            whole = bench.generate_all(model, prompts, seeds, 5, "kl", 4)
            pairs = bench.generate_all(model, prompts, seeds, 2, "kl", 4)
        self.assertEqual(whole[0], pairs[0])
        self.assertEqual(whole[1], pairs[1])

    def test_prompts_of_a_batch_must_have_equal_length(self):
        model = batched_float32(make_golden.MODELS[0])
        with self.assertRaisesRegex(ValueError, "same length"):
            bench.generate_batch(model, [[1, 2], [3]], [0, 1], "kl", 1)


class InitialStateTest(unittest.TestCase):
    def test_vectorised_draw_equals_muninn_rng_bit_for_bit(self):
        positions = [0, 1, 5, 17, 300]
        for seed in (0, 3, 1000, (1 << 40) + 7, (1 << 64) - 1):
            rows = bench.initial_states([seed, seed + 1], positions, 256, 0.03, 1.0, 16.0)
            for b, s in enumerate((seed, seed + 1)):
                for j, p in enumerate(positions):
                    expected = np.array(muninn_rng.initial_state_row(s, p, 256, 0.03, 1.0, 16.0), dtype=np.float32)
                    self.assertTrue(np.array_equal(rows[b, j], expected), f"seed {s} position {p}")

    def test_zero_scale_is_zero(self):
        self.assertFalse(bench.initial_states([4], [0, 1], 8, 0.1, 0.0, 2.0).any())


class CheckpointTest(unittest.TestCase):
    def test_written_checkpoint_has_the_benchmark_shape_and_spread(self):
        with tempfile.TemporaryDirectory() as d:
            meta = bench.write_checkpoint(d, hidden=128, seed=3, vocab=512)
            self.assertEqual(meta, read_json(os.path.join(d, bench.MARKER)))
            cfg = read_json(os.path.join(d, "config.json"))
            self.assertEqual((cfg["n_heads"], cfg["intermediate_size"], cfg["vocab_size"]), (2, 448, 512))
            self.assertEqual((cfg["n_layers_in_prelude"], cfg["n_layers_in_recurrent_block"],
                              cfg["n_layers_in_coda"], cfg["mean_recurrence"]), (2, 4, 2, 32))
            self.assertFalse(cfg["tie_embeddings"])
            model = bench.load_float32(d)  # checks every tensor's shape against the config
            again = ref.load_model_dir(d, torch.float32)
            for name in model.w:
                self.assertTrue(torch.equal(model.w[name], again.w[name]), name)
        wte, head = model.w["transformer.wte.weight"], model.w["lm_head.weight"]
        self.assertIs(model.head, head)
        # each embedding row is its head row scaled by exp(spread * z): one positive ratio per row
        ratio = wte / head
        self.assertTrue(torch.allclose(ratio, ratio[:, :1].expand_as(ratio), rtol=1e-5))
        self.assertGreater(float(ratio[:, 0].log().std()), 2.0)  # spread 3.0
        self.assertAlmostEqual(float(head.std()), 1 / 128 ** 0.5, delta=0.002)
        adapter = model.w["transformer.adapter.weight"]
        self.assertAlmostEqual(float(adapter[:, :128].std() / adapter[:, 128:].std()), bench.COUPLING, delta=0.01)

    def test_the_same_seed_writes_the_same_bytes(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            bench.write_checkpoint(a, hidden=64, seed=9, vocab=128)
            bench.write_checkpoint(b, hidden=64, seed=9, vocab=128)
            with open(os.path.join(a, "model.safetensors"), "rb") as fa, open(os.path.join(b, "model.safetensors"),
                                                                                "rb") as fb:
                self.assertEqual(fa.read(), fb.read())

    def test_hidden_must_be_a_multiple_of_the_head_dim(self):
        with self.assertRaisesRegex(ValueError, "multiple of 64"):
            bench.config_json(100)


class CommandLineTest(unittest.TestCase):
    def test_generate_writes_the_json_the_java_side_reads(self):
        with tempfile.TemporaryDirectory() as d:
            bench.write_checkpoint(d, hidden=64, seed=5, vocab=256)
            prompts = [[7, 8, 9, 10], [1, 2, 3, 4], [40, 41, 42, 43]]
            with open(os.path.join(d, "prompts.jsonl"), "w") as f:
                for i, p in enumerate(prompts):
                    f.write(json.dumps({"id": f"r{i}", "prompt_ids": p, "seed": 1000 + i}) + "\n")
            out = os.path.join(d, "kl.json")
            subprocess.run([sys.executable, SCRIPT, "generate", "--model", d, "--prompts",
                            os.path.join(d, "prompts.jsonl"), "--batch", "2", "--threads", "1", "--mode", "kl",
                            "--max-new-tokens", "3", "--json", out], check=True, capture_output=True)
            result = read_json(out)
            with torch.inference_mode():
                tokens, exits, _ = bench.generate_all(bench.load_float32(d), prompts, [1000, 1001, 1002], 2, "kl", 3)
        self.assertEqual([s["tokens"] for s in result["sequences"]], tokens)
        self.assertEqual([s["exit_steps"] for s in result["sequences"]], exits)
        self.assertEqual([s["id"] for s in result["sequences"]], ["r0", "r1", "r2"])
        self.assertEqual((result["mode"], result["batch"], result["threads"], result["tokens"]), ("kl", 2, 1, 9))
        self.assertEqual(result["torch_threads"], 1)
        self.assertAlmostEqual(result["mean_steps_per_token"], sum(map(sum, exits)) / 9)
        self.assertGreater(result["wall_seconds"], 0)
        self.assertAlmostEqual(result["tokens_per_second"], 9 / result["wall_seconds"])
        self.assertGreater(result["peak_rss_mb"], 10)


if __name__ == "__main__":
    unittest.main()
