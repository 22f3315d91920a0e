"""Reading the feedback stream: the filtered list and one item's explanation.

Plain functions over the database and the sentiment engine; the views decide who may
see what (``customer_ids`` None means every customer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, Text, and_, cast, or_, select
from sqlalchemy.orm import selectinload

from engage.analysis import engine
from engage.analysis.aspects import AspectMatch, KeywordMap, match_aspects
from engage.extensions import db
from engage.feedback import score_comment
from engage.models import (
    Answer,
    Customer,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    Response,
)

#: VADER's usual cut-offs: at or beyond these a compound is positive or negative.
POSITIVE, NEGATIVE = 0.05, -0.05

#: How each score kind is read: (name, lowest, highest, unit); None: open-ended.
SCORE_SCALES: dict[FeedbackKind, tuple[str, int | None, int | None, str]] = {
    FeedbackKind.CSAT: ("Satisfaction (CSAT)", 1, 5, ""),
    FeedbackKind.HAPPINESS: ("Likelihood to recommend (NPS)", 0, 10, ""),
    FeedbackKind.CES: ("Ease (CES, higher is easier)", 1, 7, ""),
    FeedbackKind.LOST_TIME: ("Time lost", None, None, "hours"),
}


@dataclass(frozen=True)
class Filters:
    """The list's filters; None or "" means any."""

    customer_id: int | None = None
    agreement_id: int | None = None
    source: str = ""
    aspect_id: int | None = None
    sentiment: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _mentions(aspect_id: int) -> ColumnElement[bool]:
    """Tagged with the aspect first, or matched it anywhere in the text."""
    # aspect_matches is JSON written by Python's json (``{"aspect_id": 3, ...}``) on
    # both databases, so its text is searchable the same way on each.
    pattern = f'%"aspect_id": {aspect_id},%'
    return or_(
        Feedback.aspect_id == aspect_id,
        cast(Feedback.aspect_matches, Text).like(pattern),
    )


def _sentiment(word: str) -> ColumnElement[bool]:
    if word == "positive":
        return Feedback.compound >= POSITIVE
    if word == "negative":
        return Feedback.compound <= NEGATIVE
    return and_(Feedback.compound > NEGATIVE, Feedback.compound < POSITIVE)


def feedback_query(filters: Filters, customer_ids: set[int] | None) -> Select[Feedback]:
    """Visible feedback matching ``filters``, newest first."""
    stmt = select(Feedback).options(
        selectinload(Feedback.customer).selectinload(Customer.parent),
        selectinload(Feedback.agreement),
        selectinload(Feedback.aspect),
    )
    if customer_ids is not None:
        stmt = stmt.where(Feedback.customer_id.in_(customer_ids))
    if filters.customer_id is not None:
        departments = select(Customer.id).where(
            Customer.parent_id == filters.customer_id
        )
        stmt = stmt.where(
            or_(
                Feedback.customer_id == filters.customer_id,
                Feedback.customer_id.in_(departments),
            )
        )
    if filters.agreement_id is not None:
        stmt = stmt.where(Feedback.agreement_id == filters.agreement_id)
    if filters.source:
        stmt = stmt.where(Feedback.source == FeedbackSource(filters.source))
    if filters.aspect_id is not None:
        stmt = stmt.where(_mentions(filters.aspect_id))
    if filters.sentiment:
        stmt = stmt.where(
            Feedback.kind == FeedbackKind.TEXT,
            Feedback.compound.is_not(None),
            _sentiment(filters.sentiment),
        )
    if filters.date_from:
        stmt = stmt.where(Feedback.received_at >= _start_of(filters.date_from))
    if filters.date_to:
        end = _start_of(filters.date_to + timedelta(days=1))
        stmt = stmt.where(Feedback.received_at < end)
    return stmt.order_by(Feedback.received_at.desc(), Feedback.id.desc())


def feedback_item(feedback_id: int) -> Feedback | None:
    """One feedback row with what its page shows loaded."""
    return db.session.scalar(
        select(Feedback)
        .where(Feedback.id == feedback_id)
        .options(
            selectinload(Feedback.customer).selectinload(Customer.parent),
            selectinload(Feedback.agreement),
            selectinload(Feedback.objective),
            selectinload(Feedback.aspect),
            selectinload(Feedback.session),
            selectinload(Feedback.answer).selectinload(Answer.question),
            selectinload(Feedback.answer)
            .selectinload(Answer.response)
            .selectinload(Response.invitation),
        )
    )


def feedback_id_for_answer(answer_id: int) -> int | None:
    """The feedback row made from a survey answer, if any."""
    return db.session.scalar(select(Feedback.id).where(Feedback.answer_id == answer_id))


@dataclass(frozen=True)
class SentenceView:
    """A sentence as scored now: its score, what drove it and the aspects it names."""

    text: str
    compound: float
    drivers: list[tuple[str, float]]
    aspects: list[AspectMatch]


@dataclass(frozen=True)
class Explanation:
    """How the current engine reads a comment, beside what was stored."""

    scored: engine.Scored
    sentences: list[SentenceView]
    #: The stored score came from another engine version: rescoring would update it.
    outdated: bool

    @property
    def current_version(self) -> str:
        return self.scored.version


def explain(item: Feedback, keyword_map: KeywordMap) -> Explanation | None:
    """Score ``item``'s text sentence by sentence and tag each sentence's aspects."""
    if item.kind is not FeedbackKind.TEXT or not (item.text or "").strip():
        return None
    scored = score_comment(item.text or "")
    sentences = [
        SentenceView(
            s.text, s.compound, list(s.drivers), match_aspects(s.text, keyword_map)
        )
        for s in scored.sentences
    ]
    return Explanation(
        scored, sentences, outdated=item.scorer_version != engine.ENGINE_VERSION
    )


def stored_aspects(item: Feedback) -> list[AspectMatch]:
    """The aspect tags stored with ``item`` (from the map in force when it was scored)."""
    return [
        AspectMatch(int(m["aspect_id"]), str(m["aspect"]), tuple(m.get("words") or ()))
        for m in item.aspect_matches or []
    ]
