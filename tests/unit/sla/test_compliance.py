"""Compliance per objective and month: plain objects, no app or database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engage.models import (
    Agreement,
    AgreementVersion,
    Direction,
    Level,
    Measurement,
    Objective,
)
from engage.sla.compliance import (
    PeriodStatus,
    Target,
    add_months,
    compliance_grid,
    meets,
    months_ending,
    parse_period,
    target_in_force,
)
from engage.sla.tree import EffectiveObjective

AT_LEAST, AT_MOST = Direction.AT_LEAST, Direction.AT_MOST
JAN, FEB, MAR, APR = (date(2025, m, 1) for m in (1, 2, 3, 4))


def clause(
    objective_id: int, target: float, direction: Direction = AT_LEAST
) -> EffectiveObjective:
    agreement = Agreement(id=1, name="SLA", level=Level.CORPORATE)
    objective = Objective(
        id=objective_id,
        agreement=agreement,
        metric=f"Metric {objective_id}",
        target=target,
        direction=direction,
    )
    return EffectiveObjective(objective, agreement, inherited=False)


def version(
    number: int, start: date, end: date | None, *clauses: dict[str, Any]
) -> AgreementVersion:
    return AgreementVersion(
        number=number, effective_from=start, effective_to=end, objectives=list(clauses)
    )


def measured(objective_id: int, period: date, value: float) -> Measurement:
    return Measurement(objective_id=objective_id, period=period, value=value)


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (99.9, 99.9, AT_LEAST, True),  # equality meets an "at least" target
        (99.91, 99.9, AT_LEAST, True),
        (99.89, 99.9, AT_LEAST, False),
        (4.0, 4.0, AT_MOST, True),  # and an "at most" one
        (3.99, 4.0, AT_MOST, True),
        (4.01, 4.0, AT_MOST, False),
        (0.0, 0.0, AT_MOST, True),
    ],
)
def test_meets(
    value: float, target: float, direction: Direction, expected: bool
) -> None:
    assert meets(value, target, direction) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03", MAR),
        ("2025-3", MAR),
        (" 2025-03-01 ", MAR),
        ("2024-12", date(2024, 12, 1)),
        ("1999-01-01", date(1999, 1, 1)),
    ],
)
def test_parse_period(text: str, expected: date) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2025",
        "2025-13",
        "2025-00",
        "0000-01",
        "2025-03-15",
        "2025-02-30",
        "2025/03",
        "03-2025",
        "March 2025",
        "25-03",
        "2025-03-01-01",
        "99999999999-01",  # used to overflow ``date`` with an OverflowError
        "２０２５-03",  # full-width digits pass ``str.isdigit``
        "2025-0³",
        "+2025-03",
    ],
)
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="month"):
        parse_period(text)


def test_months_ending_crosses_a_year() -> None:
    assert months_ending(date(2025, 2, 17), 4) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        JAN,
        FEB,
    ]
    assert months_ending(MAR, 1) == [MAR]
    assert add_months(JAN, -1) == date(2024, 12, 1)
    assert add_months(date(2024, 11, 1), 14) == JAN.replace(year=2026)


def test_grid_statuses_and_attainment() -> None:
    uptime, response = clause(1, 99.5), clause(2, 4, AT_MOST)
    grid = compliance_grid(
        [uptime, response],
        [
            measured(1, JAN, 99.9),
            measured(2, JAN, 3),
            measured(1, FEB, 99.0),
            measured(2, FEB, 4),
            measured(1, MAR, 99.5),
            measured(1, date(2024, 12, 1), 10),  # outside the periods: ignored
        ],
        [JAN, FEB, MAR, APR],
    )
    assert [s.status for s in grid.summaries] == [
        PeriodStatus.MET,
        PeriodStatus.BREACHED,
        PeriodStatus.MET,  # only what was measured counts
        PeriodStatus.NO_DATA,
    ]
    first, second = grid.rows
    assert [c.met for c in first.cells] == [True, False, True, None]
    assert [c.value for c in second.cells] == [3, 4, None, None]
    assert first.attainment == pytest.approx(2 / 3)
    assert second.attainment == 1
    assert grid.attainment == pytest.approx(4 / 5)
    assert grid.latest_status is PeriodStatus.MET
    assert [(s.measured, s.met) for s in grid.summaries] == [
        (2, 2),
        (2, 1),
        (1, 1),
        (0, 0),
    ]


def test_grid_without_measurements() -> None:
    grid = compliance_grid([clause(1, 99.5)], [], [JAN, FEB])
    assert grid.attainment is None
    assert grid.rows[0].attainment is None
    assert grid.latest_status is PeriodStatus.NO_DATA


def test_relaxed_target_judges_older_months_by_the_old_one() -> None:
    """v1 asked 99.9; v2 from March relaxed it to 99.5: 99.7 breaches in Feb only."""
    uptime = clause(1, 99.5)
    versions = [
        version(1, date(2024, 1, 1), MAR, {"id": 1, "target": 99.9, "direction": ">="}),
        version(2, MAR, None, {"id": 1, "target": 99.5, "direction": ">="}),
    ]
    assert target_in_force(uptime, FEB, versions) == Target(99.9, AT_LEAST)
    assert target_in_force(uptime, MAR, versions) == Target(99.5, AT_LEAST)
    grid = compliance_grid(
        [uptime],
        [measured(1, FEB, 99.7), measured(1, MAR, 99.7)],
        [FEB, MAR],
        {1: versions},
    )
    assert [c.met for c in grid.rows[0].cells] == [False, True]
    assert [s.status for s in grid.summaries] == [
        PeriodStatus.BREACHED,
        PeriodStatus.MET,
    ]


def test_version_starting_next_month_does_not_judge_this_one() -> None:
    """A version in force from 1 April says nothing about March (was off by one)."""
    versions = [
        version(1, JAN, APR, {"id": 1, "target": 99.9, "direction": ">="}),
        version(2, APR, None, {"id": 1, "target": 99.0, "direction": ">="}),
    ]
    assert target_in_force(clause(1, 99.0), MAR, versions).value == 99.9
    assert target_in_force(clause(1, 99.0), APR, versions).value == 99.0


def test_version_from_mid_month_judges_that_month() -> None:
    versions = [
        version(
            1, JAN, date(2025, 3, 15), {"id": 1, "target": 99.9, "direction": ">="}
        ),
        version(2, date(2025, 3, 15), None, {"id": 1, "target": 4, "direction": "<="}),
    ]
    assert target_in_force(clause(1, 1), FEB, versions) == Target(99.9, AT_LEAST)
    assert target_in_force(clause(1, 1), MAR, versions) == Target(4, AT_MOST)


def test_target_falls_back_to_the_clause_as_it_stands() -> None:
    versions = [version(1, FEB, None, {"id": 7, "target": 50, "direction": ">="})]
    # Before the first version, and for a clause the version did not have.
    assert target_in_force(clause(1, 99.5), JAN, versions) == Target(99.5, AT_LEAST)
    assert target_in_force(clause(1, 99.5), MAR, versions) == Target(99.5, AT_LEAST)
    assert target_in_force(clause(1, 4, AT_MOST), MAR, []) == Target(4, AT_MOST)


def test_months_before_an_override_are_judged_by_the_inherited_clause() -> None:
    """An override added in v2 (15 min) did not bind v1's months: the 30 min did."""
    corporate = Agreement(id=1, name="Corporate", level=Level.CORPORATE)
    inherited = Objective(
        id=1, agreement=corporate, metric="First response", target=30, direction=AT_MOST
    )
    child = Agreement(id=2, name="Child", level=Level.CUSTOMER)
    override = Objective(
        id=2,
        agreement=child,
        metric="First response",
        target=15,
        direction=AT_MOST,
        overrides=inherited,
    )
    effective = EffectiveObjective(override, child, inherited=False, replaces=inherited)
    versions = [
        version(1, JAN, MAR),
        version(2, MAR, None, {"id": 2, "target": 15, "direction": "<="}),
    ]
    assert target_in_force(effective, FEB, versions) == Target(30, AT_MOST)
    assert target_in_force(effective, MAR, versions) == Target(15, AT_MOST)
    # 20 minutes met the contract in February and breaches it from March.
    grid = compliance_grid(
        [effective],
        [measured(2, FEB, 20), measured(2, MAR, 20)],
        [FEB, MAR],
        {2: versions},
    )
    assert [c.met for c in grid.rows[0].cells] == [True, False]
