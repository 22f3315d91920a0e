"""Compliance per objective and period, computed from measurements."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from engage.models import AgreementVersion, Direction, Measurement, Objective
from engage.sla.tree import EffectiveObjective, is_perception_target


class PeriodStatus(enum.StrEnum):
    MET = "met"
    BREACHED = "breached"
    NO_DATA = "no data"


def month_start(day: date) -> date:
    return day.replace(day=1)


_PERIOD = re.compile(r"([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?")


def parse_period(text: str) -> date:
    """``2025-03`` or ``2025-03-01`` -> the first day of that month.

    :raise ValueError: for anything else, or a day other than the first.
    """
    text = text.strip()
    # ASCII digits and a four-digit year only: ``str.isdigit`` accepts "²" and an
    # unbounded year overflows ``date`` with an OverflowError instead of a ValueError.
    match = _PERIOD.fullmatch(text)
    if match is None:
        raise ValueError(f"'{text}' is not a month such as 2025-03")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    if not 1 <= month <= 12 or year < 1:
        raise ValueError(f"'{text}' is not a month such as 2025-03")
    if day != 1:
        raise ValueError(f"'{text}' is not the first day of a month")
    return date(year, month, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_ending(last: date, count: int) -> list[date]:
    """``count`` month starts, oldest first, ending with the month of ``last``."""
    end = month_start(last)
    return [add_months(end, -i) for i in range(count - 1, -1, -1)]


def meets(value: float, target: float, direction: Direction) -> bool:
    """Whether ``value`` satisfies ``direction target`` (``>= 99.9`` ...)."""
    return value >= target if direction is Direction.AT_LEAST else value <= target


@dataclass(frozen=True)
class Target:
    value: float
    direction: Direction
    #: False for a month in which the clause bound nothing: dropped by then, or a
    #: perception target the version then in force did not have yet.
    in_force: bool = True


def dropped_from(objective: Objective) -> date | None:
    """The first month a dropped clause no longer binds, or None while it binds.

    The version that dropped it judges every month it is in force for, as in
    :func:`target_in_force`: from the month it takes effect.
    """
    if objective.dropped_in is None:
        return None
    for version in objective.agreement.versions:
        if version.number == objective.dropped_in:
            return month_start(version.effective_from)
    # Dropped in the version being recorded right now: nothing after the last one.
    return None


#: A published version's clauses by id. Published versions never change, so the
#: index is built once per loaded version (the portfolio judges thousands of cells).
_CLAUSE_INDEX: WeakKeyDictionary[AgreementVersion, dict[int, dict[str, Any]]] = (
    WeakKeyDictionary()
)


def _clauses(version: AgreementVersion) -> dict[int, dict[str, Any]]:
    index = _CLAUSE_INDEX.get(version)
    if index is None:
        index = {c["id"]: c for c in version.objectives if "id" in c}
        _CLAUSE_INDEX[version] = index
    return index


def version_in_force(
    period: date, versions: Sequence[AgreementVersion]
) -> AgreementVersion | None:
    """The published version in force during ``period`` (a month), if any.

    In force during the month: it starts before the next month and ends after this
    one starts (``effective_to`` is exclusive: the day the next version takes over).
    """
    next_month = add_months(period, 1)
    for version in reversed(versions):
        if version.effective_from < next_month and (
            version.effective_to is None or version.effective_to > period
        ):
            return version
    return None


def target_in_force(
    effective: EffectiveObjective, period: date, versions: Sequence[AgreementVersion]
) -> Target:
    """The target that applied in ``period``: from the version then published.

    ``versions`` are those of the clause's source agreement. A period before the first
    version uses the clause as it stands. An override that the version then in force
    did not have yet is judged by the inherited clause it later replaced; a perception
    target it did not have yet judged nothing (feedback from before the clause existed
    would otherwise breach it); any other clause that version did not have uses the
    clause as it stands. A clause dropped in that version or earlier judges nothing.
    """
    return target_under(effective, version_in_force(period, versions))


def target_under(
    effective: EffectiveObjective, version: AgreementVersion | None
) -> Target:
    """The clause's target under ``version`` (see :func:`target_in_force`)."""
    objective = effective.objective
    if version is None:
        return Target(objective.target, objective.direction)
    fallback = effective.replaces or objective
    dropped = (
        objective.dropped_in is not None and version.number >= objective.dropped_in
    )
    clause = _clauses(version).get(objective.id)
    if clause is not None:
        return Target(
            float(clause["target"]),
            Direction(clause["direction"]),
            in_force=not dropped,
        )
    if fallback is objective and is_perception_target(objective):
        return Target(objective.target, objective.direction, in_force=False)
    return Target(fallback.target, fallback.direction, in_force=not dropped)


