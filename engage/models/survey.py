"""Surveys: a lifecycle, frozen question versions, and question kinds."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.agreement import DomainError
from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.objective import Aspect, Objective
    from engage.models.user import User


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    #: 1-5; CSAT is the share of 4 and 5.
    CSAT = "csat"
    #: 0-10 "how likely to recommend"; scored with the NPS formula.
    HAPPINESS = "happiness"
    #: 1-7 customer effort; CES is the mean.
    CES = "ces"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"
    #: Work time the issue cost the customer, in hours.
    LOST_TIME = "lost_time"

    @property
    def scale(self) -> tuple[int, int] | None:
        """The inclusive answer range of a rating kind, else None."""
        return {
            QuestionKind.CSAT: (1, 5),
            QuestionKind.HAPPINESS: (0, 10),
            QuestionKind.CES: (1, 7),
        }.get(self)

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Survey(Base):
    """A questionnaire sent through one-time links. Questions live in versions."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    thank_you: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SurveyStatus] = mapped_column(
        enum_column(SurveyStatus), default=SurveyStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="SurveyVersion.number",
    )

    @property
    def current(self) -> SurveyVersion:
        """The version new respondents answer (and, in a draft, the one being edited)."""
        return self.versions[-1]

    def open(self) -> None:
        """Start accepting responses; the questions are frozen from now on."""
        if self.status is SurveyStatus.OPEN:
            raise DomainError("The survey is already open.")
        if not self.current.questions:
            raise DomainError("Add at least one question before opening the survey.")
        self.status = SurveyStatus.OPEN
        self.opened_at = self.opened_at or utcnow()
        self.closed_at = None

    def close(self) -> None:
        """Stop accepting responses; links answer with the neutral page."""
        if self.status is not SurveyStatus.OPEN:
            raise DomainError("Only an open survey can be closed.")
        self.status = SurveyStatus.CLOSED
        self.closed_at = utcnow()

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.title!r} {self.status.value}>"


class SurveyVersion(Base):
    """A set of questions. Responses point at the version they answered."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="versions")
    questions: Mapped[list[Question]] = relationship(
        back_populates="version",
        cascade="all, delete-orphan",
        order_by="(Question.position, Question.id)",
    )

    def __repr__(self) -> str:
        return f"<SurveyVersion {self.survey_id} v{self.number}>"


class Question(Base):
    """One question of one survey version."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    prompt: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(String(500), default="")
    required: Mapped[bool] = mapped_column(default=False)
    #: The choices of a single or multiple choice question, in order.
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    aspect_id: Mapped[int | None] = mapped_column(
        ForeignKey("aspects.id", ondelete="SET NULL")
    )
    #: Ties answers to one SLA clause (its aspect is then implied).
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="SET NULL")
    )

    version: Mapped[SurveyVersion] = relationship(back_populates="questions")
    aspect: Mapped[Aspect | None] = relationship()
    objective: Mapped[Objective | None] = relationship()

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind.value} {self.prompt[:30]!r}>"
