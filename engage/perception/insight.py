"""Why an SLA reads the way it does: its clauses, themes, quotes, sessions and actions.

Everything here counts the SLA's subtree (the ids from ``queries.subtree_ids``), so a
customer or corporate SLA rolls up the feedback below it, each row once. Figures come
from the rollups; the only read of the feedback table is :func:`recent_texts`, one
indexed query (``ix_feedback_agreement_received``) bounded by :data:`TEXT_LIMIT`,
which feeds both the themes and the quotes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from engage.analysis.effect import Effect, Sample, welch
from engage.analysis.impact import Impact, impact, rank
from engage.analysis.metrics import Estimate
from engage.analysis.themes import Doc, Theme, themes
from engage.analysis.trends import TrendTest
from engage.analysis.watermelon import Alignment, classify
from engage.extensions import db
from engage.models import (
    ActionItem,
    Agreement,
    Aspect,
    Customer,
    Feedback,
    FeedbackKind,
    ListeningSession,
    Measure,
    Objective,
    Slice,
)
from engage.models.action import OPEN_STATUSES
from engage.models.session import session_agreements
from engage.perception import queries
from engage.perception.portfolio import COMPLIANT_SHARE, Compliance
from engage.perception.queries import Point, Sums
from engage.sla.compliance import ComplianceGrid, ObjectiveRow, add_months, meets

#: At most this many recent feedback texts feed the themes and quotes.
TEXT_LIMIT = 500
#: Quotes shown on each side, sessions and action items listed.
QUOTES = 3
LISTED = 5
#: Months compared before and after a renegotiation.
EFFECT_MONTHS = 6
#: Themes shown.
THEMES = 8


@dataclass(frozen=True)
class ObjectiveLine:
    """One clause in force: its compliance, how customers feel about its aspect."""

    objective: Objective
    compliance: Compliance
    perception: Estimate
    trend: TrendTest
    alignment: Alignment
    impact: Impact
    rank: int = 0

    @property
    def aspect(self) -> str:
        return self.objective.aspect.name

    @property
    def why(self) -> str:
        """One plain line: compliance, perception of the aspect, trend."""
        c = self.compliance
        parts = [
            f"target met in {c.met} of {c.measured} measured months"
            if c.measured
            else "not measured in the period"
        ]
        p = self.perception
        if p.value is None or not p.enough:
            parts.append(f"too few comments on {self.aspect} (n = {p.n})")
        else:
            parts.append(f"mean sentiment on {self.aspect} {p.value:+.2f} (n = {p.n})")
        if self.trend.p is not None and self.trend.significant:
            parts.append(
                f"{self.trend.direction.value} (Mann-Kendall p = {self.trend.p:.3f})"
            )
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class Quote:
    """A piece of feedback text shown as it was said."""

    feedback_id: int
    text: str
    compound: float
    received_at: datetime
    source: str
    customer: str

    def as_json(self) -> dict[str, object]:
        return {
            "feedback_id": self.feedback_id,
            "text": self.text,
            "sentiment": round(self.compound, 3),
            "date": self.received_at.date().isoformat(),
            "source": self.source,
            "customer": self.customer,
        }


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


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """``start 00:00`` and the midnight after ``end``, in UTC."""
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _cutoff(
    ids: Collection[int],
    start: date,
    end: date,
    limit: int,
    months: Sequence[Point] | None = None,
) -> date:
    """The latest day from which ``ids`` have ``limit`` texts up to ``end``.

    :param months: the monthly series already read for the page, if any: the month
        in which the count is reached is found from it, so only that month's daily
        rollups are read (a corporate SLA has tens of thousands of daily rows).
    """
    if months:
        counted = 0
        for point in reversed(months):
            counted += point.n
            if counted >= limit:
                break
        else:
            return start
        first = max(start, point.start)
        last = min(end, add_months(point.start, 1) - timedelta(days=1))
        need = limit - (counted - point.n)
    else:
        first, last, need = start, end, limit
    counted_days = 0.0
    days = queries.daily_sums(ids, first, last)
    for _, day in sorted(days, reverse=True):
        counted_days += days[(0, day)].text_n
        if counted_days >= need:
            return day
    return first


def recent_texts(
    ids: Collection[int],
    start: date,
    end: date,
    limit: int = TEXT_LIMIT,
    months: Sequence[Point] | None = None,
) -> list[tuple[Quote, Doc]]:
    """The latest ``limit`` scored texts of ``ids`` in ``start..end``, newest first.

    The daily rollups say how many texts each day holds, so the query starts at the
    latest day from which ``limit`` texts are reached: with a million rows it reads
    about ``limit`` of them instead of sorting the whole period.
    """
    if not ids:
        return []
    low, high = _bounds(_cutoff(ids, start, end, limit, months), end)
    stmt = (
        select(
            Feedback.id,
            Feedback.text,
            Feedback.compound,
            Feedback.received_at,
            Feedback.source,
            Feedback.aspect_matches,
            Customer.name,
            Aspect.name,
        )
        .join(Customer, Customer.id == Feedback.customer_id)
        .outerjoin(Aspect, Aspect.id == Feedback.aspect_id)
        .where(
            Feedback.agreement_id.in_(list(ids)),
            Feedback.received_at >= low,
            Feedback.received_at < high,
            Feedback.kind == FeedbackKind.TEXT,
            Feedback.compound.is_not(None),
            Feedback.text.is_not(None),
        )
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    out = []
    for (
        fid,
        text,
        compound,
        received,
        source,
        matches,
        customer,
        aspect,
    ) in db.session.execute(stmt):
        names = [str(m.get("aspect")) for m in matches or [] if m.get("aspect")]
        if aspect and aspect not in names:
            names.append(aspect)
        quote = Quote(fid, text, compound, received, source.value, customer)
        out.append((quote, Doc(text, compound, tuple(names))))
    return out


def pick_quotes(quotes: Sequence[Quote], k: int = QUOTES) -> tuple[list[Quote], ...]:
    """The ``k`` most positive and ``k`` most negative quotes (newest wins ties).

    A statement repeated word for word (the same ask at two reviews) is quoted once.
    """
    positive = sorted(
        (q for q in quotes if q.compound > 0.05),
        key=lambda q: (-q.compound, -q.received_at.timestamp()),
    )
    negative = sorted(
        (q for q in quotes if q.compound < -0.05),
        key=lambda q: (q.compound, -q.received_at.timestamp()),
    )
    return _distinct(positive, k), _distinct(negative, k)


def _distinct(quotes: list[Quote], k: int) -> list[Quote]:
    seen: set[str] = set()
    out = []
    for quote in quotes:
        key = " ".join(quote.text.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(quote)
        if len(out) == k:
            break
    return out


def covered_aspects(grid: ComplianceGrid, ids: Collection[int]) -> set[str]:
    """Aspects an objective in force covers: this SLA's (inherited too) and below."""
    names = {
        r.effective.objective.aspect.name
        for r in grid.rows
        if r.effective.objective.dropped_in is None
    }
    if ids:
        names.update(
            db.session.scalars(
                select(Aspect.name)
                .join(Objective, Objective.aspect_id == Aspect.id)
                .where(
                    Objective.agreement_id.in_(list(ids)),
                    Objective.dropped_in.is_(None),
                )
                .distinct()
            )
        )
    return names


