"""Checks of the trainer's pieces that the shipped numbers depend on. Runs on a random tiny model in seconds:

    /usr/bin/python3 -m unittest discover -s tools/tiny-model -p 'test_*.py'
"""
import math
import os
import random
import sys
import tempfile
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import export  # noqa: E402
import infer  # noqa: E402
import model as M  # noqa: E402
import tasks  # noqa: E402


def tiny_model(seed=0):
    torch.manual_seed(seed)
    cfg = M.Config(n_embd=32, n_heads=4, intermediate_size=64, vocab_size=tasks.VOCAB_SIZE, mean_recurrence=4)
    m = M.RecurrentDepthLM(cfg)
    with torch.no_grad():  # larger weights than the init so that iterations differ visibly
        for p in m.parameters():
            if p.dim() >= 2:
                p.normal_(0, 0.2)
            else:
                p.add_(torch.randn_like(p) * 0.1)
    return m.eval()


def naive_generate(m, prompt, max_new, max_steps, threshold, init_scale, seed, stops):
    """One request, token by token, with a dict cache keyed (layer call index, position) as the reference's
    HuginnDynamicCache: prelude 0..P-1, core P + R*iteration + layer, coda -1, -2; latest-m4 lookup walks back
    in steps of R to the deepest entry a position has."""
    cfg, t = m.cfg, m.transformer
    P, R = cfg.n_layers_in_prelude, cfg.n_layers_in_recurrent_block
    cache = {}

    def lookup(idx, p):
        if idx < P:
            return idx, p
        while (idx, p) not in cache:
            idx -= R
        return idx, p

    def block(blk, x, p0, idx):
        n = x.shape[1]
        cos, sin = M.rope_tables(cfg, torch.arange(p0, p0 + n))
        q, k, v = blk.attn.qkv(blk.norm_1(x), cos, sin)
        for i in range(n):
            cache[(idx, p0 + i)] = (k[:, i], v[:, i])
        K = torch.stack([cache[lookup(idx, p)][0] for p in range(p0 + n)], 1)
        V = torch.stack([cache[lookup(idx, p)][1] for p in range(p0 + n)], 1)
        mask = torch.ones(n, p0 + n, dtype=torch.bool).tril(p0)
        x = blk.norm_2(blk.attn.proj(M.attend(q, K, V, mask)) + x)
        return blk.norm_4(blk.mlp(blk.norm_3(x)) + x)

    out, steps, new, p0 = [], [], list(prompt), 0
    for n in range(max_new):
        e = t.wte(torch.tensor([new])) * cfg.embed_scale
        for i, blk in enumerate(t.prelude):
            e = block(blk, e, p0, i)
        s = infer.counter_rng_state(seed, list(range(p0, p0 + len(new))), cfg.n_embd, cfg.init_std, init_scale,
                                    cfg.embed_scale)[None]
        prev = torch.full((cfg.vocab_size,), -math.log(cfg.vocab_size), dtype=torch.float64)
        for k in range(max_steps):
            s = t.adapter(torch.cat([s, e], -1))
            for i, blk in enumerate(t.core_block):
                s = block(blk, s, p0, P + R * k + i)
            check = n > 0
            if check or k == max_steps - 1:
                y = t.ln_f(s)
                for i, blk in enumerate(t.coda):
                    y = block(blk, y, p0, -1 - i)
                logits = M.linear(t.ln_f(y[:, -1]), t.wte.weight)[0]
                lp = torch.log_softmax(logits.double(), -1).float().double()
                if not check or (prev.exp() * (prev - lp)).sum() < threshold:
                    break
                prev = lp
        tok = int(logits.argmax())
        out.append(tok)
        steps.append(k + 1)
        if tok in stops:
            break
        p0 += len(new)
        new = [tok]
    return out, steps


