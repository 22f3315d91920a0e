"""Judging perception targets and dropped clauses: plain objects, no database."""

from __future__ import annotations

from datetime import date

import pytest

from engage.models import (
    Agreement,
    AgreementVersion,
    Direction,
    Level,
    Measure,
    Objective,
)
from engage.sla.compliance import compliance_grid, target_in_force
from engage.sla.perception_targets import value_of
from engage.sla.tree import EffectiveObjective
from engage.sla.versions import changes

JAN, FEB, MAR, APR = (date(2025, m, 1) for m in (1, 2, 3, 4))
ZERO = dict.fromkeys(
    (
        "nps_n",
        "nps_pro",
        "nps_det",
        "csat_n",
        "csat_sat",
        "text_n",
        "text_sum",
        "text_sumsq",
    ),
    0.0,
)


def test_values_from_summed_counters() -> None:
    sums = {
        **ZERO,
        "nps_n": 10,
        "nps_pro": 6,
        "nps_det": 2,
        "csat_n": 8,
        "csat_sat": 6,
        "text_n": 5,
        "text_sum": 1.5,
        "text_sumsq": 1.1,
    }
    assert value_of(Measure.HAPPINESS, sums) == pytest.approx(40.0)  # 60 % - 20 %
    assert value_of(Measure.CSAT, sums) == pytest.approx(75.0)  # 6 of 8, as a %
    assert value_of(Measure.SENTIMENT, sums) == pytest.approx(0.3)  # 1.5 / 5


def test_too_few_responses_give_no_value() -> None:
    sums = {
        **ZERO,
        "nps_n": 4,
        "nps_pro": 4,
        "csat_n": 4,
        "csat_sat": 4,
        "text_n": 4,
        "text_sum": 2.0,
        "text_sumsq": 1.0,
    }
    for measure in (Measure.HAPPINESS, Measure.CSAT, Measure.SENTIMENT):
        assert value_of(measure, sums) is None  # MIN_N is 5
    assert value_of(Measure.CSAT, ZERO) is None
    with pytest.raises(ValueError, match="not a perception measure"):
        value_of(Measure.METRIC, ZERO)


def clause(
    objective_id: int, measure: Measure = Measure.METRIC, dropped_in: int | None = None
) -> EffectiveObjective:
    agreement = Agreement(id=1, name="SLA", level=Level.CORPORATE)
    objective = Objective(
        id=objective_id,
        agreement=agreement,
        metric=f"Metric {objective_id}",
        target=40,
        direction=Direction.AT_LEAST,
        unit="",
        measure=measure,
        dropped_in=dropped_in,
    )
    return EffectiveObjective(objective, agreement, inherited=False)


def snapshot(objective_id: int, **extra: object) -> dict[str, object]:
    return {
        "id": objective_id,
        "metric": f"Metric {objective_id}",
        "target": 40,
        "unit": "",
        "direction": ">=",
        **extra,
    }


V1 = AgreementVersion(
    number=1, effective_from=JAN, effective_to=MAR, objectives=[snapshot(1)]
)
V2 = AgreementVersion(
    number=2,
    effective_from=MAR,
    effective_to=None,
    objectives=[snapshot(1, dropped_in=2), snapshot(2, measure="happiness")],
)


def test_a_dropped_clause_is_judged_only_before_its_drop() -> None:
    dropped = clause(1, dropped_in=2)
    assert target_in_force(dropped, FEB, [V1, V2]).in_force
    assert not target_in_force(dropped, MAR, [V1, V2]).in_force
    grid = compliance_grid([dropped], [], [FEB, MAR], {1: [V1, V2]})
    assert all(c.met is None for c in grid.rows[0].cells)


def test_a_perception_target_judges_nothing_before_it_was_agreed() -> None:
    happy = clause(2, Measure.HAPPINESS)
    perception = {(2, FEB): 55.0, (2, MAR): 30.0, (2, APR): 45.0}
    grid = compliance_grid(
        [happy], [], [FEB, MAR, APR], {1: [V1, V2]}, perception=perception
    )
    # February: version 1 had no such clause; the feedback then breaches nothing.
    assert [c.met for c in grid.rows[0].cells] == [None, False, True]
    assert (grid.rows[0].measured, grid.rows[0].met) == (2, 1)


def test_the_history_names_a_dropped_clause_once() -> None:
    kinds = [(c.kind, c.metric) for c in changes(V1, V2)]
    assert kinds == [("dropped", "Metric 1"), ("added", "Metric 2")]
    [added] = [c for c in changes(V1, V2) if c.kind == "added"]
    assert added.after == "happiness >= 40, from feedback"
    v3 = AgreementVersion(number=3, effective_from=APR, objectives=V2.objectives)
    assert changes(V2, v3) == []


def test_a_new_override_reads_as_one_not_as_an_added_clause() -> None:
    override = snapshot(3, overrides_id=9, target=27, direction="<=", unit="minutes")
    v3 = AgreementVersion(number=3, effective_from=APR, objectives=[override])
    [change] = changes(None, v3)
    assert (change.kind, change.after) == ("override", "<= 27 minutes")
