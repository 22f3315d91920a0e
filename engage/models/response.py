"""Survey responses and their answers. Never edited once stored."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from engage.models.invitation import Invitation
    from engage.models.survey import Question, SurveyVersion


class Response(Base):
    """The one response to an invitation (enforced by a NOT NULL unique key)."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="RESTRICT"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )

    invitation: Mapped[Invitation] = relationship(back_populates="response")
    version: Mapped[SurveyVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )

    def __repr__(self) -> str:
        return f"<Response {self.id} invitation={self.invitation_id}>"


class Answer(Base):
    """One answered question: a number, chosen options or text."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[float | None]
    choices: Mapped[list[Any] | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

    def __repr__(self) -> str:
        return f"<Answer {self.id} q={self.question_id}>"