def aspect_keywords() -> dict[str, list[str]]:
    """Active aspect name -> its keywords."""
    rows = db.session.execute(select(Aspect.name, Aspect.keywords).where(Aspect.active))
    return {name: list(keywords or []) for name, keywords in rows}


def _compliance(row: ObjectiveRow, sums: Sums) -> Compliance:
    """A clause's months met; a perception clause judged once on its aspect's sums."""
    objective = row.effective.objective
    if row.measured or objective.measure is Measure.METRIC:
        return Compliance(row.met, row.measured)
    value = {
        Measure.HAPPINESS: sums.happiness.value,
        Measure.CSAT: None if sums.csat.value is None else 100 * sums.csat.value,
        Measure.SENTIMENT: sums.sentiment.value,
    }[objective.measure]
    if value is None:
        return Compliance(0, 0)
    return Compliance(int(meets(value, objective.target, objective.direction)), 1)


def objective_lines(
    grid: ComplianceGrid,
    ids: Collection[int],
    start: date,
    end: date,
    baseline: float | None = None,
) -> list[ObjectiveLine]:
    """Each clause in force, classified, with its impact rank (1 = act first)."""
    rows = [r for r in grid.rows if r.effective.objective.dropped_in is None]
    # One query for every clause's aspect: monthly points and period sums.
    by_aspect = queries.slice_series(
        ids, start, end, Slice.ASPECT, {r.effective.objective.aspect_id for r in rows}
    )
    lines = []
    for row in rows:
        objective = row.effective.objective
        points, sums = by_aspect[objective.aspect_id]
        trend = queries.trend(points)
        compliance = _compliance(row, sums)
        perception = sums.sentiment
        share = compliance.share
        compliant = None if share is None else share >= COMPLIANT_SHARE
        lines.append(
            ObjectiveLine(
                objective=objective,
                compliance=compliance,
                perception=perception,
                trend=trend,
                alignment=classify(compliant, perception, trend),
                impact=impact(
                    perception.n,
                    perception.value,
                    compliance.met,
                    compliance.measured,
                    baseline=baseline,
                ),
            )
        )
    ranked = rank((line, line.impact) for line in lines)
    return [
        ObjectiveLine(
            line.objective,
            line.compliance,
            line.perception,
            line.trend,
            line.alignment,
            line.impact,
            position,
        )
        for position, line, _ in ranked
    ]


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


def texts_themes(
    ids: Collection[int],
    start: date,
    end: date,
    covered: Collection[str],
    months: Sequence[Point] | None = None,
) -> tuple[list[Theme], list[Quote], list[Quote], int]:
    """Themes and quotes of ``ids`` without a grid (the customer page)."""
    read = recent_texts(ids, start, end, months=months)
    found = themes([doc for _, doc in read], covered, aspect_keywords())
    positive, negative = pick_quotes([quote for quote, _ in read])
    return found, positive, negative, len(read)
