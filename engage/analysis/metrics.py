"""Survey figures with their n and a 95 % confidence interval (DESIGN.md section 5).

Plain functions over plain numbers; no app, no database.

- CSAT: the share of 4 and 5 answers on a 1-5 scale, a proportion in 0..1, with the
  Wilson score interval.
- NPS ("happiness"): % of 9-10 minus % of 0-6 on a 0-10 scale, in -100..100, with the
  standard NPS variance ``p_pro + p_det - (p_pro - p_det)^2`` and a normal interval.
- CES and lost time: means with a Student t interval.

scipy is not a dependency, so the two-sided 95 % t critical value comes from the
printed table for 1..30 degrees of freedom and, above 30, from the normal quantile
(``statistics.NormalDist``) with the Cornish-Fisher expansion, which is within 0.0002 of
the exact value there. Below :data:`MIN_N` answers the UI says "too few responses".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist, fmean, stdev

#: Fewer answers than this and a page shows "too few responses" instead of a figure.
MIN_N = 5
CONFIDENCE = 0.95
_Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)  # 1.959964...

#: Two-sided 95 % critical values of Student's t, by degrees of freedom 1..30.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


@dataclass(frozen=True)
class Estimate:
    """A figure, how many answers it rests on, and its 95 % interval.

    ``value`` is None when ``n`` is 0; ``low``/``high`` are None when no interval can
    be computed (no answers, or a mean of a single answer).
    """

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None

    @property
    def enough(self) -> bool:
        """Whether there are enough answers to show the figure (n >= MIN_N)."""
        return self.n >= MIN_N


def t_critical(df: int) -> float:
    """The two-sided 95 % critical value of Student's t with ``df`` degrees of freedom.

    :raise ValueError: ``df`` < 1.
    """
    if df < 1:
        raise ValueError("t needs at least one degree of freedom")
    if df <= len(_T95):
        return _T95[df - 1]
    z = _Z
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _checked(values: Iterable[float], low: float, high: float) -> list[float]:
    numbers = [float(v) for v in values]
    for v in numbers:
        if not low <= v <= high or math.isnan(v):
            raise ValueError(f"{v} is outside {low:g}..{high:g}")
    return numbers


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``successes / n`` (n > 0)."""
    p = successes / n
    z2 = _Z * _Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def csat(values: Iterable[float]) -> Estimate:
    """CSAT: the share of 4-5 answers among 1-5 ratings, with Wilson's interval.

    :raise ValueError: a value outside 1..5.
    """
    numbers = _checked(values, 1, 5)
    return csat_from_counts(sum(1 for v in numbers if v >= 4), len(numbers))


def csat_from_counts(satisfied: int, n: int) -> Estimate:
    """CSAT from its counts (as daily rollups keep them): ``satisfied`` of ``n``."""
    if not n:
        return Estimate(None, 0)
    low, high = wilson(satisfied, n)
    return Estimate(satisfied / n, n, low, high)


def nps(values: Iterable[float]) -> Estimate:
    """NPS: % of 9-10 minus % of 0-6 among 0-10 ratings, in -100..100.

    The interval uses ``var = p_pro + p_det - (p_pro - p_det)^2``, ``se = sqrt(var/n)``.

    :raise ValueError: a value outside 0..10.
    """
    numbers = _checked(values, 0, 10)
    return nps_from_counts(
        sum(1 for v in numbers if v >= 9),
        sum(1 for v in numbers if v <= 6),
        len(numbers),
    )


def nps_from_counts(promoters: int, detractors: int, n: int) -> Estimate:
    """NPS from its counts: ``promoters`` (9-10) and ``detractors`` (0-6) of ``n``."""
    if not n:
        return Estimate(None, 0)
    return _nps(promoters / n, detractors / n, n)


def _nps(promoters: float, detractors: float, n: int) -> Estimate:
    score = promoters - detractors
    se = math.sqrt(max(promoters + detractors - score**2, 0.0) / n)
    low = max(-1.0, score - _Z * se)
    high = min(1.0, score + _Z * se)
    return Estimate(score * 100, n, low * 100, high * 100)


def mean(values: Iterable[float]) -> Estimate:
    """The mean with a Student t interval (none for a single value)."""
    numbers = [float(v) for v in values]
    n = len(numbers)
    if not n:
        return Estimate(None, 0)
    average = fmean(numbers)
    if n == 1:
        return Estimate(average, 1)
    half = t_critical(n - 1) * stdev(numbers) / math.sqrt(n)
    return Estimate(average, n, average - half, average + half)


def mean_from_sums(n: int, total: float, total_sq: float) -> Estimate:
    """The mean and its t interval from ``n``, the sum and the sum of squares.

    Daily rollups keep these three numbers, so a figure over any period is a sum of
    rows, never a scan of raw feedback. The sample variance is
    ``(total_sq - total^2 / n) / (n - 1)``, floored at 0 against rounding.
    """
    if not n:
        return Estimate(None, 0)
    average = total / n
    if n == 1:
        return Estimate(average, 1)
    variance = max((total_sq - total * total / n) / (n - 1), 0.0)
    half = t_critical(n - 1) * math.sqrt(variance / n)
    return Estimate(average, n, average - half, average + half)


def sentiment_from_sums(n: int, total: float, total_sq: float) -> Estimate:
    """Mean sentiment from rollup sums, its interval clipped to -1..1."""
    return _clipped(mean_from_sums(n, total, total_sq), -1, 1)


def ces(values: Iterable[float]) -> Estimate:
    """CES: the mean of 1-7 effort ratings, with a t interval clipped to 1..7.

    :raise ValueError: a value outside 1..7.
    """
    return _clipped(mean(_checked(values, 1, 7)), 1, 7)


def lost_time(values: Iterable[float]) -> Estimate:
    """Lost time: mean hours per response, with a t interval (never below 0).

    :raise ValueError: a negative value.
    """
    return _clipped(mean(_checked(values, 0, math.inf)), 0, math.inf)


def sentiment(values: Iterable[float]) -> Estimate:
    """Mean VADER compound (-1..1) of free-text answers, with a t interval."""
    return _clipped(mean(_checked(values, -1, 1)), -1, 1)


def _clipped(estimate: Estimate, low: float, high: float) -> Estimate:
    if estimate.low is None or estimate.high is None:
        return estimate
    return Estimate(
        estimate.value,
        estimate.n,
        max(low, estimate.low),
        min(high, estimate.high),
    )


def sentiment_word(compound: float | None) -> str:
    """A plain word for a VADER compound, with VADER's usual +/-0.05 cut-offs."""
    if compound is None:
        return "not scored"
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"
