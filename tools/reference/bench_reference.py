"""The PyTorch side of `muninn bench reference`: a random Huginn-format checkpoint and batched greedy generation.

    /usr/bin/python3 tools/reference/bench_reference.py write-checkpoint --out DIR [--hidden 1024] [--seed 20261123]
    /usr/bin/python3 tools/reference/bench_reference.py generate --model DIR --prompts FILE --batch 16 --threads 2 \
        --mode fixed|kl --max-new-tokens 16 --json OUT

`generate` runs float32 under torch.inference_mode() and batches as the model authors' reference does
(`generate_with_adaptive_compute`): sequences are grouped in static batches of --batch; every token round the whole
batch iterates the core until its slowest member exits (kl: KL divergence of successive steps' log-softmax of the
last position below --threshold, checked after every step, at most --max-steps steps; the KL exit may end the
prefill too, decided on the prompt's last position, as the reference's current code does) or for exactly
--max-steps steps (fixed), then greedy picks and the next round. Exited rows keep computing, and coda plus head run
on the whole batch at every check, as in the authors' code.

Where this differs from the authors' code, so that a sequence's tokens do not depend on its batch-mates and equal
the one-sequence contract of huginn_reference.generate (and Muninn's engine): the KV cache is kept per row, and a
later token looks up a past position's core keys at the deepest step that position's own token computed before it
exited (latest-m4), not at steps its row computed after exiting; an exited row's coda keys stay those of its exit
step. The work done is the same (every row still writes every step's keys); only what is read differs.

Model code is huginn_reference.HuginnModel's (norms, RoPE, MLP, sandwich blocks, prelude, adapter), with batched
attention, cache and tail added in `BatchedHuginnModel`. Prompt files are JSON lines
`{"id": "r0", "prompt_ids": [..], "seed": 1000}`; every prompt in a batch must have the same length. The initial
state is Muninn's counter-based like-init draw (muninn_rng, init_scale 1), vectorised here, so both engines start
every row from the same s0.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Checkpoint shape (defaults of `muninn bench reference`) and the random model's exit spread (RandomWeights)
VOCAB = 65536
MEAN_RECURRENCE = 32
BLOCK_SIZE = 4096
LAYOUT = (2, 4, 2)
COUPLING = 0.28  # scale of the adapter's state half: how strongly an iteration depends on the previous state
SPREAD = 3.0  # each embedding row scaled by exp(SPREAD * z), z ~ N(0, 1); the untied head keeps unscaled rows
CHECKPOINT_FORMAT = 1  # bump when the written weights change, so cached checkpoints are rewritten
MARKER = "bench-checkpoint.json"


def _set_threads_before_torch(argv):
    """OpenBLAS and OpenMP read their thread counts when torch loads them, so --threads must be in the env first."""
    for i, a in enumerate(argv):
        value = a.split("=", 1)[1] if a.startswith("--threads=") else argv[i + 1] if a == "--threads" and i + 1 < len(
            argv) else None
        if value is not None:
            os.environ["OMP_NUM_THREADS"] = value
            os.environ["OPENBLAS_NUM_THREADS"] = value


if __name__ == "__main__":
    _set_threads_before_torch(sys.argv[1:])

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, HERE)
import huginn_format  # noqa: E402
import huginn_reference as ref  # noqa: E402
import muninn_rng  # noqa: E402


# ---------------------------------------------------------------------------------------------------------------
# Checkpoint
# ---------------------------------------------------------------------------------------------------------------


def intermediate_size(hidden: int) -> int:
    """3.5 x hidden rounded up to a multiple of 64 (RandomWeights.config)."""
    return (hidden * 7 // 2 + 63) // 64 * 64


def config_json(hidden: int, vocab: int = VOCAB) -> dict:
    if hidden % 64 != 0:
        raise ValueError(f"hidden must be a multiple of 64 (head dim 64) but was {hidden}")
    return huginn_format.config_json(
        n_embd=hidden, n_heads=hidden // 64, layout=LAYOUT, intermediate_size=intermediate_size(hidden),
        vocab_size=vocab, block_size=BLOCK_SIZE, tied=False, qk_bias=True, norm_eps=1e-6, rope_base=50000.0,
        mean_recurrence=MEAN_RECURRENCE, bos_token_id=0, eos_token_id=[1], pad_token_id=2)


def tensor_shapes(cfg: dict) -> dict:
    """Name -> shape of every tensor, in the order they are written (sorted by name)."""
    h, m, v, nh = cfg["n_embd"], cfg["intermediate_size"], cfg["vocab_size"], cfg["n_heads"]
    shapes = {"transformer.wte.weight": (v, h), "lm_head.weight": (v, h), "transformer.adapter.weight": (h, 2 * h),
              "transformer.ln_f.weight": (h,)}
    for stack, n in (("prelude", cfg["n_layers_in_prelude"]), ("core_block", cfg["n_layers_in_recurrent_block"]),
                     ("coda", cfg["n_layers_in_coda"])):
        for i in range(n):
            p = f"transformer.{stack}.{i}"
            for k in range(1, 5):
                shapes[f"{p}.norm_{k}.weight"] = (h,)
            shapes[f"{p}.attn.Wqkv.weight"] = (3 * h, h)
            shapes[f"{p}.attn.qk_bias"] = (2, 1, nh, h // nh)
            shapes[f"{p}.attn.proj.weight"] = (h, h)
            shapes[f"{p}.mlp.fc.weight"] = (2 * m, h)
            shapes[f"{p}.mlp.proj.weight"] = (h, m)
    return dict(sorted(shapes.items()))


def _tensor(name: str, shape, cfg: dict, seed: int, coupling: float, spread: float) -> np.ndarray:
    """One tensor, drawn from its own stream (seed, name) so the file can be written tensor by tensor.

    As RandomWeights.createWithSpread: every Linear N(0, 1/hidden), norms ones, qk biases N(0, 0.02^2); the
    adapter's state half (its first hidden columns, multiplying the state in cat([state, e])) scaled by the
    coupling; the head is the unscaled embedding draw and the embedding scales each of those rows by exp(spread z).
    """
    h = cfg["n_embd"]
    std = np.float32(1.0 / math.sqrt(h))
    if name.endswith(("norm_1.weight", "norm_2.weight", "norm_3.weight", "norm_4.weight")) or name.endswith("ln_f.weight"):
        return np.ones(shape, dtype=np.float32)
    stream = "transformer.wte.weight" if name == "lm_head.weight" else name
    rng = np.random.default_rng([seed, int.from_bytes(stream.encode("utf-8"), "little") % (1 << 63)])
    if name.endswith("qk_bias"):
        return rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
    w = rng.standard_normal(shape, dtype=np.float32) * std
    if name == "transformer.adapter.weight":
        w[:, :h] *= np.float32(coupling)
    if name == "transformer.wte.weight":
        z = np.random.default_rng([seed, 1]).standard_normal(shape[0])
        w *= np.exp(spread * z).astype(np.float32)[:, None]
    return w


def write_checkpoint(out: str, hidden: int = 1024, seed: int = 20261123, vocab: int = VOCAB,
                     coupling: float = COUPLING, spread: float = SPREAD) -> dict:
    """Writes config.json, model.safetensors (F32) and, last, the marker that says the directory is complete."""
    os.makedirs(out, exist_ok=True)
    marker = os.path.join(out, MARKER)
    if os.path.exists(marker):
        os.remove(marker)
    cfg = config_json(hidden, vocab)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    shapes = tensor_shapes(cfg)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(huginn_format.safetensors_header(shapes, {"format": "pt"}))
        for name, shape in shapes.items():
            f.write(_tensor(name, shape, cfg, seed, coupling, spread).astype("<f4").tobytes())
    meta = {"format": CHECKPOINT_FORMAT, "hidden": hidden, "vocab": vocab, "seed": seed, "coupling": coupling,
            "spread": spread}
    with open(marker, "w") as f:
        json.dump(meta, f)
        f.write("\n")
    return meta


def load_float32(model_dir: str) -> "BatchedHuginnModel":
    """Loads an F32 checkpoint without copies: one buffer for the file's data, every tensor a view of it."""
    with open(os.path.join(model_dir, "config.json")) as f:
        config = ref.Config.from_json(json.load(f))
    path = os.path.join(model_dir, "model.safetensors")
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n).decode("utf-8"))
        data = np.fromfile(f, dtype=np.uint8)
    weights = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            raise ValueError(f"{name} is {meta['dtype']}; bench_reference reads F32 checkpoints only")
        start, end = meta["data_offsets"]
        weights[name] = torch.from_numpy(data[start:end].view("<f4")).reshape(meta["shape"])
    return BatchedHuginnModel(config, weights, torch.float32)


