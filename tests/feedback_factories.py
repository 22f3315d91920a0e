"""Factories for rows of the feedback stream. Call them in an app context; they flush.

``make_text_feedback`` scores and tags through the real ``text_feedback``, so a row looks
exactly as one that arrived; ``scorer_version``/``compound`` overrides make it look as if
an older engine had scored it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engage.extensions import db
from engage.feedback import text_feedback
from engage.models import (
    Agreement,
    Customer,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    Level,
)
from tests.factories import make_agreement


def make_text_feedback(
    text: str,
    agreement: Agreement | None = None,
    *,
    customer: Customer | None = None,
    source: FeedbackSource = FeedbackSource.IMPORT,
    received_at: datetime | None = None,
    **overrides: Any,
) -> Feedback:
    """A scored, tagged comment about ``agreement`` (a new customer SLA by default)."""
    if agreement is None and customer is None:
        agreement = make_agreement(Level.CUSTOMER)
    customer_id = (customer.id if customer else None) or (
        agreement.customer_id if agreement else None
    )
    assert customer_id is not None
    row = text_feedback(
        text,
        source=source,
        customer_id=customer_id,
        agreement=agreement,
        received_at=received_at or datetime.now(UTC),
    )
    for key, value in overrides.items():
        setattr(row, key, value)
    db.session.add(row)
    db.session.flush()
    return row


def make_score_feedback(
    kind: FeedbackKind,
    score: float,
    agreement: Agreement,
    *,
    received_at: datetime | None = None,
    **overrides: Any,
) -> Feedback:
    """A score (CSAT, NPS answer, CES, lost hours) about ``agreement``."""
    assert agreement.customer_id is not None
    row = Feedback(
        source=overrides.pop("source", FeedbackSource.SURVEY),
        kind=kind,
        score=score,
        customer_id=agreement.customer_id,
        agreement=agreement,
        received_at=received_at or datetime.now(UTC),
        **overrides,
    )
    db.session.add(row)
    db.session.flush()
    return row
