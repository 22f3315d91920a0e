"""Impact ranking of objectives, to prioritise renegotiation (DESIGN.md section 5).

``impact = volume x gap``, where

- *volume* is how much customers said about the clause: the number of feedback texts
  on its aspect over the period (n);
- *gap* = perception gap + breach gap:

  - perception gap = ``max(0, reference - mean sentiment)``, with ``reference`` the
    higher of neutral (:data:`NEUTRAL`, 0.0) and the
    baseline (the SLA's own mean sentiment over the period): a clause customers feel
    worse about than about the SLA as a whole drags perception down. In sentiment
    units (0..2). Counted only with at least ``metrics.MIN_N`` texts; fewer are
    too few to claim a gap;
  - breach gap = the share of measured months in which the clause missed its target
    (0..1), for measured clauses; 0 when nothing was measured.

So 40 comments at -0.30 on a clause met every month weigh 40 x 0.30 = 12;
10 comments at +0.20 on a clause missed 3 of 12 months weigh 10 x 0.25 = 2.5.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from engage.analysis.metrics import MIN_N

#: The gap is measured down from neutral: every point below it is felt, even above the
#: watermelon floor (which decides the verdict, not the ranking).
NEUTRAL = 0.0


@dataclass(frozen=True)
class Impact:
    """One clause's volume, its two gaps and their product."""

    volume: int
    perception_gap: float
    breach_gap: float

    @property
    def gap(self) -> float:
        return self.perception_gap + self.breach_gap

    @property
    def score(self) -> float:
        return self.volume * self.gap


def impact(
    n: int,
    mean: float | None,
    met: int = 0,
    measured: int = 0,
    floor: float = NEUTRAL,
    baseline: float | None = None,
) -> Impact:
    """Impact of one clause (see the module docstring for the formula).

    :param n: feedback texts on the clause's aspect; ``mean`` their mean sentiment.
    :param met: months the clause met its target, of ``measured`` measured months.
    :param baseline: the SLA's mean sentiment, when the reference should be it.
    """
    reference = floor if baseline is None else max(floor, baseline)
    perception_gap = 0.0
    if mean is not None and n >= MIN_N:
        perception_gap = max(0.0, reference - mean)
    breach_gap = (measured - met) / measured if measured else 0.0
    return Impact(n, perception_gap, breach_gap)


T = TypeVar("T")


def rank(items: Iterable[tuple[T, Impact]]) -> list[tuple[int, T, Impact]]:
    """Items by impact, highest first, numbered from 1 (ties share the order given)."""
    ordered = sorted(items, key=lambda pair: -pair[1].score)
    return [(i + 1, item, imp) for i, (item, imp) in enumerate(ordered)]
