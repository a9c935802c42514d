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
import huginn_reference as ref  # noqa: E402
import muninn_rng  # noqa: E402
from bench_checkpoint import (  # noqa: E402,F401 (tests and the Java side use bench_reference.*)
    CHECKPOINT_FORMAT, COUPLING, MARKER, MEAN_RECURRENCE, SPREAD, VOCAB, config_json, write_checkpoint)
from bench_model import BatchedCache, BatchedHuginnModel, load_float32  # noqa: E402,F401

# The initial state, vectorised bit for bit with muninn_rng.initial_state_row: s0 rows for every (seed, position).
initial_states = muninn_rng.initial_states


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
