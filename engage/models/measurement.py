"""Measured values of SLA objectives, one per agreement, objective and month."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.agreement import Agreement
    from engage.models.objective import Objective
    from engage.models.user import User


class MeasurementSource(enum.StrEnum):
    MANUAL = "manual"
    CSV = "csv"
    API = "api"
    DEMO = "demo"


class Measurement(Base):
    """The actual value of an objective for one agreement over one period.

    The objective may be the agreement's own or inherited from an ancestor: a corporate
    availability clause is measured separately for each service agreement under it.
    """

    __tablename__ = "measurements"
    __table_args__ = (
        UniqueConstraint("agreement_id", "objective_id", "period"),
        Index("ix_measurements_agreement_period", "agreement_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE")
    )
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    #: First day of the measured calendar month.
    period: Mapped[date]
    value: Mapped[float]
    source: Mapped[MeasurementSource] = mapped_column(
        enum_column(MeasurementSource, length=10),
        default=MeasurementSource.MANUAL,
    )
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement] = relationship()
    objective: Mapped[Objective] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Measurement {self.objective_id}@{self.agreement_id} {self.period} {self.value}>"
