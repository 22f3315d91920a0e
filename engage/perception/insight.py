"""Why an SLA reads the way it does: its clauses, themes, quotes, sessions and actions.

Everything here counts the SLA's subtree (the ids from ``queries.subtree_ids``), so a
customer or corporate SLA rolls up the feedback below it, each row once. Figures come
from the rollups. This module gathers the evidence (:func:`build_insight`) and reads
the sessions, open actions and renegotiation effects; the clause lines are in
:mod:`engage.perception.clauses`, the texts, themes and quotes in
:mod:`engage.perception.texts`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from engage.analysis.effect import Effect, Sample, welch
from engage.analysis.metrics import Estimate
from engage.analysis.themes import Theme, themes
from engage.extensions import db
from engage.models import ActionItem, Agreement, ListeningSession
from engage.models.action import OPEN_STATUSES
from engage.models.session import session_agreements
from engage.perception import queries
from engage.perception.clauses import ObjectiveLine, objective_lines
from engage.perception.queries import Point, Sums
from engage.perception.texts import (
    THEMES,
    Quote,
    aspect_keywords,
    covered_aspects,
    pick_quotes,
    recent_texts,
)
from engage.sla.compliance import ComplianceGrid

#: Sessions and action items listed.
LISTED = 5
#: Months compared before and after a renegotiation.
EFFECT_MONTHS = 6


@dataclass(frozen=True)
class BeforeAfter:
    """Perception in the months before and after one version took effect."""

    label: str
    effective_from: date
    months: int
    before: Estimate
    after: Estimate
    effect: Effect | None


@dataclass
class Insight:
    """The evidence behind an SLA's verdict."""

    objectives: list[ObjectiveLine] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    unmet: list[Theme] = field(default_factory=list)
    positive: list[Quote] = field(default_factory=list)
    negative: list[Quote] = field(default_factory=list)
    sessions: list[ListeningSession] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    effects: list[BeforeAfter] = field(default_factory=list)
    #: How many feedback texts the themes and quotes were read from.
    texts: int = 0


def recent_sessions(
    ids: Collection[int], limit: int = LISTED
) -> list[ListeningSession]:
    """Listening sessions that discussed any of ``ids``, most recent first."""
    if not ids:
        return []
    discussed = select(session_agreements.c.session_id).where(
        session_agreements.c.agreement_id.in_(list(ids))
    )
    return list(
        db.session.scalars(
            select(ListeningSession)
            .where(ListeningSession.id.in_(discussed))
            .order_by(ListeningSession.held_on.desc(), ListeningSession.id.desc())
            .limit(limit)
        )
    )


def open_actions(ids: Collection[int], limit: int = LISTED) -> list[ActionItem]:
    """Open action items about any of ``ids``, most recent first."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(ActionItem)
            .where(
                ActionItem.agreement_id.in_(list(ids)),
                ActionItem.status.in_(OPEN_STATUSES),
            )
            .order_by(ActionItem.created_at.desc(), ActionItem.id.desc())
            .limit(limit)
        )
    )


def _sample(sums: Sums) -> Sample:
    return Sample(int(sums.text_n), sums.text_sum, sums.text_sumsq)


def before_after(
    agreement: Agreement,
    ids: Collection[int],
    months: int = EFFECT_MONTHS,
    today: date | None = None,
) -> list[BeforeAfter]:
    """For each version after the first: perception ``months`` before vs after."""
    today = today or date.today()
    span = timedelta(days=round(30.44 * months))
    out = []
    for version in agreement.versions[1:]:
        day = version.effective_from
        if day > today:
            continue
        before = queries.period_sums(ids, day - span, day - timedelta(days=1))
        after = queries.period_sums(ids, day, min(day + span, today))
        out.append(
            BeforeAfter(
                label=f"v{version.number}",
                effective_from=day,
                months=months,
                before=before.sentiment,
                after=after.sentiment,
                effect=welch(_sample(before), _sample(after)),
            )
        )
    return out


def build_insight(
    agreement: Agreement,
    grid: ComplianceGrid,
    ids: Collection[int],
    start: date,
    end: date,
    baseline: float | None = None,
    months: Sequence[Point] | None = None,
) -> Insight:
    """Gather the evidence for one SLA over ``start..end`` (see the module doc).

    :param months: the SLA's monthly series, when already read (saves a query).
    """
    read = recent_texts(ids, start, end, months=months)
    found = themes(
        [doc for _, doc in read], covered_aspects(grid, ids), aspect_keywords()
    )
    positive, negative = pick_quotes([quote for quote, _ in read])
    return Insight(
        objectives=objective_lines(grid, ids, start, end, baseline),
        themes=found[:THEMES],
        unmet=[t for t in found if t.unmet][:THEMES],
        positive=positive,
        negative=negative,
        sessions=recent_sessions(ids),
        actions=open_actions(ids),
        effects=before_after(agreement, ids),
        texts=len(read),
    )
