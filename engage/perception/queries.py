"""Perception figures read from the daily rollups, never from the feedback table.

An agreement's perception counts its own feedback and that of every agreement below
it (corporate -> customer -> service). Each feedback row belongs to exactly one
agreement, so summing the rollups of a subtree counts nothing twice.

This module holds the summed counters (:class:`Sums`, :class:`Point`), the subtree
ids, the daily and whole-period reads and the aspect lines; series over time are in
:mod:`engage.perception.timeline`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select

from engage.analysis.metrics import (
    Estimate,
    csat_from_counts,
    nps_from_counts,
    sentiment_from_sums,
)
from engage.extensions import db
from engage.models import Agreement, Aspect, FeedbackRollup, Slice

#: The rollup counters the perception figures need, in this order.
FIELDS = (
    "text_n",
    "text_sum",
    "text_sumsq",
    "text_neg",
    "csat_n",
    "csat_sat",
    "nps_n",
    "nps_pro",
    "nps_det",
)


@dataclass(frozen=True)
class Sums:
    """Summed rollup counters (see :data:`FIELDS`)."""

    values: tuple[float, ...] = (0,) * len(FIELDS)

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            tuple(a + b for a, b in zip(self.values, other.values, strict=True))
        )

    def __getattr__(self, name: str) -> float:
        if name not in FIELDS:  # also keeps copy/pickle from recursing on "values"
            raise AttributeError(name)
        return self.values[FIELDS.index(name)]

    @property
    def sentiment(self) -> Estimate:
        return sentiment_from_sums(int(self.text_n), self.text_sum, self.text_sumsq)

    @property
    def happiness(self) -> Estimate:
        return nps_from_counts(int(self.nps_pro), int(self.nps_det), int(self.nps_n))

    @property
    def csat(self) -> Estimate:
        return csat_from_counts(int(self.csat_sat), int(self.csat_n))

    @property
    def negative_share(self) -> float | None:
        return self.text_neg / self.text_n if self.text_n else None


@dataclass(frozen=True)
class Point:
    """One period of a perception series."""

    start: date
    sentiment: Estimate
    happiness: Estimate
    csat: Estimate

    @property
    def n(self) -> int:
        """How many pieces of feedback text the sentiment rests on."""
        return self.sentiment.n


def children_map() -> dict[int | None, list[int]]:
    """Every agreement id under its parent id (one query for the whole tree)."""
    tree: dict[int | None, list[int]] = defaultdict(list)
    for agreement_id, parent_id in db.session.execute(
        select(Agreement.id, Agreement.parent_id)
    ):
        tree[parent_id].append(agreement_id)
    return tree


def subtree_ids(
    agreement: Agreement,
    allowed: Collection[int] | None = None,
    tree: Mapping[int | None, list[int]] | None = None,
) -> list[int]:
    """``agreement`` and every agreement below it, restricted to ``allowed`` ids.

    :param allowed: the ids the reader may see (None: all), so a manager's corporate
        figure counts only their customers' feedback.
    :param tree: a :func:`children_map`, to reuse one across many agreements.
    """
    tree = children_map() if tree is None else tree
    out: list[int] = []
    stack = [agreement.id]
    while stack:
        current = stack.pop()
        if allowed is None or current in allowed or current == agreement.id:
            out.append(current)
        stack.extend(tree.get(current, ()))
    return sorted(out)


def _columns() -> list[object]:
    return [func.sum(getattr(FeedbackRollup, name)) for name in FIELDS]


def _sums(row: Iterable[object]) -> Sums:
    return Sums(tuple(float(v or 0) for v in row))  # type: ignore[arg-type]


def window(
    agreement_ids: Collection[int],
    start: date,
    end: date,
    slice: Slice = Slice.ALL,
    slice_id: int | Collection[int] = 0,
) -> tuple[ColumnElement[bool], ...]:
    """Conditions for the rollup rows of ``agreement_ids`` in one slice (or several of
    its ids), for ``start <= day <= end``."""
    ids = (
        FeedbackRollup.slice_id == slice_id
        if isinstance(slice_id, int)
        else FeedbackRollup.slice_id.in_(list(slice_id))
    )
    return (
        FeedbackRollup.agreement_id.in_(list(agreement_ids)),
        FeedbackRollup.slice == int(slice),
        ids,
        FeedbackRollup.day >= start,
        FeedbackRollup.day <= end,
    )


def daily_sums(
    agreement_ids: Collection[int],
    start: date,
    end: date,
    slice: Slice = Slice.ALL,
    slice_id: int = 0,
    *,
    by_agreement: bool = False,
) -> dict[tuple[int, date], Sums]:
    """Rollup sums per (agreement id or 0, day) for ``start <= day <= end``."""
    if not agreement_ids:
        return {}
    owner = FeedbackRollup.agreement_id if by_agreement else None
    keys = [owner, FeedbackRollup.day] if owner is not None else [FeedbackRollup.day]
    stmt = (
        select(*keys, *_columns())
        .where(*window(agreement_ids, start, end, slice, slice_id))
        .group_by(*keys)
    )
    out: dict[tuple[int, date], Sums] = {}
    for row in db.session.execute(stmt):
        if by_agreement:
            out[(row[0], row[1])] = _sums(row[2:])
        else:
            out[(0, row[0])] = _sums(row[1:])
    return out


def period_sums(
    agreement_ids: Collection[int],
    start: date,
    end: date,
    slice: Slice = Slice.ALL,
    slice_id: int = 0,
) -> Sums:
    """All rollup sums over ``start..end`` for ``agreement_ids``, in one row."""
    if not agreement_ids:
        return Sums()
    stmt = select(*_columns()).where(  # type: ignore[call-overload]
        *window(agreement_ids, start, end, slice, slice_id)
    )
    return _sums(db.session.execute(stmt).one())


@dataclass(frozen=True)
class AspectLine:
    """Feedback about one aspect: how much, and how it felt."""

    aspect: str
    sums: Sums

    @property
    def n(self) -> int:
        return int(self.sums.text_n)

    @property
    def sentiment(self) -> Estimate:
        return self.sums.sentiment


def aspects(agreement_ids: Collection[int], start: date, end: date) -> list[AspectLine]:
    """Feedback text per aspect over the period, most talked-about first."""
    if not agreement_ids:
        return []
    stmt = (
        select(Aspect.name, *_columns())
        .join(Aspect, Aspect.id == FeedbackRollup.slice_id)
        .where(
            FeedbackRollup.agreement_id.in_(list(agreement_ids)),
            FeedbackRollup.slice == int(Slice.ASPECT),
            FeedbackRollup.day >= start,
            FeedbackRollup.day <= end,
        )
        .group_by(Aspect.name)
    )
    lines = [AspectLine(row[0], _sums(row[1:])) for row in db.session.execute(stmt)]
    lines = [line for line in lines if line.n]
    lines.sort(key=lambda line: (-line.n, line.aspect))
    return lines
