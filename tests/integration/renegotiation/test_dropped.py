"""A dropped clause: out of force after its drop, still judged for the months before."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    Agreement,
    DomainError,
    Measurement,
    MeasurementSource,
    Objective,
    ProposalAction,
)
from engage.renegotiation import proposing, recording
from engage.sla.compliance import compliance_grid
from engage.sla.measurement_csv import parse_csv, template_csv
from engage.sla.measurements import Entry, record
from engage.sla.tree import effective_objectives, measured_objectives
from tests.factories import make_measurement
from tests.integration.renegotiation.conftest import Ids

MONTHS = [date(2025, m, 1) for m in range(1, 7)]


def drop_backup(world: Ids) -> tuple[Agreement, Objective]:
    """Acme SLA drops Backup success in version 2 from 2025-04-15."""
    acme = db.session.get(Agreement, world["acme_sla"])
    backup = db.session.get(Objective, world["backup"])
    for month in MONTHS:
        make_measurement(acme, backup, month, 97 if month.month == 2 else 99)
    acme.start_review()
    proposing.propose_change(acme, backup.id, ProposalAction.DROP, None, "Unused", None)
    recording.record(acme, date(2025, 4, 15), "Dropped backups", None, None)
    db.session.commit()
    return acme, backup


def test_a_dropped_clause_binds_nothing_after_its_drop(app: Flask, world: Ids) -> None:
    with app.app_context():
        acme, backup = drop_backup(world)
        assert backup.id not in {e.objective.id for e in effective_objectives(acme)}
        assert backup.id not in {e.objective.id for e in measured_objectives(acme)}
        every = effective_objectives(acme, include_dropped=True)
        assert backup.id in {e.objective.id for e in every}
        versions = {e.source.id: e.source.versions for e in every}
        grid = compliance_grid(every, measured(acme), MONTHS, versions)
        row = next(r for r in grid.rows if r.effective.objective.id == backup.id)
        # Jan-Mar judged (Feb breached); April onwards version 2 is in force.
        assert [c.met for c in row.cells] == [True, False, True, None, None, None]
        assert [c.target.in_force for c in row.cells] == [True] * 3 + [False] * 3
        assert (row.measured, row.met) == (3, 2)
        assert grid.summaries[3].measured == 0  # nothing else is measured then


def measured(acme: Agreement) -> list[Measurement]:
    return list(
        db.session.scalars(
            select(Measurement).where(Measurement.agreement_id == acme.id)
        )
    )


def test_measurements_are_refused_after_the_drop(app: Flask, world: Ids) -> None:
    with app.app_context():
        acme, backup = drop_backup(world)
        with pytest.raises(DomainError, match="dropped in version 2"):
            record(
                acme,
                Entry(backup, date(2025, 5, 1), 99.0),
                source=MeasurementSource.MANUAL,
                by=None,
            )
        done = record(
            acme,
            Entry(backup, date(2025, 3, 1), 98.5),
            source=MeasurementSource.MANUAL,
            by=None,
        )
        assert done.measurement.value == 98.5
        csv = b"period,objective_id,value\n2025-03,%d,99\n2025-05,%d,99\n" % (
            backup.id,
            backup.id,
        )
        parsed = parse_csv(csv, [backup], date(2025, 7, 1))
        assert [e.period for e in parsed.rows] == [date(2025, 3, 1)]
        [error] = parsed.errors
        assert "dropped in version 2 (from 2025-04)" in error.message
        assert "Backup success" not in template_csv([backup], date(2025, 6, 1))
