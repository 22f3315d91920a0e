"""Proposed clause changes gathered while an SLA is being renegotiated."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.models.base import Base, UTCDateTime, enum_column, utcnow
from engage.models.objective import Direction, Measure

if TYPE_CHECKING:
    from engage.models.agreement import Agreement
    from engage.models.objective import Aspect, Objective
    from engage.models.user import User


class ProposalAction(enum.StrEnum):
    TIGHTEN = "tighten"
    RELAX = "relax"
    DROP = "drop"
    #: A new clause, usually a perception target ("happiness >= 40 for service desk").
    ADD = "add"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Proposal(Base):
    """One proposed change to one clause (or one new clause) of an SLA under review.

    Recording the renegotiation applies every proposal, writes them into the new
    version's ``decisions`` and deletes them.
    """

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    #: The clause changed; None when ``action`` is ADD.
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[ProposalAction] = mapped_column(enum_column(ProposalAction))
    #: The new target (tighten, relax, add).
    target: Mapped[float | None]
    #: For ADD: what the new clause is about and how it is judged.
    aspect_id: Mapped[int | None] = mapped_column(
        ForeignKey("aspects.id", ondelete="RESTRICT")
    )
    measure: Mapped[Measure | None] = mapped_column(enum_column(Measure))
    direction: Mapped[Direction | None] = mapped_column(
        enum_column(Direction, length=2)
    )
    metric: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(Text, default="")
    #: Why: what the customer needs, in a sentence.
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement] = relationship()
    objective: Mapped[Objective | None] = relationship()
    aspect: Mapped[Aspect | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.action.value} on {self.agreement_id}>"