@dataclass
class Cell:
    period: date
    target: Target
    value: float | None = None

    @property
    def met(self) -> bool | None:
        if self.value is None or not self.target.in_force:
            return None
        return meets(self.value, self.target.value, self.target.direction)


@dataclass
class ObjectiveRow:
    effective: EffectiveObjective
    cells: list[Cell]

    @property
    def measured(self) -> int:
        return sum(c.value is not None for c in self.cells)

    @property
    def met(self) -> int:
        return sum(bool(c.met) for c in self.cells)

    @property
    def attainment(self) -> float | None:
        """Share of measured periods in which the target was met."""
        return self.met / self.measured if self.measured else None


@dataclass
class PeriodSummary:
    period: date
    measured: int
    met: int

    @property
    def status(self) -> PeriodStatus:
        if not self.measured:
            return PeriodStatus.NO_DATA
        return PeriodStatus.MET if self.met == self.measured else PeriodStatus.BREACHED


@dataclass
class ComplianceGrid:
    periods: list[date]
    rows: list[ObjectiveRow]
    summaries: list[PeriodSummary] = field(default_factory=list)

    @property
    def attainment(self) -> float | None:
        """Share of all measured objective-periods that met their target."""
        measured = sum(r.measured for r in self.rows)
        return sum(r.met for r in self.rows) / measured if measured else None

    @property
    def latest_status(self) -> PeriodStatus:
        for summary in reversed(self.summaries):
            if summary.status is not PeriodStatus.NO_DATA:
                return summary.status
        return PeriodStatus.NO_DATA


def compliance_grid(
    effective: Sequence[EffectiveObjective],
    measurements: Iterable[Measurement],
    periods: Sequence[date],
    versions_by_agreement: Mapping[int, Sequence[AgreementVersion]] | None = None,
    *,
    perception: Mapping[tuple[int, date], float | None] | None = None,
) -> ComplianceGrid:
    """Compare every clause in force with its measurement in each period.

    :param effective: the agreement's clauses (``effective_objectives``; pass
        ``include_dropped=True`` so months before a drop are still judged).
    :param measurements: the agreement's measurements (other periods are ignored).
    :param periods: month starts, oldest first.
    :param versions_by_agreement: published versions per source agreement id, to judge
        each period by the target then in force.
    :param perception: observed values of perception targets per (objective id,
        month), None below the minimum number of responses
        (:func:`engage.sla.perception_targets.observed`); without it perception
        targets have no data.
    """
    versions_by_agreement = versions_by_agreement or {}
    perception = perception or {}
    values = {(m.objective_id, m.period): m.value for m in measurements}
    rows = []
    # The version in force per source agreement and month, found once for all clauses.
    in_force: dict[int, list[AgreementVersion | None]] = {}
    for eff in effective:
        source_id = eff.source.id
        if source_id not in in_force:
            versions = versions_by_agreement.get(source_id, ())
            in_force[source_id] = [version_in_force(p, versions) for p in periods]
        source = perception if is_perception_target(eff.objective) else values
        cells = []
        # Most months share a version: work each version's target out once.
        targets: dict[int | None, Target] = {}
        for p, version in zip(periods, in_force[source_id], strict=True):
            key = None if version is None else version.number
            target = targets.get(key)
            if target is None:
                target = targets[key] = target_under(eff, version)
            value = source.get((eff.objective.id, p)) if target.in_force else None
            cells.append(Cell(p, target, value))
        rows.append(ObjectiveRow(eff, cells))
    summaries = [
        PeriodSummary(
            period=p,
            measured=sum(r.cells[i].value is not None for r in rows),
            met=sum(bool(r.cells[i].met) for r in rows),
        )
        for i, p in enumerate(periods)
    ]
    return ComplianceGrid(list(periods), rows, summaries)
