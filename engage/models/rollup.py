"""Daily rollups of the feedback stream: the counts and sums behind every figure.

Pages never scan raw feedback (DESIGN.md section 4): each row holds, for one agreement,
one day and one slice (the whole agreement, one aspect or one clause), the numbers
that CSAT, happiness, CES, sentiment and lost time are computed from. They are kept
current in the same transaction as every feedback write (:mod:`engage.rollups`) and
rebuilt by ``flask engage rebuild-rollups``.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from engage.models.base import Base


class Slice(enum.IntEnum):
    """What part of an agreement's feedback a rollup row counts."""

    ALL = 0
    ASPECT = 1
    OBJECTIVE = 2


#: The counters of a rollup row, in a fixed order (see :mod:`engage.rollups`).
COUNTERS = (
    "text_n",
    "text_sum",
    "text_sumsq",
    "text_neg",
    "text_pos",
    "csat_n",
    "csat_sat",
    "nps_n",
    "nps_pro",
    "nps_det",
    "ces_n",
    "ces_sum",
    "ces_sumsq",
    "lost_n",
    "lost_sum",
    "lost_sumsq",
)


class FeedbackRollup(Base):
    """One agreement's feedback on one day, for all of it or one aspect or clause.

    ``slice_id`` is the aspect's or objective's id, 0 for the whole agreement; it is
    not a foreign key, so a rollup outlives an edited aspect list until rebuilt.
    """

    __tablename__ = "feedback_rollups"
    __table_args__ = (Index("ix_feedback_rollups_slice_day", "slice", "day"),)

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    slice: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    slice_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    text_n: Mapped[int] = mapped_column(default=0)
    text_sum: Mapped[float] = mapped_column(default=0.0)
    text_sumsq: Mapped[float] = mapped_column(default=0.0)
    text_neg: Mapped[int] = mapped_column(default=0)
    text_pos: Mapped[int] = mapped_column(default=0)
    csat_n: Mapped[int] = mapped_column(default=0)
    csat_sat: Mapped[int] = mapped_column(default=0)
    nps_n: Mapped[int] = mapped_column(default=0)
    nps_pro: Mapped[int] = mapped_column(default=0)
    nps_det: Mapped[int] = mapped_column(default=0)
    ces_n: Mapped[int] = mapped_column(default=0)
    ces_sum: Mapped[float] = mapped_column(default=0.0)
    ces_sumsq: Mapped[float] = mapped_column(default=0.0)
    lost_n: Mapped[int] = mapped_column(default=0)
    lost_sum: Mapped[float] = mapped_column(default=0.0)
    lost_sumsq: Mapped[float] = mapped_column(default=0.0)

    def __repr__(self) -> str:
        return f"<FeedbackRollup {self.agreement_id} {self.slice}:{self.slice_id} {self.day}>"
