"""The Perception card of one SLA page: series, verdict, aspects and the figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engage.analysis.trends import Period
from engage.auth.access import agreements_query, visible_customer_ids
from engage.extensions import db
from engage.models import Agreement, User
from engage.perception import figures, queries, timeline
from engage.perception.insight import Insight, build_insight
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
    #: Why: clauses, themes, quotes, sessions, actions, before vs after.
    insight: Insight
    start: date
    end: date


def visible_ids(user: User | None) -> set[int] | None:
    """The agreement ids ``user`` may see; None (all) without a user."""
    if user is None or visible_customer_ids(user) is None:
        return None  # admins and viewers see every agreement: no need to list them
    return {a.id for a in db.session.scalars(agreements_query(user))}


def sla_perception(
    agreement: Agreement, grid: ComplianceGrid, user: User | None
) -> SlaPerception | None:
    """Perception over the months of ``grid`` for ``agreement`` and its subtree.

    :param user: whose view it is (their visible agreements count); None: everyone's.
    """
    if not grid.periods:
        return None
    ids = queries.subtree_ids(agreement, visible_ids(user))
    start = grid.periods[0]
    end = add_months(grid.periods[-1], 1) - timedelta(days=1)
    points = timeline.series(ids, start, end, Period.MONTH)
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
    verdict = judge(grid, points, sums)
    baseline = verdict.perception.value if verdict.perception.enough else None
    return SlaPerception(
        points=points,
        compliance=compliance,
        verdict=verdict,
        aspects=queries.aspects(ids, start, end),
        versions=versions,
        subtree=len(ids),
        figure=figures.sla_trend(
            points, compliance, [(d.isoformat(), label) for d, label in versions]
        ),
        insight=build_insight(agreement, grid, ids, start, end, baseline, points),
        start=start,
        end=end,
    )