# The initial state, vectorised bit for bit with muninn_rng.initial_state_row: s0 rows for every (seed, position).
initial_states = muninn_rng.initial_states


# ---------------------------------------------------------------------------------------------------------------
# Batched model
# ---------------------------------------------------------------------------------------------------------------


class BatchedCache:
    """KV of one static batch whose rows all sit at the same positions; latest-m4 lookups per row.

    Core keys are kept per (core layer, step, row, position): a token that ran k steps stored steps 0..k-1, so
    "the deepest same-layer slot not deeper than step t" for a past position is step min(t, depth - 1), depth being
    that position's own exit step. `coda_rows` (a bool per row, or None for all) says whose coda keys a check
    writes.
    """

    def __init__(self, config: ref.Config, rows: int, max_len: int, max_steps: int, dtype):
        c = config
        shape = (rows, max_len, c.n_heads, c.head_dim)
        self.P, self.R = c.n_prelude, c.n_core
        self.pre_k = [torch.empty(shape, dtype=dtype) for _ in range(c.n_prelude)]
        self.pre_v = [torch.empty(shape, dtype=dtype) for _ in range(c.n_prelude)]
        self.core_k = [torch.empty((max_steps,) + shape, dtype=dtype) for _ in range(c.n_core)]
        self.core_v = [torch.empty((max_steps,) + shape, dtype=dtype) for _ in range(c.n_core)]
        self.coda_k = [torch.empty(shape, dtype=dtype) for _ in range(c.n_coda)]
        self.coda_v = [torch.empty(shape, dtype=dtype) for _ in range(c.n_coda)]
        self.depth = torch.zeros((rows, max_len), dtype=torch.long)
        self.rows = torch.arange(rows)[:, None]
        self.coda_rows = None

    def update(self, k, v, slot: int, start: int):
        """Stores k, v (rows, S, heads, head_dim) at positions start..start+S-1; returns the keys/values to attend."""
        end = start + k.shape[1]
        if 0 <= slot < self.P:
            self.pre_k[slot][:, start:end], self.pre_v[slot][:, start:end] = k, v
            return self.pre_k[slot][:, :end], self.pre_v[slot][:, :end]
        if slot < 0:
            ks, vs = self.coda_k[-slot - 1], self.coda_v[-slot - 1]
            if self.coda_rows is None:
                ks[:, start:end], vs[:, start:end] = k, v
            else:
                ks[self.coda_rows, start:end], vs[self.coda_rows, start:end] = k[self.coda_rows], v[self.coda_rows]
            return ks[:, :end], vs[:, :end]
        t, layer = (slot - self.P) // self.R, (slot - self.P) % self.R
        ks, vs = self.core_k[layer], self.core_v[layer]
        ks[t, :, start:end], vs[t, :, start:end] = k, v
        past = self.depth[:, :start]
        if bool((past > t).all()):  # every past position has an entry at this step (always at fixed depth)
            return ks[t, :, :end], vs[t, :, :end]
        steps = torch.cat([torch.clamp(past - 1, max=t), torch.full((past.shape[0], end - start), t)], dim=1)
        positions = torch.arange(end)[None, :]
        return ks[steps, self.rows, positions], vs[steps, self.rows, positions]


