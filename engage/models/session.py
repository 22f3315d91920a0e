"""Listening sessions: the meetings (QBRs, workshops, calls) where customers talk."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.action import ActionItem
    from engage.models.agreement import Agreement
    from engage.models.customer import Customer
    from engage.models.feedback import Feedback
    from engage.models.user import User


class Channel(enum.StrEnum):
    QBR = "qbr"
    WORKSHOP = "workshop"
    CALL = "call"
    SITE_VISIT = "site_visit"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            Channel.QBR: "QBR",
            Channel.WORKSHOP: "Workshop",
            Channel.CALL: "Call",
            Channel.SITE_VISIT: "Site visit",
            Channel.OTHER: "Other",
        }[self]


#: The SLAs a session discussed.
session_agreements = Table(
    "session_agreements",
    Base.metadata,
    Column(
        "session_id",
        ForeignKey("listening_sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "agreement_id",
        ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class ListeningSession(Base):
    """One meeting with a customer, logged by staff; its statements become feedback."""

    __tablename__ = "listening_sessions"
    __table_args__ = (
        Index("ix_listening_sessions_customer_held", "customer_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Who attended, one per line ("Dana Reyes, CIO").
    attendees: Mapped[str] = mapped_column(Text, default="")
    #: What was said, one statement per line or sentence.
    notes: Mapped[str] = mapped_column(Text, default="")
    #: What the customer asked for.
    asks: Mapped[str] = mapped_column(Text, default="")
    #: What we promised.
    commitments: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    customer: Mapped[Customer] = relationship()
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    agreements: Mapped[list[Agreement]] = relationship(
        secondary=session_agreements, order_by="Agreement.name"
    )
    statements: Mapped[list[Feedback]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        # Deleted through the ORM (not left to ON DELETE CASCADE) so the rollups see it.
        order_by="Feedback.id",
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="session", order_by="ActionItem.due_on"
    )

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<ListeningSession {self.id} {self.held_on} {self.channel.value}>"