class TinyModelTest(unittest.TestCase):
    def setUp(self):
        torch.set_num_threads(1)
        M.FAST_LINEAR = False

    def prompts(self, n, seed=3):
        task = tasks.ShellGameTask(6, 3)
        rng = random.Random(seed)
        return [tasks.encode(task.example(rng)["prompt"]) for _ in range(n)]

    def test_counter_rng_matches_reference(self):
        import muninn_rng
        h, std, scale = 32, math.sqrt(2 / (5 * 32)), math.sqrt(32)
        got = infer.counter_rng_state(11, [0, 7, 300], h, std, 1.0, scale).numpy().tolist()
        want = [muninn_rng.initial_state_row(11, p, h, std, 1.0, scale) for p in [0, 7, 300]]
        self.assertEqual(got, want)

    def test_batched_exit_loop_matches_naive_reference(self):
        m = tiny_model(3)  # a random model whose tokens exit at assorted steps for these thresholds
        prompts = self.prompts(5)
        with torch.no_grad():
            for thr in (0.1, 0.3):
                gen = infer.Generator(m, 9, "kl", thr, init_scale=1.0, seed=5)
                toks, steps = gen.generate(prompts, 5, set())
                all_steps = set()
                for i, p in enumerate(prompts):
                    nt, ns = naive_generate(m, p, 5, 9, thr, 1.0, 5, set())
                    self.assertEqual((toks[i], steps[i]), (nt, ns), "row %d threshold %g" % (i, thr))
                    all_steps.update(ns[1:])
                self.assertGreater(len(all_steps), 1, "the test needs tokens that exit at different steps")

    def test_fixed_depth_generation_matches_teacher_forcing(self):
        m = tiny_model(1)
        prompts = self.prompts(4)
        L = len(prompts[0])
        with torch.no_grad():
            for r in (1, 3):
                toks, steps = infer.Generator(m, r, "none", init_scale=1.0, seed=2).generate(prompts, 4, set())
                for p, tk, st in zip(prompts, toks, steps):
                    self.assertEqual(st, [r] * len(tk))
                    full = torch.tensor([p + tk[:-1]])
                    s0 = infer.counter_rng_state(2, list(range(full.shape[1])), m.cfg.n_embd, m.cfg.init_std, 1.0,
                                                 m.cfg.embed_scale)[None]
                    am = m(full, r, 0, s0=s0).argmax(-1)[0, L - 1:].tolist()
                    self.assertEqual(am, tk)

    def test_fast_linear_matches_plain(self):
        m = tiny_model(2)
        x = torch.tensor(self.prompts(2))
        with torch.no_grad():
            s0 = torch.zeros(2, x.shape[1], m.cfg.n_embd)
            a = m(x, 3, 0, s0=s0)
            M.FAST_LINEAR = True
            b = m(x, 3, 0, s0=s0)
        self.assertLess((a - b).abs().max().item(), 1e-3)

    def test_rope_is_interleaved_pairs(self):
        cfg = M.Config(n_embd=16, n_heads=2)
        x = torch.randn(1, 3, 2, 8)
        cos, sin = M.rope_tables(cfg, torch.arange(3))
        y = M.apply_rope(x, cos, sin)
        i, p = 1, 2
        ang = p / cfg.rope_base ** (2 * i / 8)
        x0, x1 = x[0, p, 0, 2 * i], x[0, p, 0, 2 * i + 1]
        self.assertAlmostEqual(y[0, p, 0, 2 * i].item(), (x0 * math.cos(ang) - x1 * math.sin(ang)).item(), 5)
        self.assertAlmostEqual(y[0, p, 0, 2 * i + 1].item(), (x1 * math.cos(ang) + x0 * math.sin(ang)).item(), 5)

    def test_export_round_trip_and_names(self):
        m = tiny_model(3)
        with tempfile.TemporaryDirectory() as d:
            ck = os.path.join(d, "c.pt")
            torch.save({"config": m.cfg.to_json(), "state_dict": m.state_dict()}, ck)
            export.export(ck, d)
            sd = export.read_safetensors(os.path.join(d, "model.safetensors"))
        self.assertIn("transformer.wte.weight", sd)
        self.assertIn("transformer.core_block.3.attn.qk_bias", sd)
        self.assertEqual(list(sd["transformer.adapter.weight"].shape), [32, 64])
        self.assertEqual(list(sd["transformer.prelude.0.attn.qk_bias"].shape), [2, 1, 4, 8])
        self.assertNotIn("lm_head.weight", sd)

    def test_tokens_are_bytes_and_specials_follow(self):
        self.assertEqual(tasks.encode("<|begin_text|>1a,=<|end_text|>"), [256, 49, 97, 44, 61, 257])
        vocab = export.tokenizer_json()["model"]["vocab"]
        self.assertEqual(len(vocab), 256)
        self.assertEqual(vocab["1"], 49)
        self.assertEqual(vocab["\u0120"], 32)  # the ByteLevel character of the space byte

    def test_shell_game_answers(self):
        ex = tasks.ShellGameTask(4, 2).example(random.Random(0), 4)
        rows = ex["prompt"][len("<|begin_text|>"):-1].split(",")
        for row, want in zip(rows, ex["answer"]):
            ball = int(row.strip()[0])
            for mv in row.strip()[1:]:
                i, j = tasks.MOVES[mv]
                ball = j if ball == i else i if ball == j else ball
            self.assertEqual(str(ball), want)


if __name__ == "__main__":
    unittest.main()