class BatchedHuginnModel(ref.HuginnModel):
    """HuginnModel whose attention, initial state and tail also take (rows, S, hidden) batches with a BatchedCache."""

    def attention(self, prefix, x, positions, cache, slot):
        if not isinstance(cache, BatchedCache):
            return super().attention(prefix, x, positions, cache, slot)
        c = self.config
        rows, length, nh, hd = x.shape[0], x.shape[1], c.n_heads, c.head_dim
        qkv = x @ self.w[f"{prefix}.attn.Wqkv.weight"].T
        q, k, v = (t.reshape(rows, length, nh, hd) for t in qkv.split(c.n_embd, dim=-1))
        if c.qk_bias:
            bias = self.w[f"{prefix}.attn.qk_bias"]  # (2, 1, nh, hd)
            q, k = q + bias[0], k + bias[1]
        q, k = self.rope(q, positions), self.rope(k, positions)  # (S, 1, half) tables broadcast over rows
        k, v = cache.update(k, v, slot, positions[0])  # (rows, keys, nh, hd)
        keys = k.shape[1]
        scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(hd)
        if length > 1:
            allowed = torch.ones(length, keys, dtype=torch.bool).tril(diagonal=keys - length)
            scores = scores.masked_fill(~allowed, float("-inf"))
        y = torch.einsum("bhqk,bkhd->bqhd", torch.softmax(scores, dim=-1), v).reshape(rows, length, c.n_embd)
        return y @ self.w[f"{prefix}.attn.proj.weight"].T

    def initial_states(self, seeds, positions, init_scale: float) -> torch.Tensor:
        c = self.config
        return torch.from_numpy(initial_states(seeds, positions, c.n_embd, c.init_std, init_scale,
                                               c.embed_scale)).to(self.dtype)

    def tail_last(self, s, positions, cache) -> torch.Tensor:
        """ln_f, coda over every row and position (writing coda keys), ln_f, head on each row's last position."""
        x = self.rms_norm(s, "transformer.ln_f.weight")
        for j, prefix in enumerate(self.layer_prefixes("coda")):
            x = self.sandwich_block(prefix, x, positions, cache, -(j + 1))
        return self.rms_norm(x[:, -1], "transformer.ln_f.weight") @ self.head.T


