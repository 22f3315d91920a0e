"""Turning answers into rows of the feedback stream, scored on arrival."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from engage.analysis import engine
from engage.models import (
    Agreement,
    Answer,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    Question,
    QuestionKind,
)

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


def text_feedback(
    text: str,
    *,
    source: FeedbackSource,
    customer_id: int,
    agreement: Agreement | None,
    received_at: datetime,
    aspect_id: int | None = None,
    objective_id: int | None = None,
) -> Feedback:
    """A scored feedback row for a piece of customer text."""
    scores = score_comment(text)
    return Feedback(
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
