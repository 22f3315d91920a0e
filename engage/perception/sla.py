"""The Perception card of one SLA page: series, verdict, aspects and the figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engage.analysis.trends import Period
from engage.auth.access import agreements_query
from engage.extensions import db
from engage.models import Agreement, User
from engage.perception import figures, queries
from engage.perception.portfolio import Verdict, judge
from engage.perception.queries import AspectLine, Point
from engage.sla.compliance import ComplianceGrid, add_months


@dataclass
class SlaPerception:
    """Everything the card shows; ``figure`` is ready for ``tojson``."""

    points: list[Point]
    compliance: list[float | None]
    verdict: Verdict
    aspects: list[AspectLine]
    versions: list[tuple[date, str]]
    subtree: int
    figure: dict[str, Any]


def sla_perception(
    agreement: Agreement, grid: ComplianceGrid, user: User
) -> SlaPerception | None:
    """Perception over the months of ``grid`` for ``agreement`` and its subtree."""
    if not grid.periods:
        return None
    allowed = {a.id for a in db.session.scalars(agreements_query(user))}
    ids = queries.subtree_ids(agreement, allowed)
    start = grid.periods[0]
    end = add_months(grid.periods[-1], 1) - timedelta(days=1)
    points = queries.series(ids, start, end, Period.MONTH)
    sums = queries.period_sums(ids, start, end)
    compliance = [
        round(100 * s.met / s.measured, 1) if s.measured else None
        for s in grid.summaries
    ]
    versions = [
        (v.effective_from, f"v{v.number}")
        for v in agreement.versions
        if start <= v.effective_from <= end
    ]
    return SlaPerception(
        points=points,
        compliance=compliance,
        verdict=judge(grid, points, sums),
        aspects=queries.aspects(ids, start, end),
        versions=versions,
        subtree=len(ids),
        figure=figures.sla_trend(
            points, compliance, [(d.isoformat(), label) for d, label in versions]
        ),
    )
