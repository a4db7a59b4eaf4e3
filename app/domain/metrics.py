"""Balance metrics over participants' airtimes (DOMAIN.md M7-M10).

Undefined values are None, never 0 or NaN (M10).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Balance:
    gini: float | None
    gini_normalized: float | None
    evenness: float | None
    effective_speakers: float | None


def shares(airtimes: Sequence[int]) -> list[float] | None:
    """M7 shares s_i = T_i / sum T; None while nobody has spoken."""
    total = sum(airtimes)
    if total == 0:
        return None
    return [t / total for t in airtimes]


def gini(airtimes: Sequence[int]) -> float | None:
    """M8 G = sum_i sum_j |T_i - T_j| / (2 N sum T), in exact integer arithmetic."""
    n, total = len(airtimes), sum(airtimes)
    if n == 0 or total == 0:
        return None
    ordered = sorted(airtimes)
    # sum over all ordered pairs of |x_i - x_j| = 2 * sum_k (2k - n + 1) x_(k), k from 0.
    pair_sum = 2 * sum((2 * k - n + 1) * x for k, x in enumerate(ordered))
    return pair_sum / (2 * n * total)


def balance(airtimes: Sequence[int]) -> Balance:
    """Gini, normalized Gini, evenness and effective speakers for participants."""
    n = len(airtimes)
    g = gini(airtimes)
    fractions = shares(airtimes)
    if g is None or fractions is None:
        return Balance(None, None, None, None)
    normalized = g * n / (n - 1) if n >= 2 else None
    entropy = -sum(p * math.log(p) for p in fractions if p > 0)
    evenness = entropy / math.log(n) if n >= 2 else None
    effective = 1 / sum(p * p for p in fractions)
    return Balance(g, normalized, evenness, effective)
