"""One-time survey links: one per contact, survey and agreement."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from engage.models.agreement import Agreement
    from engage.models.customer import Contact
    from engage.models.response import Response
    from engage.models.survey import Survey
    from engage.models.user import User


class Invitation(Base):
    """A contact's link to answer a survey about one agreement.

    The same survey may reach the same contact again later (a quarterly pulse), no
    sooner than ``SURVEY_CONTACT_MIN_DAYS`` after their previous invitation.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="RESTRICT"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the link token; the token itself is never stored (SECURITY.md 6).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Random input from which the token is derived with the server's key, so reminders
    #: can repeat the same link without the database ever holding it.
    token_salt: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_count: Mapped[int] = mapped_column(default=0)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey: Mapped[Survey] = relationship()
    agreement: Mapped[Agreement] = relationship()
    contact: Mapped[Contact] = relationship()
    created_by: Mapped[User | None] = relationship()
    response: Mapped[Response | None] = relationship(back_populates="invitation")

    def __repr__(self) -> str:
        return (
            f"<Invitation {self.id} survey={self.survey_id} contact={self.contact_id}>"
        )
