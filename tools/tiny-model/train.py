"""Train the tiny recurrent-depth model on variable-binding chains (Huginn's training recipe in miniature).

    /usr/bin/python3 tools/tiny-model/train.py --out /tmp/run       # defaults = the shipped model

Per optimizer step: a fresh batch from the task generator, a recurrence depth p ~ Poisson-lognormal(mean r̄) + 1
shared by the batch, the first p - k iterations without gradient and the last k with (truncated backprop), a random
initial state from torch's RNG, cross-entropy on the answer tokens (and the closing <|end_text|>) only, AdamW.
Everything random derives from --seed; with the same seed, thread count and machine the run is repeatable.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402
from tasks import AdditionTask, ChainTask, InterleavedJumpTask, JumpTask, ShellGameTask, PAD, VOCAB_SIZE, to_training_ids  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory (checkpoint, log)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--min-lr-ratio", type=float, default=0.1)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--n-embd", type=int, default=128)
    p.add_argument("--n-heads", type=int, default=4)
    p.add_argument("--intermediate", type=int, default=512)
    p.add_argument("--prelude", type=int, default=2, help="n_layers_in_prelude")
    p.add_argument("--core", type=int, default=4, help="n_layers_in_recurrent_block")
    p.add_argument("--coda", type=int, default=2, help="n_layers_in_coda")
    p.add_argument("--rope-base", type=float, default=10000.0)
    p.add_argument("--mean-recurrence", type=int, default=8)
    p.add_argument("--backprop-depth", type=int, default=4)
    p.add_argument("--task", default="shell", choices=["shell", "chains", "addition", "jumps", "ijumps"])
    p.add_argument("--max-difficulty", type=int, default=12)
    p.add_argument("--queries", type=int, default=3)
    p.add_argument("--max-jump", type=int, default=2, help="jumps/ijumps: the longest jump, in cells")
    p.add_argument("--statements", type=int, default=0, help="statements per program (0: difficulty x queries)")
    p.add_argument("--curriculum", default="0.15,0.6",
                   help="'a,b': difficulty 1 only for the first fraction a of the steps, then the largest sampled "
                        "difficulty grows linearly to the maximum at fraction b; '' to sample all levels throughout")
    p.add_argument("--length-curriculum", default="0.5,0.5,0.8,3",
                   help="chains only, 'a,b,c,n0': short programs first (see curriculum_lengths); '' for full length")
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--export", default=None, help="after training, export the model in Huginn format to this "
                   "directory with its eval set (eval.jsonl)")
    p.add_argument("--eval-per-level", type=int, default=50, help="eval.jsonl examples per difficulty level")
    return p.parse_args(argv)


def make_batch(task, rng, n, max_difficulty=None, lengths=None):
    """lengths: (lo, hi) bounds of the number of statements of a chain program (curriculum), None for the task's."""
    top = max_difficulty or task.max_difficulty
    lo = getattr(task, "min_difficulty", 1)
    rows = []
    for _ in range(n):
        d = rng.randint(lo, top)
        if lengths is None:
            ex = task.example(rng, d)
        else:
            least = d * task.queries
            ex = task.example(rng, d, rng.randint(max(least, lengths[0]), max(least, lengths[1])))
        rows.append(to_training_ids(ex))
    L = max(len(r[0]) for r in rows)
    ids = torch.full((n, L), PAD, dtype=torch.long)
    mask = torch.zeros((n, L - 1), dtype=torch.bool)
    for i, (t, m) in enumerate(rows):
        ids[i, :len(t)] = torch.tensor(t)
        mask[i, :len(m)] = torch.tensor(m, dtype=torch.bool)
    return ids[:, :-1], ids[:, 1:], mask


def curriculum_lengths(spec, progress, full):
    """Statements per chain program at this point of training: 'a,b,c,n0': programs of n0..cap statements, the cap
    growing linearly from n0 to the full length between fractions 0 and a, then the least length growing from n0 to
    the full length between fractions b and c (after c every program has the full length of the eval set)."""
    if not spec:
        return None
    a, b, c, n0 = (float(x) for x in spec.split(","))
    cap = full if progress >= a else int(round(n0 + (full - n0) * progress / a))
    least = n0 if progress < b else full if progress >= c else int(round(n0 + (full - n0) * (progress - b) / (c - b)))
    return int(least), int(cap)


def curriculum_top(spec, progress, max_difficulty):
    """Largest difficulty sampled at this point of training (difficulties are drawn uniformly from 1..top)."""
    if not spec:
        return max_difficulty
    a, b = (float(x) for x in spec.split(","))
    if progress < a:
        return 1
    return min(max_difficulty, 2 + int((max_difficulty - 1) * (progress - a) / max(b - a, 1e-9)))