def generate_batch(model: BatchedHuginnModel, prompts, seeds, mode: str, max_new_tokens: int,
                   threshold: float = 5e-4, max_steps: int = 32, exit_in_prefill: bool = True,
                   init_scale: float = 1.0):
    """Greedy generation of one static batch; returns (tokens, exit_steps, round_steps) per row / per round."""
    if mode not in ("fixed", "kl"):
        raise ValueError(f"mode must be fixed or kl but was {mode!r}")
    if len({len(p) for p in prompts}) != 1:
        raise ValueError("every prompt of a static batch must have the same length")
    c = model.config
    rows = len(prompts)
    cache = BatchedCache(c, rows, len(prompts[0]) + max_new_tokens, max_steps, model.dtype)
    tokens = [[] for _ in range(rows)]
    exit_steps = [[] for _ in range(rows)]
    round_steps = []
    ids, start = [list(p) for p in prompts], 0
    uniform = -math.log(c.vocab_size)
    for token_index in range(max_new_tokens):
        prefill = token_index == 0
        positions = list(range(start, start + len(ids[0])))
        e = model.prelude(ids, positions, cache)
        s = model.initial_states(seeds, positions, init_scale)
        checking = mode == "kl" and (exit_in_prefill or not prefill)
        exited = torch.zeros(rows, dtype=torch.bool)
        steps = torch.full((rows,), max_steps, dtype=torch.long)
        chosen = None
        previous = torch.full((rows, c.vocab_size), uniform, dtype=torch.float32)
        for k in range(max_steps):
            s = model.core_iteration(s, e, positions, cache, k)
            if not checking:
                continue
            # as the authors' code: coda and head for the whole batch at every check, exited rows included; their
            # coda keys and their logits stay those of their exit step
            cache.coda_rows = None if not bool(exited.any()) else ~exited
            logits = model.tail_last(s, positions, cache)
            # KL(p_{t-1} || p_t) of the last position's float32 log-softmax, as the authors' code computes it
            current = torch.log_softmax(logits.to(torch.float32), dim=-1)
            kl = torch.nn.functional.kl_div(current, previous, reduction="none", log_target=True).sum(dim=-1)
            previous = current
            leaving = ~exited & ((kl < threshold) | (k == max_steps - 1))
            chosen = logits.clone() if chosen is None else torch.where(leaving[:, None], logits, chosen)
            steps[leaving] = k + 1
            exited |= leaving
            if bool(exited.all()):
                break
        cache.coda_rows = None
        if not checking:
            chosen = model.tail_last(s, positions, cache)
        round_steps.append(k + 1)
        cache.depth[:, start:start + len(positions)] = steps[:, None]
        picked = torch.argmax(chosen.to(torch.float32), dim=-1)  # first index of the maximum
        for r in range(rows):
            tokens[r].append(int(picked[r]))
            exit_steps[r].append(int(steps[r]))
        start += len(positions)
        ids = [[int(t)] for t in picked]
    return tokens, exit_steps, round_steps


