"""Perception targets: clauses judged from what customers feel, not from measurements.

A clause such as "happiness >= 40 for service desk" (``Objective.measure`` other than
METRIC) is judged each month from the daily feedback rollups of its aspect, like a
measurement would be: met, breached, or no data when too few customers answered
(:data:`engage.analysis.metrics.MIN_N`, the same bar as every perception figure).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import func, select

from engage.analysis.metrics import (
    MIN_N,
    csat_from_counts,
    nps_from_counts,
    sentiment_from_sums,
)
from engage.extensions import db
from engage.models import FeedbackRollup, Measure, Objective, Slice
from engage.sla.compliance import add_months, month_start

#: What each perception measure reads from a rollup row, and its range.
RANGES: dict[Measure, tuple[float, float]] = {
    Measure.HAPPINESS: (-100.0, 100.0),
    Measure.CSAT: (0.0, 100.0),
    Measure.SENTIMENT: (-1.0, 1.0),
}
UNITS: dict[Measure, str] = {Measure.HAPPINESS: "", Measure.CSAT: "%"}


def value_of(measure: Measure, sums: dict[str, float]) -> float | None:
    """The measure's value from summed rollup counters, None below ``MIN_N``.

    Happiness is the NPS formula (-100..100), CSAT the share satisfied as a %
    (0..100), sentiment the mean compound score (-1..1).
    """
    if measure is Measure.HAPPINESS:
        estimate = nps_from_counts(
            int(sums["nps_pro"]), int(sums["nps_det"]), int(sums["nps_n"])
        )
        scale = 1.0
    elif measure is Measure.CSAT:
        estimate = csat_from_counts(int(sums["csat_sat"]), int(sums["csat_n"]))
        scale = 100.0
    elif measure is Measure.SENTIMENT:
        estimate = sentiment_from_sums(
            int(sums["text_n"]), sums["text_sum"], sums["text_sumsq"]
        )
        scale = 1.0
    else:
        raise ValueError(f"{measure} is not a perception measure")
    if estimate.value is None or estimate.n < MIN_N:
        return None
    return estimate.value * scale


_FIELDS = (
    "nps_n",
    "nps_pro",
    "nps_det",
    "csat_n",
    "csat_sat",
    "text_n",
    "text_sum",
    "text_sumsq",
)


def observed(
    agreement_ids: Collection[int],
    objectives: Sequence[Objective],
    periods: list[date],
) -> dict[tuple[int, date], float | None]:
    """Each perception target's observed value per month, from the aspect rollups.

    One query for all clauses: the rollups of ``agreement_ids`` (the SLA and those
    below it, see :func:`engage.perception.queries.subtree_ids`) on the clauses'
    aspects, summed per aspect and month.

    :param objectives: any clauses; measured ones are skipped.
    :param periods: month starts.
    :return: (objective id, month) -> value, None when too few responses.
    """
    targets = [
        o for o in objectives if o.measure is not None and o.measure.is_perception
    ]
    if not targets or not periods or not agreement_ids:
        return {}
    months = sorted(set(periods))
    aspect_ids = sorted({o.aspect_id for o in targets})
    stmt = (
        select(
            FeedbackRollup.slice_id,
            FeedbackRollup.day,
            *[func.sum(getattr(FeedbackRollup, f)) for f in _FIELDS],
        )
        .where(
            FeedbackRollup.agreement_id.in_(list(agreement_ids)),
            FeedbackRollup.slice == int(Slice.ASPECT),
            FeedbackRollup.slice_id.in_(aspect_ids),
            FeedbackRollup.day >= months[0],
            FeedbackRollup.day < add_months(months[-1], 1),
        )
        # Grouped by day, bucketed into months here: portable across SQLite and
        # PostgreSQL, and at most a few thousand rows for a year of months.
        .group_by(FeedbackRollup.slice_id, FeedbackRollup.day)
    )
    wanted = set(months)
    sums: dict[tuple[int, date], dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(_FIELDS, 0.0)
    )
    for aspect_id, day, *values in db.session.execute(stmt):
        month = month_start(day)
        if month not in wanted:
            continue
        bucket = sums[(aspect_id, month)]
        for name, value in zip(_FIELDS, values, strict=True):
            bucket[name] += float(value or 0)
    empty = dict.fromkeys(_FIELDS, 0.0)
    return {
        (o.id, month): value_of(o.measure, sums.get((o.aspect_id, month), empty))
        for o in targets
        for month in periods
    }
