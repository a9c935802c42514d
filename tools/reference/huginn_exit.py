"""The reference's per-token decisions: exit criteria (contract "Exit criteria") and sampling (contract
"Sampling"). Split from huginn_reference.py, which re-exports every name here.
"""
import math
from dataclasses import dataclass
from typing import Optional, Tuple

import torch


# ---------------------------------------------------------------------------------------------------------------
# Exit criteria (contract "Exit criteria")
# ---------------------------------------------------------------------------------------------------------------


def remembered_log_probs(logits: torch.Tensor) -> torch.Tensor:
    """float32(log_softmax_float64(fp32 logits)), returned as float64 holding float32 values."""
    f32 = logits.to(torch.float32).to(torch.float64)
    return torch.log_softmax(f32, dim=-1).to(torch.float32).to(torch.float64)


class ExitCriterion:
    needs_logits = False
    name = "none"

    def __init__(self, threshold):
        self.threshold = threshold

    def init(self, s0: torch.Tensor, vocab_size: int):
        pass

    def check(self, s: torch.Tensor, logits: Optional[torch.Tensor]) -> Tuple[float, bool]:
        raise NotImplementedError

    def margin(self, value) -> float:
        """Relative distance of a check value from the threshold (how far float32 noise must move it to flip)."""
        return abs(value - self.threshold) / abs(self.threshold)


def kl_divergence(prev_log_p: torch.Tensor, cur_log_p: torch.Tensor) -> float:
    """KL(p_{t-1} || p_t) = sum exp(prev) * (prev - cur)."""
    return float((torch.exp(prev_log_p) * (prev_log_p - cur_log_p)).sum())


class KLCriterion(ExitCriterion):
    needs_logits, name = True, "kl"

    def init(self, s0, vocab_size):
        self.prev = torch.full((vocab_size,), -math.log(vocab_size), dtype=torch.float64)

    def check(self, s, logits):
        cur = remembered_log_probs(logits)
        value = kl_divergence(self.prev, cur)
        self.prev = cur
        return value, value < self.threshold


class MinPKLCriterion(KLCriterion):
    """KL of min-p filtered distributions: p < 0.1 * max p replaced by 1/V, renormalised.

    A p that sits next to its cut may be filtered differently by a float32 engine, so for robustness analysis the
    check also evaluates the value with every such p (within NEAR relative) forced to each side (`alternatives`).
    """

    name = "minp-kl"
    NEAR = 1e-3

    @staticmethod
    def filtered(log_p: torch.Tensor, near_dropped: Optional[bool] = None) -> torch.Tensor:
        p = torch.exp(log_p)
        cut = 0.1 * p.max()
        dropped = p < cut
        if near_dropped is not None:
            near = (p - cut).abs() / cut < MinPKLCriterion.NEAR
            dropped = torch.where(near, torch.full_like(dropped, near_dropped), dropped)
        p = torch.where(dropped, torch.full_like(p, 1.0 / p.numel()), p)
        return torch.log(p / p.sum())

    @staticmethod
    def cut_distance(log_p: torch.Tensor) -> float:
        p = torch.exp(log_p)
        cut = 0.1 * p.max()
        return float(((p - cut).abs() / cut).min())

    def check(self, s, logits):
        cur = remembered_log_probs(logits)
        value = kl_divergence(self.filtered(self.prev), self.filtered(cur))
        self.filter_margin = min(self.cut_distance(self.prev), self.cut_distance(cur))
        self.alternatives = [kl_divergence(self.filtered(self.prev, a), self.filtered(cur, b))
                             for a in (False, True) for b in (False, True)]
        self.prev = cur
        return value, value < self.threshold

    def margin(self, value):
        return min(abs(v - self.threshold) / abs(self.threshold) for v in [value] + self.alternatives)


class EntropyDiffCriterion(ExitCriterion):
    needs_logits, name = True, "entropy-diff"

    def init(self, s0, vocab_size):
        self.prev = 100.0

    def check(self, s, logits):
        p = torch.exp(remembered_log_probs(logits))
        h = float(-(p * torch.log(p + 1e-10)).sum())
        value = abs(h - self.prev)
        self.prev = h
        return value, value < self.threshold


class LatentCriterion(ExitCriterion):
    """A criterion on successive states: distance(s, previous s) < threshold, in float64 whatever the engine's
    dtype; the first previous is s0."""

    def init(self, s0, vocab_size):
        self.prev = s0.to(torch.float64)

    def check(self, s, logits):
        s = s.to(torch.float64)
        value = self.distance(s, self.prev)
        self.prev = s
        return value, value < self.threshold

    @staticmethod
    def distance(s: torch.Tensor, prev: torch.Tensor) -> float:
        raise NotImplementedError


