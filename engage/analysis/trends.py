"""Perception over time: periods, series, and whether a series rises or falls.

Plain functions over plain numbers (DESIGN.md section 5):

- :func:`period_start` buckets a day into its ISO week (Monday), month or quarter;
- :func:`mann_kendall` is the Mann-Kendall trend test with the tie correction of the
  variance and a two-sided normal p-value, plus Sen's slope (the median of pairwise
  slopes) for the size of the trend. It needs no distribution, copes with ties and
  uneven steps, and is the test hydrologists and reliability engineers use for short
  monthly series; below :data:`MIN_POINTS` points it answers "flat" with no p-value.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist, median

#: Fewer periods than this and no trend is claimed.
MIN_POINTS = 4
#: Significance level for "rising" and "falling".
ALPHA = 0.05


class Period(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class Direction(enum.StrEnum):
    RISING = "rising"
    FALLING = "falling"
    FLAT = "flat"


def period_start(day: date, period: Period) -> date:
    """The first day of the week (Monday), month or quarter holding ``day``."""
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_period(start: date, period: Period) -> date:
    """The first day of the period after the one starting on ``start``."""
    if period is Period.WEEK:
        return start + timedelta(days=7)
    months = 1 if period is Period.MONTH else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def periods(first: date, last: date, period: Period) -> list[date]:
    """Every period start from the one holding ``first`` to the one holding ``last``."""
    out: list[date] = []
    current = period_start(first, period)
    while current <= last:
        out.append(current)
        current = next_period(current, period)
    return out


@dataclass(frozen=True)
class TrendTest:
    """The Mann-Kendall test of a series: S, its variance, z, p and Sen's slope."""

    n: int
    s: int
    var_s: float
    z: float
    p: float | None
    slope: float | None
    direction: Direction

    @property
    def significant(self) -> bool:
        return self.direction is not Direction.FLAT


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def mann_kendall(values: Sequence[float], alpha: float = ALPHA) -> TrendTest:
    """Mann-Kendall trend test of ``values`` in time order (two-sided).

    ``S = sum(sign(x_j - x_i))`` over i < j; ``Var(S) = [n(n-1)(2n+5) - sum over tied
    groups t(t-1)(2t+5)] / 18``; ``z = (S - sign(S)) / sqrt(Var(S))`` (continuity
    correction); ``p = 2 (1 - Phi(|z|))``.
    """
    x = [float(v) for v in values]
    n = len(x)
    if n < MIN_POINTS:
        return TrendTest(n, 0, 0.0, 0.0, None, None, Direction.FLAT)
    s = 0
    slopes: list[float] = []
    for i in range(n - 1):
        xi = x[i]
        for j in range(i + 1, n):
            s += _sign(x[j] - xi)
            slopes.append((x[j] - xi) / (j - i))
    ties: dict[float, int] = {}
    for v in x:
        ties[v] = ties.get(v, 0) + 1
    tie_term = sum(t * (t - 1) * (2 * t + 5) for t in ties.values() if t > 1)
    var_s = (n * (n - 1) * (2 * n + 5) - tie_term) / 18
    if var_s <= 0:
        return TrendTest(n, s, var_s, 0.0, 1.0, 0.0, Direction.FLAT)
    z = (s - _sign(s)) / math.sqrt(var_s)
    p = 2 * (1 - NormalDist().cdf(abs(z)))
    direction = Direction.FLAT
    if p < alpha:
        direction = Direction.RISING if z > 0 else Direction.FALLING
    return TrendTest(n, s, var_s, z, p, median(slopes), direction)
