"""Service level agreements: a three-level tree, a status lifecycle and versions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from engage.models.customer import Customer
    from engage.models.objective import Objective
    from engage.models.service import Service
    from engage.models.user import User


class DomainError(Exception):
    """A business rule was broken; the message is safe to show to staff."""


class Level(enum.StrEnum):
    CORPORATE = "corporate"
    CUSTOMER = "customer"
    SERVICE = "service"

    @property
    def parent_level(self) -> Level | None:
        """The level an agreement of this level hangs under."""
        return {Level.CUSTOMER: Level.CORPORATE, Level.SERVICE: Level.CUSTOMER}.get(
            self
        )


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    #: Being renegotiated: the last published version stays in force meanwhile.
    IN_REVIEW = "in_review"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Agreement(Base):
    """One SLA. Its identity is stable across versions; ``versions`` keep history."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint(
            "(level = 'corporate' AND parent_id IS NULL AND customer_id IS NULL"
            " AND service_id IS NULL)"
            " OR (level = 'customer' AND customer_id IS NOT NULL AND service_id IS NULL)"
            " OR (level = 'service' AND customer_id IS NOT NULL"
            " AND service_id IS NOT NULL AND parent_id IS NOT NULL)",
            name="level_shape",
        ),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(enum_column(Level), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="RESTRICT"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="RESTRICT"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus), default=AgreementStatus.DRAFT
    )
    #: Number of the last published version; 0 while the first is still a draft.
    version: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date | None]
    effective_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Agreement | None] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list[Agreement]] = relationship(
        back_populates="parent", order_by="Agreement.name"
    )
    customer: Mapped[Customer | None] = relationship()
    service: Mapped[Service | None] = relationship()
    owner: Mapped[User | None] = relationship()
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="(Objective.position, Objective.id)",
    )
    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="AgreementVersion.number",
    )

    # -- lifecycle ---------------------------------------------------------

    @property
    def clauses_editable(self) -> bool:
        """Objectives change only in a draft or during a renegotiation."""
        return self.status in (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW)

    def _move(self, allowed: tuple[AgreementStatus, ...], to: AgreementStatus) -> None:
        if self.status not in allowed:
            raise DomainError(
                f"An agreement that is {self.status.label} cannot become {to.label}."
            )
        self.status = to

    def mark_published(self) -> int:
        """Draft or review becomes active under the next version number."""
        self._move(
            (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW), AgreementStatus.ACTIVE
        )
        self.version += 1
        return self.version

    def start_review(self) -> None:
        """Open a renegotiation; the published version stays in force."""
        self._move((AgreementStatus.ACTIVE,), AgreementStatus.IN_REVIEW)

    def retire(self) -> None:
        self._move(
            (AgreementStatus.ACTIVE, AgreementStatus.IN_REVIEW), AgreementStatus.RETIRED
        )

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.level.value} {self.name!r} v{self.version}>"


class AgreementVersion(Base):
    """A published version: when it applied, why, and its clauses as published."""

    __tablename__ = "agreement_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    effective_from: Mapped[date]
    #: Set when the next version takes over or the agreement is retired.
    effective_to: Mapped[date | None]
    change_note: Mapped[str] = mapped_column(Text, default="")
    #: The agreement's own objectives as published: a list of plain dicts.
    objectives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: A recorded renegotiation's decisions, one plain dict per clause decided on.
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: The evidence the renegotiation was decided on, frozen when it was recorded.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AgreementVersion {self.agreement_id} v{self.number}>"