def generate_all(model, prompts, seeds, batch: int, mode: str, max_new_tokens: int, **kwargs):
    """Static batches of `batch` sequences in order, one after another."""
    tokens, exit_steps, round_steps = [], [], []
    for i in range(0, len(prompts), batch):
        t, e, r = generate_batch(model, prompts[i:i + batch], seeds[i:i + batch], mode, max_new_tokens, **kwargs)
        tokens += t
        exit_steps += e
        round_steps += r
    return tokens, exit_steps, round_steps


def read_prompts(path: str):
    ids, prompts, seeds = [], [], []
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                ids.append(d.get("id", str(len(ids))))
                prompts.append([int(t) for t in d["prompt_ids"]])
                seeds.append(int(d["seed"]))
    return ids, prompts, seeds


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kB


def run_generate(args) -> dict:
    torch.set_num_threads(args.threads)
    ids, prompts, seeds = read_prompts(args.prompts)
    with torch.inference_mode():
        model = load_float32(args.model)
        kwargs = dict(threshold=args.threshold, max_steps=args.max_steps, exit_in_prefill=args.exit_in_prefill)
        # warm-up (not timed): one short sequence, so that first-call allocations are not in the measurement
        generate_batch(model, prompts[:1], seeds[:1], args.mode, 1, **dict(kwargs, max_steps=2))
        t0 = time.perf_counter()
        tokens, exit_steps, round_steps = generate_all(model, prompts, seeds, args.batch, args.mode,
                                                       args.max_new_tokens, **kwargs)
        wall = time.perf_counter() - t0
    count = sum(len(t) for t in tokens)
    return {
        "engine": "pytorch",
        "mode": args.mode,
        "batch": args.batch,
        "threads": args.threads,
        "torch_threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "max_new_tokens": args.max_new_tokens,
        "max_steps": args.max_steps,
        "threshold": args.threshold if args.mode == "kl" else None,
        "exit_in_prefill": args.exit_in_prefill if args.mode == "kl" else None,
        "kv_lookup": "latest-m4",
        "sequences": [{"id": i, "tokens": t, "exit_steps": e} for i, t, e in zip(ids, tokens, exit_steps)],
        "tokens": count,
        "wall_seconds": wall,
        "tokens_per_second": count / wall if wall > 0 else None,
        "mean_steps_per_token": sum(sum(e) for e in exit_steps) / count if count else None,
        "mean_round_steps": sum(round_steps) / len(round_steps) if round_steps else None,
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write-checkpoint", help="a random Huginn-format model directory")
    w.add_argument("--out", required=True)
    w.add_argument("--hidden", type=int, default=1024)
    w.add_argument("--seed", type=int, default=20261123)
    w.add_argument("--vocab", type=int, default=VOCAB)
    w.add_argument("--coupling", type=float, default=COUPLING)
    w.add_argument("--spread", type=float, default=SPREAD)
    g = sub.add_parser("generate", help="batched greedy generation as the authors' reference batches it")
    g.add_argument("--model", required=True)
    g.add_argument("--prompts", required=True)
    g.add_argument("--batch", type=int, default=16)
    g.add_argument("--threads", type=int, default=1)
    g.add_argument("--mode", choices=("fixed", "kl"), required=True)
    g.add_argument("--max-new-tokens", type=int, default=16)
    g.add_argument("--max-steps", type=int, default=MEAN_RECURRENCE)
    g.add_argument("--threshold", type=float, default=5e-4)
    g.add_argument("--exit-in-prefill", type=lambda v: v.lower() in ("1", "true", "yes"), default=True)
    g.add_argument("--json", required=True)
    args = parser.parse_args(argv)
    if args.command == "write-checkpoint":
        t0 = time.perf_counter()
        meta = write_checkpoint(args.out, args.hidden, args.seed, args.vocab, args.coupling, args.spread)
        print(f"bench_reference: wrote {args.out} ({json.dumps(meta)}) in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
        return 0
    result = run_generate(args)
    with open(args.json, "w") as f:
        json.dump(result, f)
        f.write("\n")
    print(f"bench_reference: pytorch {args.mode} batch {args.batch}: {result['tokens']} tokens in "
          f"{result['wall_seconds']:.2f} s ({result['tokens_per_second']:.2f} tokens/s), "
          f"{result['mean_steps_per_token']:.2f} steps per token", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