@torch.no_grad()
def exact_match(model, batch, steps):
    """Per-example exact answer match at a fixed depth. With every token at the same depth, teacher-forced argmax
    equals greedy decoding, so all answer positions right <=> the greedy answer is right."""
    inp, tgt, mask = batch
    logits = model(inp, steps, 0)
    ok = (logits.argmax(-1) == tgt) | ~mask
    return ok.all(-1)


def main(argv=None):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    data_rng = random.Random(a.seed)
    depth_rng = np.random.default_rng(a.seed)
    M.FAST_LINEAR = True
    os.makedirs(a.out, exist_ok=True)

    if a.task == "ijumps":
        task = InterleavedJumpTask(a.max_difficulty, a.queries, a.max_jump)
    elif a.task == "jumps":
        task = JumpTask(a.max_difficulty, a.queries, a.max_jump)
    elif a.task == "addition":
        task = AdditionTask(a.max_difficulty)
    elif a.task == "shell":
        task = ShellGameTask(a.max_difficulty, a.queries)
    else:
        task = ChainTask(a.max_difficulty, a.queries, a.statements or None)
    cfg = M.Config(n_embd=a.n_embd, n_heads=a.n_heads, intermediate_size=a.intermediate, vocab_size=VOCAB_SIZE,
                   n_layers_in_prelude=a.prelude, n_layers_in_recurrent_block=a.core, n_layers_in_coda=a.coda,
                   rope_base=a.rope_base, mean_recurrence=a.mean_recurrence, mean_backprop_depth=a.backprop_depth)
    model = M.RecurrentDepthLM(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.95))
    lo = getattr(task, "min_difficulty", 1)
    n_held = 10 * (task.max_difficulty - lo + 1)
    held_out = make_batch(task, random.Random(a.seed + 1), n_held)
    rng_eval = random.Random(a.seed + 1)
    held_diff = torch.tensor([task.example(rng_eval, rng_eval.randint(lo, task.max_difficulty))["difficulty"]
                              for _ in range(n_held)])

    log = open(os.path.join(a.out, "train.log"), "a")

    def say(msg):
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    say("args %s" % json.dumps(vars(a)))
    say("params %d (%.2f MB f32)" % (n_params, n_params * 4 / 1e6))
    t0 = time.time()
    ema = None
    for step in range(1, a.steps + 1):
        lr = a.lr * min(1.0, step / a.warmup)
        if step > a.warmup:
            prog = (step - a.warmup) / max(1, a.steps - a.warmup)
            lr = a.lr * (a.min_lr_ratio + (1 - a.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * prog)))
        for g in opt.param_groups:
            g["lr"] = lr
        top = curriculum_top(a.curriculum, step / a.steps, task.max_difficulty)
        lengths = curriculum_lengths(a.length_curriculum, step / a.steps, task.statements) if a.task == "chains" else None
        inp, tgt, mask = make_batch(task, data_rng, a.batch, top, lengths)
        n_no_grad, n_grad = M.sample_recurrence(a.mean_recurrence, a.backprop_depth, depth_rng)
        model.train()
        logits = model(inp, n_no_grad, n_grad)
        loss = F.cross_entropy(logits[mask], tgt[mask])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
        if step % 25 == 0:
            say("step %5d  loss %.4f  ema %.4f  r %2d+%d  gn %.2f  lr %.2e  dmax %d  len %s  %.0fs"
                % (step, loss.item(), ema, n_no_grad, n_grad, gn, lr, top, lengths, time.time() - t0))
        if step % a.eval_every == 0 or step == a.steps:
            model.eval()
            parts = []
            for r in (1, 2, 4, 8, 16, 32):
                ok = exact_match(model, held_out, r)
                per = [ok[held_diff == d].float().mean().item() for d in range(lo, task.max_difficulty + 1)]
                parts.append("r=%d %.2f [%s]" % (r, ok.float().mean().item(), " ".join("%.2f" % v for v in per)))
            say("eval step %d: %s" % (step, " | ".join(parts)))
            torch.save({"config": cfg.to_json(), "args": vars(a), "state_dict": model.state_dict(), "step": step},
                       os.path.join(a.out, "checkpoint.pt"))
    wall = time.time() - t0
    say("done: %d steps in %.0f s" % (a.steps, wall))
    with open(os.path.join(a.out, "train_summary.json"), "w") as f:
        json.dump({"args": vars(a), "wall_seconds": wall, "params": n_params, "final_loss_ema": ema}, f, indent=1)
    if a.export:
        import export as X
        from tasks import write_eval_set
        X.export(os.path.join(a.out, "checkpoint.pt"), a.export)
        # a seed of its own, so no eval example was drawn for training or for the held-out batch above
        write_eval_set(os.path.join(a.export, "eval.jsonl"), task, a.seed + 2, a.eval_per_level)
        say("exported to %s with %d eval examples per level" % (a.export, a.eval_per_level))


if __name__ == "__main__":
    main()
