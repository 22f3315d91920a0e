"""Feedback texts behind an SLA: the one bounded read of them, its themes and quotes.

The only read of the feedback table is :func:`recent_texts`, one indexed query
(``ix_feedback_agreement_received``) bounded by :data:`TEXT_LIMIT`, which feeds both
the themes and the quotes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from engage.analysis.themes import Doc, Theme, themes
from engage.extensions import db
from engage.models import Aspect, Customer, Feedback, FeedbackKind, Objective
from engage.perception import queries
from engage.perception.queries import Point
from engage.sla.compliance import ComplianceGrid, add_months

#: At most this many recent feedback texts feed the themes and quotes.
TEXT_LIMIT = 500
#: Quotes shown on each side.
QUOTES = 3
#: Themes shown.
THEMES = 8


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
