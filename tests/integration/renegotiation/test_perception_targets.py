"""Perception targets judged from hand-made daily rollups."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import (
    Agreement,
    Direction,
    FeedbackRollup,
    Measure,
    Measurement,
    Objective,
    Slice,
)
from engage.sla.compliance import compliance_grid
from engage.sla.perception_targets import observed
from engage.sla.tree import effective_objectives
from engage.sla.versions import publish
from tests.factories import aspect
from tests.integration.agreements.measurement_helpers import (
    LAST,
    as_user,
    enter,
    upload,
)
from tests.integration.renegotiation.conftest import Ids

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def rollup(agreement_id: int, aspect_id: int, day: date, **counters: float) -> None:
    db.session.add(
        FeedbackRollup(
            agreement_id=agreement_id,
            slice=int(Slice.ASPECT),
            slice_id=aspect_id,
            day=day,
            **counters,
        )
    )


def target(
    agreement: Agreement, measure: Measure, value: float, aspect_name: str
) -> Objective:
    objective = Objective(
        agreement=agreement,
        aspect=aspect(aspect_name),
        metric=f"{measure.value} ({aspect_name})",
        target=value,
        direction=Direction.AT_LEAST,
        measure=measure,
    )
    db.session.add(objective)
    db.session.flush()
    return objective


@pytest.fixture
def rolled_up(app: Flask, world: Ids) -> Ids:
    """Acme's service-desk rollups over two days in January, one in February."""
    with app.app_context():
        desk = aspect("Service desk")
        acme, globex = world["acme_sla"], world["globex_sla"]
        # January: 6 promoters, 2 detractors of 10 -> happiness 40;
        # CSAT 6 of 8 -> 75 %; sentiment (1.0 + 0.5) / 5 -> 0.3.
        rollup(
            acme,
            desk.id,
            date(2025, 1, 3),
            nps_n=4,
            nps_pro=3,
            nps_det=1,
            csat_n=5,
            csat_sat=4,
            text_n=2,
            text_sum=1.0,
            text_sumsq=0.6,
        )
        rollup(
            acme,
            desk.id,
            date(2025, 1, 20),
            nps_n=6,
            nps_pro=3,
            nps_det=1,
            csat_n=3,
            csat_sat=2,
            text_n=3,
            text_sum=0.5,
            text_sumsq=0.5,
        )
        # February: only 3 answers -> too few for any figure.
        rollup(
            acme,
            desk.id,
            date(2025, 2, 7),
            nps_n=3,
            nps_pro=3,
            csat_n=3,
            csat_sat=3,
            text_n=3,
            text_sum=2.1,
            text_sumsq=1.5,
        )
        # Not counted: another agreement, and Acme's whole-agreement slice.
        rollup(globex, desk.id, date(2025, 1, 5), nps_n=50, nps_det=50)
        db.session.add(
            FeedbackRollup(
                agreement_id=acme,
                slice=int(Slice.ALL),
                slice_id=0,
                day=date(2025, 1, 5),
                nps_n=50,
                nps_det=50,
            )
        )
        db.session.commit()
        return {**world, "desk": desk.id}


def test_observed_reads_the_aspect_rollups_per_month(
    app: Flask, rolled_up: Ids
) -> None:
    with app.app_context():
        acme = db.session.get(Agreement, rolled_up["acme_sla"])
        happy = target(acme, Measure.HAPPINESS, 40, "Service desk")
        csat = target(acme, Measure.CSAT, 80, "Service desk")
        mood = target(acme, Measure.SENTIMENT, 0.2, "Service desk")
        measured = db.session.get(Objective, rolled_up["response"])
        values = observed([acme.id], [happy, csat, mood, measured], [JAN, FEB, MAR])
        assert values[(happy.id, JAN)] == pytest.approx(40.0)
        assert values[(csat.id, JAN)] == pytest.approx(75.0)
        assert values[(mood.id, JAN)] == pytest.approx(0.3)
        for objective in (happy, csat, mood):
            assert values[(objective.id, FEB)] is None  # n = 3 < MIN_N
            assert values[(objective.id, MAR)] is None  # no feedback
        assert (measured.id, JAN) not in values
        assert observed([], [happy], [JAN]) == {}


def test_perception_targets_are_judged_like_measurements(
    app: Flask, rolled_up: Ids
) -> None:
    with app.app_context():
        acme = db.session.get(Agreement, rolled_up["acme_sla"])
        happy = target(acme, Measure.HAPPINESS, 40, "Service desk")
        csat = target(acme, Measure.CSAT, 80, "Service desk")
        acme.start_review()
        publish(acme, on=JAN, note="Perception targets", by=None)
        db.session.flush()
        effective = effective_objectives(acme)
        values = observed([acme.id], [e.objective for e in effective], [JAN, FEB])
        versions = {e.source.id: e.source.versions for e in effective}
        grid = compliance_grid(effective, [], [JAN, FEB], versions, perception=values)
        rows = {r.effective.objective.id: r for r in grid.rows}
        assert [c.met for c in rows[happy.id].cells] == [True, None]  # 40 >= 40
        assert [c.met for c in rows[csat.id].cells] == [False, None]  # 75 < 80
        assert [c.met for c in rows[rolled_up["response"]].cells] == [None, None]
        assert (grid.summaries[0].measured, grid.summaries[0].met) == (2, 1)
        # Without observed values, a perception target has no data.
        bare = compliance_grid(effective, [], [JAN], versions)
        assert bare.summaries[0].measured == 0


def test_perception_targets_take_no_measurements(app: Flask, rolled_up: Ids) -> None:
    with app.app_context():
        acme = db.session.get(Agreement, rolled_up["acme_sla"])
        happy = target(acme, Measure.HAPPINESS, 40, "Service desk")
        db.session.commit()
        happy_id = happy.id
    admin = as_user(app, "admin@example.test")
    base = f"/staff/agreements/{rolled_up['acme_sla']}/measurements"
    page = admin.get(base).get_data(as_text=True)
    assert f'<option value="{rolled_up["response"]}"' in page  # positive control
    assert f'<option value="{happy_id}"' not in page
    refused = enter(admin, rolled_up["acme_sla"], objective_id=str(happy_id))
    assert "Choose an objective in force" in refused.get_data(as_text=True)
    assert "happiness (Service desk)" not in admin.get(base + "/template.csv").text
    content = f"period,objective_id,value\n{LAST:%Y-%m},{happy_id},50\n".encode()
    report = upload(admin, rolled_up["acme_sla"], content).get_data(as_text=True)
    assert "is not in force here" in report
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(Measurement.id)).where(
                    Measurement.objective_id == happy_id
                )
            )
            == 0
        )
    # Editing the clause says what it is.
    edit = admin.get(f"/staff/objectives/{happy_id}/edit")
    assert edit.status_code == 303  # an active SLA's clauses are frozen
    with app.app_context():
        db.session.get(Agreement, rolled_up["acme_sla"]).start_review()
        db.session.commit()
    page = admin.get(f"/staff/objectives/{happy_id}/edit").get_data(as_text=True)
    assert "A perception target: judged each month" in page
