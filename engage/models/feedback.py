"""Feedback: the one stream every analysis reads (DESIGN.md section 3)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.agreement import Agreement
    from engage.models.customer import Customer
    from engage.models.objective import Aspect, Objective
    from engage.models.response import Answer
    from engage.models.session import ListeningSession


class FeedbackSource(enum.StrEnum):
    SURVEY = "survey"
    SESSION = "session"
    IMPORT = "import"


class FeedbackKind(enum.StrEnum):
    """What ``score`` means; ``text`` feedback carries sentiment instead."""

    TEXT = "text"
    CSAT = "csat"
    HAPPINESS = "happiness"
    CES = "ces"
    LOST_TIME = "lost_time"


class StatementKind(enum.StrEnum):
    """Which part of a listening session's log a statement comes from."""

    NOTE = "note"
    ASK = "ask"
    COMMITMENT = "commitment"


class Feedback(Base):
    """One piece of customer text or one score, whatever its source."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_agreement_received", "agreement_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[FeedbackSource] = mapped_column(enum_column(FeedbackSource))
    kind: Mapped[FeedbackKind] = mapped_column(enum_column(FeedbackKind))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL")
    )
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="SET NULL"), index=True
    )
    aspect_id: Mapped[int | None] = mapped_column(
        ForeignKey("aspects.id", ondelete="SET NULL"), index=True
    )
    #: The survey answer this came from, if any (one feedback row per answer).
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), unique=True
    )
    #: The listening session this statement comes from, if any.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("listening_sessions.id", ondelete="CASCADE"), index=True
    )
    statement_kind: Mapped[StatementKind | None] = mapped_column(
        enum_column(StatementKind)
    )
    #: For imported rows: a digest of the source row, so re-importing adds nothing.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Aspects the keyword map found in ``text``: ``[{"aspect_id", "aspect", "words"}]``.
    aspect_matches: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    #: The rating or hours, for score kinds.
    score: Mapped[float | None]
    text: Mapped[str | None] = mapped_column(Text)
    #: VADER sentiment of ``text``: compound in -1..1 and the three proportions.
    compound: Mapped[float | None]
    pos: Mapped[float | None]
    neu: Mapped[float | None]
    neg: Mapped[float | None]
    scorer_version: Mapped[str | None] = mapped_column(String(200))

    customer: Mapped[Customer] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    objective: Mapped[Objective | None] = relationship()
    aspect: Mapped[Aspect | None] = relationship()
    answer: Mapped[Answer | None] = relationship()
    session: Mapped[ListeningSession | None] = relationship(back_populates="statements")

    def __repr__(self) -> str:
        return f"<Feedback {self.id} {self.source.value}/{self.kind.value}>"
