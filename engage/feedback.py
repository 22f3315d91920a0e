"""Turning answers into rows of the feedback stream, scored on arrival."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from flask import g, has_app_context
from sqlalchemy import select

from engage.analysis import engine
from engage.analysis.aspects import AspectMatch, KeywordMap, compile_map, match_aspects
from engage.extensions import db
from engage.models import (
    Agreement,
    Answer,
    Aspect,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    Question,
    QuestionKind,
)
from engage.sla.tree import effective_objectives

#: Question kinds whose number is a score in the stream; choices are not feedback.
SCORE_KINDS = {
    QuestionKind.CSAT: FeedbackKind.CSAT,
    QuestionKind.HAPPINESS: FeedbackKind.HAPPINESS,
    QuestionKind.CES: FeedbackKind.CES,
    QuestionKind.LOST_TIME: FeedbackKind.LOST_TIME,
}


@lru_cache(maxsize=4096)
def score_comment(text: str) -> engine.Scored:
    """Engage's score of a comment, remembered so that scoring ahead of a write is free."""
    return engine.score_text(text)


def load_keyword_map() -> KeywordMap:
    """The active aspects' keyword map, read once per request or job."""
    cached: KeywordMap | None = (
        g.get("engage_keyword_map") if has_app_context() else None
    )
    if cached is None:
        rows = db.session.execute(
            select(Aspect.id, Aspect.name, Aspect.keywords)
            .where(Aspect.active)
            .order_by(Aspect.position, Aspect.name)
        )
        cached = compile_map((r.id, r.name, r.keywords or []) for r in rows)
        if has_app_context():
            g.engage_keyword_map = cached
    return cached


def forget_keyword_map() -> None:
    """Drop the cached keyword map (after the map is edited)."""
    if has_app_context():
        g.pop("engage_keyword_map", None)


def objective_for_aspect(agreement: Agreement, aspect_id: int) -> int | None:
    """The clause in force for ``agreement`` about ``aspect_id``, if exactly one covers it."""
    ids = [
        e.objective.id
        for e in effective_objectives(agreement)
        if e.objective.aspect_id == aspect_id
    ]
    return ids[0] if len(ids) == 1 else None


def tag(row: Feedback, matches: list[AspectMatch], agreement: Agreement | None) -> None:
    """Record ``matches`` on ``row``; the first decides its aspect and clause if unset."""
    row.aspect_matches = [m.as_json() for m in matches]
    if row.aspect_id is None and matches:
        row.aspect_id = matches[0].aspect_id
    if row.objective_id is None and row.aspect_id is not None and agreement is not None:
        row.objective_id = objective_for_aspect(agreement, row.aspect_id)


def text_feedback(
    text: str,
    *,
    source: FeedbackSource,
    customer_id: int,
    agreement: Agreement | None,
    received_at: datetime,
    aspect_id: int | None = None,
    objective_id: int | None = None,
    keyword_map: KeywordMap | None = None,
) -> Feedback:
    """A scored feedback row for a piece of customer text, tagged with its aspects.

    An explicit ``aspect_id`` (a survey question's) wins; otherwise the keyword map's
    first match decides, and the agreement's clause about that aspect, if one.
    """
    scores = score_comment(text)
    row = Feedback(
        source=source,
        kind=FeedbackKind.TEXT,
        received_at=received_at,
        customer_id=customer_id,
        agreement=agreement,
        aspect_id=aspect_id,
        objective_id=objective_id,
        text=text,
        compound=scores.compound,
        pos=scores.pos,
        neu=scores.neu,
        neg=scores.neg,
        scorer_version=scores.version,
    )
    tag(row, match_aspects(text, keyword_map or load_keyword_map()), agreement)
    return row


def rescore(row: Feedback, keyword_map: KeywordMap) -> bool:
    """Score and tag ``row`` again with the current engine and map; True if it changed."""
    if row.kind is not FeedbackKind.TEXT or not row.text:
        return False
    scores = score_comment(row.text)
    before = (row.compound, row.scorer_version, row.aspect_matches, row.aspect_id)
    row.compound, row.pos, row.neu, row.neg = (
        scores.compound,
        scores.pos,
        scores.neu,
        scores.neg,
    )
    row.scorer_version = scores.version
    matches = match_aspects(row.text, keyword_map)
    if row.answer_id is None:
        # Keyword tags may change; a survey question's own aspect never does.
        row.aspect_id = None
        row.objective_id = None
    tag(row, matches, row.agreement)
    return before != (
        row.compound,
        row.scorer_version,
        row.aspect_matches,
        row.aspect_id,
    )


def feedback_for_answer(
    answer: Answer, question: Question, agreement: Agreement, received_at: datetime
) -> Feedback | None:
    """The feedback row for one survey answer, or None for choices and blanks.

    The question's objective, if any, decides the aspect; otherwise its own aspect.
    """
    aspect_id = (
        question.objective.aspect_id if question.objective else question.aspect_id
    )
    assert agreement.customer_id is not None, (
        "surveys are about customer or service SLAs"
    )
    if question.kind is QuestionKind.TEXT:
        if not answer.text or not answer.text.strip():
            return None
        row = text_feedback(
            answer.text,
            source=FeedbackSource.SURVEY,
            customer_id=agreement.customer_id,
            agreement=agreement,
            received_at=received_at,
            aspect_id=aspect_id,
            objective_id=question.objective_id,
        )
        row.answer = answer
        return row
    kind = SCORE_KINDS.get(question.kind)
    if kind is None or answer.number is None:
        return None
    return Feedback(
        source=FeedbackSource.SURVEY,
        kind=kind,
        received_at=received_at,
        customer_id=agreement.customer_id,
        agreement=agreement,
        aspect_id=aspect_id,
        objective_id=question.objective_id,
        answer=answer,
        score=answer.number,
    )
