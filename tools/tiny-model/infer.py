"""Greedy generation with Muninn's per-token recurrence and exit loop (model/README.md), batched over prompts.

Semantics, matching the Java engine's contract:
- each forward call (the whole prompt, then one row per generated token) runs the prelude, draws s0, and iterates
  the core up to max_steps times; a token exits at step k+1 when the criterion says so (no check in the prefill);
- exit criterion 'kl': KL(p_{t-1} || p_t) of the last position's distributions, float64 from fp32 logits, the first
  'previous' is uniform; exit when < threshold. 'none': run max_steps (fixed depth);
- KV lookup 'latest-m4': a token at iteration j reads an earlier token p's core KV from iteration
  min(j, last iteration of p) of the same core layer; prelude and coda slots are per token, the coda's from the
  exit step;
- s0: Muninn's counter RNG (tools/reference/muninn_rng.py) for a request seed, or zeros with init_scale 0.
Rows of a batch are independent requests (each reads only its own cache); rows that exited wait masked.
"""
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "reference"))  # muninn_rng: the RNG contract shared with Java
import model as M  # noqa: E402
import muninn_rng  # noqa: E402


def counter_rng_state(seed, positions, hidden, init_std, init_scale, embed_scale):
    """s0 rows (len(positions), hidden) exactly as muninn_rng.initial_state_row, vectorised."""
    rows = muninn_rng.initial_states([seed], positions, hidden, init_std, init_scale, embed_scale)[0]
    return torch.from_numpy(rows)


