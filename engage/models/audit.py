"""Who changed what: an append-only log of staff actions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from engage.models.user import User


class AuditEvent(Base):
    """One staff change. Never updated or deleted by the application."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Kept so the log still names the actor after their account is deleted.
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    #: ``<area>.<verb>``, e.g. ``agreement.publish``.
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"<AuditEvent {self.id} {self.action} {self.target_type}:{self.target_id}>"
        )
