"""Perception before vs after a renegotiation: Welch's t-test on per-comment sentiment.

The rollups keep, per period, the count, sum and sum of squares of the compound
scores of feedback texts, which is all a two-sample t-test needs. Welch's test does
not assume equal variances (a renegotiation may well change how spread out opinions
are):

- ``se = sqrt(v1 / n1 + v2 / n2)`` with the sample variances ``v``;
- ``t = (mean_after - mean_before) / se``;
- Welch-Satterthwaite ``df = se^4 / ((v1/n1)^2 / (n1-1) + (v2/n2)^2 / (n2-1))``;
- two-sided ``p = I_{df/(df+t^2)}(df/2, 1/2)`` (the regularized incomplete beta);
- the difference of means with a 95 % interval ``diff +- t_{0.975, df} x se``.

scipy is not a runtime dependency, so the incomplete beta is computed here with the
continued fraction of Numerical Recipes (section 6.4) and the quantile by bisection;
the tests check both against scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engage.analysis.metrics import CONFIDENCE

TEST_NAME = "Welch's t-test on per-comment sentiment"
_EPS = 3e-16
_TINY = 1e-300


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta (modified Lentz)."""
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 1000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > _TINY else _TINY)
        c = 1 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > _TINY else _TINY)
        c = 1 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta ``I_x(a, b)`` for a, b > 0 and 0 <= x <= 1.

    :raise ValueError: x outside 0..1 or a non-positive parameter.
    """
    if not 0 <= x <= 1 or a <= 0 or b <= 0:
        raise ValueError("incomplete_beta needs a, b > 0 and 0 <= x <= 1")
    if x in (0, 1):
        return float(x)
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry beyond.
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1 - front * _betacf(b, a, 1 - x) / b


def t_sf2(t: float, df: float) -> float:
    """Two-sided tail probability ``P(|T| >= |t|)`` of Student's t with ``df`` > 0."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if math.isinf(t):
        return 0.0
    return incomplete_beta(df / 2, 0.5, df / (df + t * t))


def t_cdf(t: float, df: float) -> float:
    """``P(T <= t)`` for Student's t with ``df`` degrees of freedom."""
    tail = t_sf2(t, df) / 2
    return 1 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (0 < p < 1), by bisection on :func:`t_cdf`."""
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    low, high = -1.0, 1.0
    while t_cdf(low, df) > p:
        low *= 2
    while t_cdf(high, df) < p:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2


@dataclass(frozen=True)
class Sample:
    """Count, sum and sum of squares of per-comment sentiment (as in the rollups)."""

    n: int
    total: float
    total_sq: float

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n - 1 in the denominator), never below 0."""
        if self.n < 2:
            return None
        return max(0.0, (self.total_sq - self.total**2 / self.n) / (self.n - 1))


@dataclass(frozen=True)
class Effect:
    """After minus before, its 95 % interval, and the test behind it."""

    before: float
    after: float
    diff: float
    low: float
    high: float
    t: float
    df: float
    p: float
    test: str = TEST_NAME

    @property
    def significant(self) -> bool:
        return self.p < 1 - CONFIDENCE


def welch(before: Sample, after: Sample) -> Effect | None:
    """Welch's t-test of ``after`` against ``before``; None when it cannot be run.

    It cannot with fewer than two comments on either side, or with no spread at all.
    """
    v1, v2 = before.variance, after.variance
    if v1 is None or v2 is None or before.mean is None or after.mean is None:
        return None
    a, b = v1 / before.n, v2 / after.n
    se2 = a + b
    if se2 <= 0:
        return None
    se = math.sqrt(se2)
    diff = after.mean - before.mean
    t = diff / se
    df = se2**2 / (a**2 / (before.n - 1) + b**2 / (after.n - 1))
    half = t_quantile(1 - (1 - CONFIDENCE) / 2, df) * se
    return Effect(
        before=before.mean,
        after=after.mean,
        diff=diff,
        low=diff - half,
        high=diff + half,
        t=t,
        df=df,
        p=t_sf2(t, df),
    )
