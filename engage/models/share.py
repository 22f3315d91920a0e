"""Read-only report links for customers, and every view of them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.agreement import Agreement
    from engage.models.customer import Customer
    from engage.models.user import User


class ReportScope(enum.StrEnum):
    """What a report covers."""

    AGREEMENT = "agreement"
    CUSTOMER = "customer"
    PORTFOLIO = "portfolio"


class ShareLink(Base):
    """A signed, expiring, revocable read-only link to one report.

    Only a hash of the link's secret is stored: a database leak does not open reports.
    """

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the secret in the URL.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[ReportScope] = mapped_column(enum_column(ReportScope))
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    #: The report's period: ``months`` months ending with ``period_end``'s month.
    months: Mapped[int] = mapped_column(default=12)
    period_end: Mapped[date | None]
    include_quotes: Mapped[bool] = mapped_column(default=True)
    #: Who it is for, in the creator's words ("Acme's QBR, Dana Whitfield").
    label: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    views: Mapped[list[ShareView]] = relationship(
        back_populates="link",
        cascade="all, delete-orphan",
        order_by="ShareView.viewed_at.desc()",
    )

    def __repr__(self) -> str:
        return f"<ShareLink {self.id} {self.scope.value}>"


class ShareView(Base):
    """One opening of a share link (granted or refused), for the audit trail."""

    __tablename__ = "share_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), index=True
    )
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "shown", "expired" or "revoked".
    outcome: Mapped[str] = mapped_column(String(20), default="shown")
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    link: Mapped[ShareLink] = relationship(back_populates="views")


class ReportSchedule(Base):
    """A monthly insight report emailed to chosen recipients for one customer."""

    __tablename__ = "report_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    #: Email addresses, one per line.
    recipients: Mapped[str] = mapped_column(String(2000))
    include_quotes: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: The first day of the last month whose report went out (None: never sent).
    last_sent_period: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    customer: Mapped[Customer] = relationship()
    created_by: Mapped[User | None] = relationship()
