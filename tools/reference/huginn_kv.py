"""The reference's KV cache (HuginnDynamicCache): slots, lookup strategies and compression (huginn_reference.py).

Split from huginn_reference.py, which re-exports it; the decisions it implements are in tools/reference/README.md.
"""
from typing import Dict, Sequence

import torch


class KVCache:
    """HuginnDynamicCache: slot -> position -> (k, v), each (heads, head_dim).

    Slots: prelude layer i -> i (0..P-1); core layer l of iteration t -> P + R*t + l; coda layer j -> -(j+1).
    The strategy string is parsed as the reference does, by prefix/substring: a lookup part (`full`, `skip`,
    `latest-m4`, `available-m4`, `always-last-m4`) and an optional storage part (`compress-sN`, `compress-rN`,
    `compress-anchor`). The reference hard-codes P=2, R=4; here both come from the config (contract, "Deliberate
    differences from the reference"), so `-m4` means "same core layer", i.e. equal (slot - P) mod R.
    A bare `compress-*` strategy looks up like `full` (the reference raises on a hole there; see README).
    """

    LOOKUPS = ("latest-m4", "available-m4", "always-last-m4", "skip", "full")

    def __init__(self, strategy: str, n_prelude: int, n_core: int):
        self.strategy = strategy
        self.P, self.R = n_prelude, n_core
        self.lookup = next((name for name in self.LOOKUPS if strategy.startswith(name)), None)
        if self.lookup is None:
            if not strategy.startswith("compress-"):
                raise ValueError(f"unknown KV lookup strategy {strategy!r}")
            self.lookup = "full"
        self.compress = None  # ("s", N) | ("r", N) | ("anchor", None)
        if "compress-" in strategy:
            tail = strategy.split("compress-")[1]
            if tail.startswith("anchor"):
                self.compress = ("anchor", None)
            elif tail[:1] in ("s", "r") and tail[1:].isdigit() and int(tail[1:]) > 0:
                self.compress = (tail[0], int(tail[1:]))
            else:
                raise ValueError(f"unknown KV compression in {strategy!r}")
        self.keys: Dict[int, Dict[int, torch.Tensor]] = {}
        self.values: Dict[int, Dict[int, torch.Tensor]] = {}
        self.seen = 0
        self.hole_lookups = 0  # lookups where some seen position had no entry at the slot (strategy mattered)

    def storage_slot(self, slot: int) -> int:
        """Where a layer call's KV is stored (compression applies to core slots only)."""
        P, R = self.P, self.R
        if self.compress is None or slot < P:
            return slot
        kind, n = self.compress
        if kind == "s":
            return P + (slot - P) % n
        if kind == "r":
            return P + (slot - P) // n
        anchor_end = P + 8 * R  # keep the first 8 iterations, then all later ones share the 9th's R slots
        return slot if slot < anchor_end else anchor_end + (slot - anchor_end) % R

    def _same_layer(self, a: int, b: int) -> bool:
        return a >= self.P and (a - self.P) % self.R == (b - self.P) % self.R

    def update(self, k: torch.Tensor, v: torch.Tensor, slot: int, positions: Sequence[int]):
        """Stores k, v (rows, heads, head_dim) of `positions` and returns the keys/values to attend to, (L, h, d)."""
        slot = self.storage_slot(slot)
        if slot == 0:
            self.seen = max(self.seen, positions[-1] + 1)
        ks, vs = self.keys.setdefault(slot, {}), self.values.setdefault(slot, {})
        for i, p in enumerate(positions):
            if self.compress is None and slot >= 0 and p in ks:
                raise AssertionError(f"slot {slot} position {p} written twice")
            ks[p], vs[p] = k[i], v[i]

        if len(ks) < self.seen:
            self.hole_lookups += 1
        if len(ks) == self.seen or self.lookup == "full":
            order = sorted(ks)
            return torch.stack([ks[p] for p in order]), torch.stack([vs[p] for p in order])
        if self.lookup == "skip":
            order = [p for p in range(self.seen) if p in ks]
            return torch.stack([ks[p] for p in order]), torch.stack([vs[p] for p in order])
        picks = [(self._lookup_slot(slot, p), p) for p in range(self.seen)]
        return (torch.stack([self.keys[s][p] for s, p in picks]),
                torch.stack([self.values[s][p] for s, p in picks]))

    def _lookup_slot(self, slot: int, p: int) -> int:
        if slot < self.P:  # prelude or coda: own slot (always present in the flows of this file)
            if p not in self.keys[slot]:
                raise AssertionError(f"position {p} has no entry at prelude/coda slot {slot}")
            return slot
        if self.lookup == "available-m4" and p in self.keys[slot]:
            return slot
        if self.lookup == "always-last-m4":
            candidates = [s for s in self.keys if self._same_layer(s, slot) and p in self.keys[s]]
        else:  # latest-m4, available-m4: the deepest same-layer slot not deeper than this one
            candidates = [s for s in range(self.P, slot + 1) if self._same_layer(s, slot) and p in self.keys.get(s, {})]
        return max(candidates)


