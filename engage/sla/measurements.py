"""Measurements: checking entered values and recording them.

``record`` and ``import_rows`` add and flush through the session; the view commits.
Reading a CSV of measurements is in ``engage.sla.measurement_csv``.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import attrgetter

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    DomainError,
    Measurement,
    MeasurementSource,
    Objective,
    User,
    utcnow,
)
from engage.sla.compliance import add_months, dropped_from, month_start, months_ending
from engage.sla.tree import is_perception_target

#: ``Measurement.note`` is a String(300).
NOTE_MAX = 300
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def check_measurable(agreement: Agreement) -> None:
    """Active, in-review and retired agreements take measurements; drafts do not.

    :raise DomainError: for a draft.
    """
    if agreement.status is AgreementStatus.DRAFT:
        raise DomainError(
            "This agreement is a draft: publish it before recording measurements."
        )


def parse_value(text: str, decimal_comma: bool = False) -> float:
    """A finite decimal number such as ``99.95`` or ``-3e2``.

    ``float()`` alone would accept ``nan``, ``inf`` and ``1_000``; none is a measurement.

    :param decimal_comma: accept ``99,95`` (files from a semicolon-delimited locale).
    :raise ValueError: not a plain number, or too large to be finite.
    """
    text = text.strip()
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"'{text}' is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"'{text}' is too large")
    return value


def check_period(period: date, today: date) -> None:
    """A measured month has begun: no measurements for months to come.

    :raise ValueError: ``period`` is after the month of ``today``.
    """
    if period > month_start(today):
        raise ValueError(f"{period:%Y-%m} is in the future")


def check_clause_measured(objective: Objective, period: date) -> None:
    """A measurement belongs to a measured clause that bound ``period``.

    Perception targets are judged from feedback; a dropped clause keeps the
    measurements of the months before its drop but takes none after.

    :raise ValueError: with a message for the form or the CSV report.
    """
    if is_perception_target(objective):
        raise ValueError(
            f"'{objective.metric}' is a perception target, judged from feedback; "
            "it takes no measurements"
        )
    since = dropped_from(objective)
    if since is not None and period >= since:
        raise ValueError(
            f"'{objective.metric}' was dropped in version {objective.dropped_in} "
            f"(from {since:%Y-%m}); it takes no measurements for {period:%Y-%m}"
        )


def grid_periods(agreement: Agreement, months: int, today: date) -> list[date]:
    """The months a compliance grid shows, oldest first.

    It ends with last month (the last complete one), or a later measured month; a
    retired agreement ends with its latest measurement so its history stays in view.
    """
    latest = db.session.scalar(
        select(func.max(Measurement.period)).where(
            Measurement.agreement_id == agreement.id
        )
    )
    last = add_months(month_start(today), -1)
    if agreement.status is AgreementStatus.RETIRED and latest is not None:
        last = latest
    elif latest is not None:
        last = max(last, latest)
    return months_ending(last, months)


def measurements_by_month(
    agreement: Agreement, first: date, last: date
) -> list[tuple[date, list[Measurement]]]:
    """The agreement's measurements from ``first`` to ``last``, newest month first."""
    stmt = (
        select(Measurement)
        .join(Objective)
        .where(
            Measurement.agreement_id == agreement.id,
            Measurement.period.between(first, last),
        )
        .options(
            selectinload(Measurement.objective), selectinload(Measurement.recorded_by)
        )
        .order_by(Measurement.period.desc(), Objective.position, Objective.id)
    )
    grouped = groupby(db.session.scalars(stmt), key=attrgetter("period"))
    return [(period, list(rows)) for period, rows in grouped]


# -- recording --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A checked measurement to record: typed in, or one row of a CSV."""

    objective: Objective
    period: date
    value: float
    note: str = ""
    #: The CSV row as a spreadsheet numbers it (the header is row 1); 0 when typed.
    row: int = 0


class Outcome(enum.StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class ImportCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


def _existing(
    agreement: Agreement, periods: Sequence[date]
) -> dict[tuple[int, date], Measurement]:
    stmt = select(Measurement).where(
        Measurement.agreement_id == agreement.id,
        Measurement.period.between(min(periods), max(periods)),
    )
    return {(m.objective_id, m.period): m for m in db.session.scalars(stmt)}


def _upsert(
    existing: Measurement | None,
    agreement: Agreement,
    entry: Entry,
    source: MeasurementSource,
    by: User | None,
) -> tuple[Measurement, Outcome]:
    if existing is None:
        measurement = Measurement(
            agreement=agreement,
            objective=entry.objective,
            period=entry.period,
            value=entry.value,
            note=entry.note,
            source=source,
            recorded_by=by,
        )
        db.session.add(measurement)
        return measurement, Outcome.ADDED
    if existing.value == entry.value and existing.note == entry.note:
        return existing, Outcome.UNCHANGED
    existing.value, existing.note, existing.source = entry.value, entry.note, source
    existing.recorded_by, existing.recorded_at = by, utcnow()
    return existing, Outcome.UPDATED


@dataclass(frozen=True)
class Recorded:
    measurement: Measurement
    outcome: Outcome
    #: The value before, when one was recorded already.
    previous: float | None = None


def record(
    agreement: Agreement, entry: Entry, *, source: MeasurementSource, by: User | None
) -> Recorded:
    """Add the measurement, or update the one for the same objective and month.

    :raise DomainError: the clause is a perception target, or was dropped by then.
    """
    try:
        check_clause_measured(entry.objective, entry.period)
    except ValueError as error:
        raise DomainError(f"{str(error)[0].upper()}{str(error)[1:]}.") from None
    key = (entry.objective.id, entry.period)
    existing = _existing(agreement, [entry.period]).get(key)
    previous = existing.value if existing else None
    measurement, outcome = _upsert(existing, agreement, entry, source, by)
    db.session.flush()
    return Recorded(measurement, outcome, previous)


def import_rows(
    agreement: Agreement, entries: Sequence[Entry], *, by: User | None
) -> ImportCounts:
    """Record checked, duplicate-free CSV rows, with one flush."""
    counts = ImportCounts()
    existing = _existing(agreement, [e.period for e in entries]) if entries else {}
    for entry in entries:
        key = (entry.objective.id, entry.period)
        _, outcome = _upsert(
            existing.get(key), agreement, entry, MeasurementSource.CSV, by
        )
        setattr(counts, outcome.value, getattr(counts, outcome.value) + 1)
    db.session.flush()
    return counts
