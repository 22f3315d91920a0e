"""Alerts: an SLA turned watermelon, or its perception fell significantly."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.agreement import Agreement
    from engage.models.user import User


class AlertKind(enum.StrEnum):
    WATERMELON = "watermelon"
    FALLING = "falling"

    @property
    def label(self) -> str:
        return {
            AlertKind.WATERMELON: "Turned watermelon",
            AlertKind.FALLING: "Perception falling",
        }[self]


class Alert(Base):
    """One alert for one recipient (an owner of the SLA)."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind))
    #: The plain-words reason, as the portfolio states it.
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement: Mapped[Agreement] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return (
            f"<Alert {self.id} {self.kind.value} {self.agreement_id}->{self.user_id}>"
        )


class PerceptionState(Base):
    """The last alignment and trend seen per SLA, so only a change raises an alert."""

    __tablename__ = "perception_states"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    alignment: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