class Generator:
    """Batched greedy decoding for prompts of equal length."""

    def __init__(self, model, max_steps, criterion="kl", threshold=5e-4, exit_in_prefill=False, init_scale=1.0,
                 seed=0):
        self.m = model
        self.cfg = model.cfg
        self.max_steps = max_steps
        self.criterion = criterion
        self.threshold = threshold
        self.exit_in_prefill = exit_in_prefill
        self.init_scale = init_scale
        self.seed = seed

    # -- attention with explicit caches ------------------------------------------------------------------------
    def _attn(self, blk, x, pos, keys_values):
        """Sandwich block on new rows x (B, n, h) at positions pos; keys_values(k, v) stores this call's k, v
        and returns the full (B, T, nh, hd) keys and values to attend to plus the (n, T) mask."""
        cos, sin = M.rope_tables(self.cfg, pos)
        h = blk.norm_1(x)
        q, k, v = blk.attn.qkv(h, cos, sin)
        K, V, mask = keys_values(k, v)
        a = blk.attn.proj(M.attend(q, K, V, mask))
        x = blk.norm_2(a + x)
        return blk.norm_4(blk.mlp(blk.norm_3(x)) + x)

    @torch.no_grad()
    def generate(self, prompts, max_new_tokens, stop_ids):
        """prompts: list of equal-length id lists. Returns (tokens, steps): per row the generated ids (stopping at
        and including a stop id) and the exit step of each."""
        cfg, t = self.cfg, self.m.transformer
        B, L = len(prompts), len(prompts[0])
        T = L + max_new_tokens
        nh, hd, R = cfg.n_heads, cfg.head_dim, cfg.n_layers_in_recurrent_block
        S = self.max_steps
        pre_k = torch.zeros(cfg.n_layers_in_prelude, B, T, nh, hd)
        pre_v = torch.zeros_like(pre_k)
        core_k = torch.zeros(R, S, B, T, nh, hd)
        core_v = torch.zeros_like(core_k)
        last_it = torch.zeros(B, T, dtype=torch.long)
        coda_k = torch.zeros(cfg.n_layers_in_coda, B, T, nh, hd)
        coda_v = torch.zeros_like(coda_k)
        bidx = torch.arange(B)[:, None]

        def own_slot(store_k, store_v, layer, p0, p1, write_rows):
            def kv(k, v):
                if write_rows is None:
                    store_k[layer, :, p0:p1] = k
                    store_v[layer, :, p0:p1] = v
                else:
                    store_k[layer, write_rows, p0:p1] = k[write_rows]
                    store_v[layer, write_rows, p0:p1] = v[write_rows]
                K = torch.cat([store_k[layer, :, :p0], k], 1)
                V = torch.cat([store_v[layer, :, :p0], v], 1)
                return K, V, causal(p0, p1)
            return kv

        def core_slot(layer, it, p0, p1):
            def kv(k, v):
                core_k[layer, it, :, p0:p1] = k
                core_v[layer, it, :, p0:p1] = v
                if p0 == 0:
                    return k, v, causal(p0, p1)
                src = last_it[:, :p0].clamp(max=it)  # latest-m4: min(j, last iteration of p)
                tpos = torch.arange(p0)[None, :]
                K = torch.cat([core_k[layer][src, bidx, tpos], k], 1)
                V = torch.cat([core_v[layer][src, bidx, tpos], v], 1)
                return K, V, causal(p0, p1)
            return kv

        def causal(p0, p1):
            return torch.ones(p1 - p0, p1, dtype=torch.bool).tril(p0)

        def tail(x, pos, p0, p1, write_rows):
            y = t.ln_f(x)
            for i, blk in enumerate(t.coda):
                y = self._attn(blk, y, pos, own_slot(coda_k, coda_v, i, p0, p1, write_rows))
            y = t.ln_f(y[:, -1])
            return M.linear(y, t.wte.weight)  # (B, V) logits of the last row

        seqs = torch.tensor(prompts, dtype=torch.long)
        out_tokens = [[] for _ in range(B)]
        out_steps = [[] for _ in range(B)]
        done = torch.zeros(B, dtype=torch.bool)
        p0, p1 = 0, L
        V = cfg.vocab_size
        for n in range(max_new_tokens):
            pos = torch.arange(p0, p1)
            x = t.wte(seqs[:, p0:p1]) * cfg.embed_scale
            for i, blk in enumerate(t.prelude):
                x = self._attn(blk, x, pos, own_slot(pre_k, pre_v, i, p0, p1, None))
            e = x
            s = counter_rng_state(self.seed, list(range(p0, p1)), cfg.n_embd, cfg.init_std, self.init_scale,
                                  cfg.embed_scale)[None].expand(B, -1, -1)
            prefill = n == 0
            check = self.criterion != "none" and (self.exit_in_prefill or not prefill)
            prev_logp = torch.full((B, V), -math.log(V), dtype=torch.float64)
            active = torch.ones(B, dtype=torch.bool)
            exit_step = torch.full((B,), S, dtype=torch.long)
            logits_out = torch.zeros(B, V)
            for k in range(S):
                s = t.adapter(torch.cat([s, e], -1))
                for l, blk in enumerate(t.core_block):
                    s = self._attn(blk, s, pos, core_slot(l, k, p0, p1))
                if check or k == S - 1:
                    rows = active.nonzero()[:, 0]
                    logits = tail(s, pos, p0, p1, rows)
                    logp = torch.log_softmax(logits.double(), -1).float().double()
                    if check:
                        kl = (prev_logp.exp() * (prev_logp - logp)).sum(-1)
                        exits = active & (kl < self.threshold)
                    else:
                        exits = torch.zeros(B, dtype=torch.bool)
                    if k == S - 1:
                        exits = active.clone()
                    logits_out[exits] = logits[exits]
                    exit_step[exits] = k + 1
                    last_it[exits, p0:p1] = k
                    active &= ~exits
                    prev_logp = logp
                    if not active.any():
                        break
            nxt = logits_out.argmax(-1)
            for b in range(B):
                if not done[b]:
                    out_tokens[b].append(int(nxt[b]))
                    out_steps[b].append(int(exit_step[b]))
                    if int(nxt[b]) in stop_ids:
                        done[b] = True
            if done.all():
                break
            seqs = torch.cat([seqs, nxt[:, None]], 1)
            p0, p1 = p1, p1 + 1
        return out_tokens, out_steps