class LatentDiffCriterion(LatentCriterion):
    name = "latent-diff"

    @staticmethod
    def distance(s, prev):
        return float(((s - prev).norm(dim=-1) / s.norm(dim=-1)).mean())


class CosineCriterion(LatentCriterion):
    name = "cosine"

    @staticmethod
    def distance(s, prev):
        denom = torch.clamp(s.norm(dim=-1) * prev.norm(dim=-1), min=1e-8)
        return 1.0 - float(((s * prev).sum(-1) / denom).mean())


class ArgmaxStabilityCriterion(ExitCriterion):
    needs_logits, name = True, "argmax-stability"

    def init(self, s0, vocab_size):
        self.prev, self.count = -1, 0

    def check(self, s, logits):
        top = int(torch.argmax(logits.to(torch.float32)))  # first index of the maximum fp32 logit
        self.count = self.count + 1 if top == self.prev else 0
        self.prev = top
        return self.count, self.count >= self.threshold

    def margin(self, value):
        return float("inf")  # integer count: fragility lies in the argmax itself, checked as a logit gap


class NoCriterion(ExitCriterion):
    name = "none"


CRITERIA = {c.name: c for c in (KLCriterion, MinPKLCriterion, EntropyDiffCriterion, LatentDiffCriterion,
                                CosineCriterion, ArgmaxStabilityCriterion, NoCriterion)}


def make_criterion(name: str, threshold) -> ExitCriterion:
    if name not in CRITERIA:
        raise ValueError(f"unknown exit criterion {name!r}; known: {sorted(CRITERIA)}")
    return CRITERIA[name](threshold)


# ---------------------------------------------------------------------------------------------------------------
# Sampling (contract "Sampling")
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SamplerParams:
    greedy: bool = True
    temperature: float = 1.0
    top_k: int = 0  # 0: off
    top_p: float = 1.0  # 1.0: off
    min_p: float = 0.0  # 0.0: off

    def to_json(self):
        return {"greedy": self.greedy, "temperature": self.temperature, "top_k": self.top_k, "top_p": self.top_p,
                "min_p": self.min_p}


@dataclass
class SampleTrace:
    """How far each decision of one sampling call was from flipping (for the fixture robustness checks)."""

    token: int
    greedy_gap: Optional[float] = None  # top-1 minus top-2 logit
    draw_margin: Optional[float] = None  # min |u - cumulative boundary|, in normalised probability
    filter_margin: Optional[float] = None  # min relative distance of any filter comparison from its cut


def top2_gap(logits: torch.Tensor) -> float:
    top = torch.topk(logits.to(torch.float64), 2).values
    return float(top[0] - top[1])


def sample_token(logits: torch.Tensor, params: SamplerParams, u: float) -> SampleTrace:
    f32 = logits.to(torch.float32)
    if params.greedy:
        return SampleTrace(int(torch.argmax(f32)), greedy_gap=top2_gap(logits))
    p = torch.softmax(f32.to(torch.float64) / params.temperature, dim=-1)
    margins = []
    if params.top_k > 0:
        ranked = torch.sort(p, descending=True).values
        kth = ranked[params.top_k - 1]
        if params.top_k < p.numel():
            margins.append(float((kth - ranked[params.top_k]) / kth))
        p = torch.where(p < kth, torch.zeros_like(p), p)
    if params.top_p < 1.0:
        order = sorted(range(p.numel()), key=lambda i: (-float(p[i]), i))  # descending, stable by index
        cumulative, remove = 0.0, []
        for rank, i in enumerate(order):
            cumulative += float(p[i])
            if float(p[i]) > 0:
                margins.append(abs(cumulative - params.top_p) / params.top_p)
            if rank > 0 and cumulative > params.top_p:
                remove.append(i)
        p = p.clone()
        p[remove] = 0.0
    if params.min_p > 0.0:
        cut = params.min_p * float(p.max())
        margins.extend(float(abs(x - cut) / cut) for x in p if x > 0)
        p = torch.where(p < cut, torch.zeros_like(p), p)
    total = max(float(p.sum()), 1e-10)
    running, token, draw_margin = 0.0, None, float("inf")
    for i in range(p.numel()):
        if p[i] <= 0:
            continue
        running += float(p[i])
        draw_margin = min(draw_margin, abs(u - running / total))
        if token is None and running > u * total:
            token = i
    if token is None:
        token = max(i for i in range(p.numel()) if p[i] > 0)
    return SampleTrace(token, draw_margin=draw_margin, filter_margin=min(margins) if margins else None)


