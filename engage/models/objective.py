"""SLA clauses: the configurable aspect list and objectives."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.agreement import Agreement


class Direction(enum.StrEnum):
    AT_LEAST = ">="
    AT_MOST = "<="

    @property
    def label(self) -> str:
        return "at least" if self is Direction.AT_LEAST else "at most"


class Measure(enum.StrEnum):
    """What a clause is judged on: a measured metric, or what customers feel."""

    METRIC = "metric"
    #: Perception targets, judged from feedback rollups (DESIGN.md section 5).
    HAPPINESS = "happiness"
    CSAT = "csat"
    SENTIMENT = "sentiment"

    @property
    def is_perception(self) -> bool:
        return self is not Measure.METRIC

    @property
    def label(self) -> str:
        return {
            Measure.METRIC: "measured metric",
            Measure.HAPPINESS: "happiness (NPS, -100..100)",
            Measure.CSAT: "CSAT (% satisfied)",
            Measure.SENTIMENT: "mean sentiment (-1..1)",
        }[self]


class Aspect(Base):
    """What a clause or a piece of feedback is about (availability, cost, ...)."""

    __tablename__ = "aspects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    #: Words and phrases that tag feedback text with this aspect (lower case).
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)

    def __repr__(self) -> str:
        return f"<Aspect {self.id} {self.name!r}>"


class Objective(Base):
    """A clause: metric, target, unit and direction, about one aspect."""

    __tablename__ = "objectives"
    __table_args__ = (
        # An agreement overrides an inherited clause at most once.
        UniqueConstraint("agreement_id", "overrides_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    aspect_id: Mapped[int] = mapped_column(
        ForeignKey("aspects.id", ondelete="RESTRICT"), index=True
    )
    metric: Mapped[str] = mapped_column(String(120))
    target: Mapped[float]
    unit: Mapped[str] = mapped_column(String(30), default="")
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, length=2))
    #: The ancestor's clause this one replaces for this agreement and its children.
    overrides_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    #: METRIC clauses are measured; the others are perception targets.
    measure: Mapped[Measure] = mapped_column(
        enum_column(Measure), default=Measure.METRIC, server_default="metric"
    )
    #: The version from which a renegotiation dropped this clause; it stays for the
    #: months it was in force (and its measurements), but binds nothing after.
    dropped_in: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="objectives")
    aspect: Mapped[Aspect] = relationship()
    overrides: Mapped[Objective | None] = relationship(remote_side=[id])

    @property
    def in_force(self) -> bool:
        return self.dropped_in is None

    @property
    def target_text(self) -> str:
        """``>= 99.9 %`` style text for tables."""
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.direction.value} {self.target:g}{unit}"

    def __repr__(self) -> str:
        return f"<Objective {self.id} {self.metric!r} {self.target_text}>"
