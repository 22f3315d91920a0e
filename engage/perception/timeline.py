"""Perception over time: rollup sums by month in SQL, series per period, trends.

Sums are grouped by day in SQL (portable across SQLite and PostgreSQL) and bucketed
into weeks, months or quarters in Python: a few hundred rows per agreement and year.
A page over many agreements (the portfolio) groups by month in SQL instead
(:func:`monthly_sums`) and adds subtrees up as plain tuples: a few thousand rows, where
daily sums would be tens of thousands of objects.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from engage.analysis.metrics import MIN_N
from engage.analysis.trends import (
    Period,
    TrendTest,
    mann_kendall,
    period_start,
    periods,
)
from engage.extensions import db
from engage.models import FeedbackRollup, Slice
from engage.perception.queries import (
    FIELDS,
    Point,
    Sums,
    _columns,
    _sums,
    daily_sums,
    window,
)

_ONE_DAY = timedelta(days=1)


#: Rollup sums per agreement id: one tuple of :data:`FIELDS` per month asked for.
MonthlySums = dict[int, list[tuple[float, ...]]]
_ZERO = (0.0,) * len(FIELDS)


class month_key(FunctionElement[str]):
    """``YYYY-MM`` of a date column, in each dialect's cheapest form.

    SQLite stores dates as ISO text, so a prefix is enough (and about a third faster
    than ``strftime`` over tens of thousands of rollup rows); PostgreSQL formats it.
    """

    type = String()
    inherit_cache = True


@compiles(month_key)
def _month_key_default(element: month_key, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(month_key, "sqlite")
def _month_key_sqlite(element: month_key, compiler: SQLCompiler, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


#: The counters behind mean sentiment alone (what the portfolio judges).
SENTIMENT_FIELDS = ("text_n", "text_sum", "text_sumsq")


def monthly_sums(
    agreement_ids: Collection[int],
    months: Sequence[date],
    slice: Slice = Slice.ALL,
    slice_id: int = 0,
    *,
    fields: Sequence[str] = FIELDS,
) -> MonthlySums:
    """Rollup sums per agreement and month, grouped in SQL.

    :param months: consecutive month starts, oldest first.
    :param fields: the counters to sum; the others stay 0. Summing three columns
        instead of nine halves the query on SQLite over a year of 200 SLAs.
    :return: for each agreement with any rollup in those months, one tuple of
        :data:`FIELDS` per month of ``months`` (zeros for a month without feedback).
    """
    if not agreement_ids or not months:
        return {}
    positions = [FIELDS.index(name) for name in fields]
    index = {m.strftime("%Y-%m"): i for i, m in enumerate(months)}
    last = months[-1]
    stop = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    key = month_key(FeedbackRollup.day)
    stmt = (
        select(
            FeedbackRollup.agreement_id,
            key,
            *[func.sum(getattr(FeedbackRollup, name)) for name in fields],
        )
        .where(*window(agreement_ids, months[0], stop - _ONE_DAY, slice, slice_id))
        .group_by(FeedbackRollup.agreement_id, key)
    )
    out: MonthlySums = {}
    for row in db.session.execute(stmt):
        rows = out.get(row[0])
        if rows is None:
            rows = out[row[0]] = [_ZERO] * len(months)
        values = [0.0] * len(FIELDS)
        for position, value in zip(positions, row[2:], strict=True):
            values[position] = float(value or 0)
        rows[index[row[1]]] = tuple(values)
    return out


def subtree_months(monthly: MonthlySums, ids: Iterable[int], count: int) -> list[Sums]:
    """Add the monthly sums of ``ids`` (a :func:`subtree_ids` list) month by month."""
    found = [monthly[i] for i in ids if i in monthly]
    if not found:
        return [Sums(_ZERO) for _ in range(count)]
    # zip(*found): per month, one tuple per agreement; zip(*month): per field.
    return [
        Sums(tuple(map(sum, zip(*month, strict=True))))
        for month in zip(*found, strict=True)
    ]


def total(sums: Iterable[Sums]) -> Sums:
    """All of ``sums`` added up, field by field."""
    values = [s.values for s in sums]
    if not values:
        return Sums(_ZERO)
    return Sums(tuple(float(sum(v)) for v in zip(*values, strict=True)))


def points(months: Sequence[date], sums: Sequence[Sums]) -> list[Point]:
    """One :class:`Point` per month from its summed counters."""
    return [
        Point(m, s.sentiment, s.happiness, s.csat)
        for m, s in zip(months, sums, strict=True)
    ]


def bucket(
    days: Mapping[date, Sums], starts: list[date], period: Period
) -> list[Point]:
    """Add daily sums up into the periods starting on ``starts`` (empty ones too)."""
    # Plain lists, not Sums additions: a year of days is a few hundred of them.
    totals = {s: [0.0] * len(FIELDS) for s in starts}
    for day, sums in days.items():
        acc = totals.get(period_start(day, period))
        if acc is not None:
            for i, value in enumerate(sums.values):
                acc[i] += value
    return points(starts, [Sums(tuple(totals[s])) for s in starts])


def series(
    agreement_ids: Collection[int],
    start: date,
    end: date,
    period: Period = Period.MONTH,
    slice: Slice = Slice.ALL,
    slice_id: int = 0,
) -> list[Point]:
    """Perception per period from ``start`` to ``end``, over ``agreement_ids``.

    Months are summed in SQL (a dozen rows); weeks and quarters from daily sums.
    """
    starts = periods(start, end, period)
    if period is not Period.MONTH:
        days = {
            day: s
            for (_, day), s in daily_sums(
                agreement_ids, start, end, slice, slice_id
            ).items()
        }
        return bucket(days, starts, period)
    totals = [Sums(_ZERO) for _ in starts]
    if agreement_ids:
        index = {m.strftime("%Y-%m"): i for i, m in enumerate(starts)}
        key = month_key(FeedbackRollup.day)
        stmt = (
            select(key, *_columns())
            .where(*window(agreement_ids, start, end, slice, slice_id))
            .group_by(key)
        )
        for row in db.session.execute(stmt):
            totals[index[row[0]]] = _sums(row[1:])
    return points(starts, totals)


def slice_series(
    agreement_ids: Collection[int],
    start: date,
    end: date,
    slice: Slice,
    slice_ids: Collection[int],
) -> dict[int, tuple[list[Point], Sums]]:
    """Monthly points and the whole period's sums of several aspects or clauses.

    The same as :func:`series` (by month) and :func:`period_sums` for each id of
    ``slice_ids``, in one query instead of two per id: a page listing every clause
    of an SLA pays one round trip, not fourteen.
    """
    starts = periods(start, end, Period.MONTH)
    monthly = {i: [Sums(_ZERO)] * len(starts) for i in slice_ids}
    if agreement_ids and monthly:
        index = {m.strftime("%Y-%m"): i for i, m in enumerate(starts)}
        key = month_key(FeedbackRollup.day)
        stmt = (
            select(FeedbackRollup.slice_id, key, *_columns())
            .where(*window(agreement_ids, start, end, slice, list(monthly)))
            .group_by(FeedbackRollup.slice_id, key)
        )
        for row in db.session.execute(stmt):
            monthly[row[0]][index[row[1]]] = _sums(row[2:])
    return {i: (points(starts, sums), total(sums)) for i, sums in monthly.items()}


def trend(points: Iterable[Point]) -> TrendTest:
    """Mann-Kendall over the periods with enough feedback (others are left out)."""
    return mann_kendall(
        [
            p.sentiment.value
            for p in points
            if p.sentiment.enough and p.sentiment.value is not None
        ]
    )


def sentiment_trend(sums: Iterable[Sums]) -> TrendTest:
    """:func:`trend` straight from each period's counters.

    The same series (mean = sum / n, periods under :data:`MIN_N` left out) without
    building an interval per period: the portfolio judges 200 SLAs x 36 months.
    """
    n_at, sum_at = FIELDS.index("text_n"), FIELDS.index("text_sum")
    return mann_kendall(
        [s.values[sum_at] / s.values[n_at] for s in sums if s.values[n_at] >= MIN_N]
    )
