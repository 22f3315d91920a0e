"""The demo data set: deterministic, realistic, and only loaded into an empty database."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import delete, func, select, update

from engage.agreements.overview import agreement_grid
from engage.demo import MONTHS, DemoExists, seed
from engage.extensions import db
from engage.models import Agreement, Customer, Level, Measurement, Objective
from engage.sla.compliance import PeriodStatus, months_ending
from tests.factories import login

END = date(2026, 10, 1)


def _fingerprint() -> list[tuple[str, str, float]]:
    rows = db.session.execute(
        select(Agreement.name, Measurement.period, Measurement.value)
        .join(Agreement, Measurement.agreement_id == Agreement.id)
        .order_by(Agreement.name, Measurement.objective_id, Measurement.period)
    )
    return [(name, period.isoformat(), value) for name, period, value in rows]


def test_demo_shape(app: Flask) -> None:
    with app.app_context():
        result = seed(app.instance_path, end=END)
        db.session.commit()
        customers = db.session.scalars(select(Customer)).all()
        assert len([c for c in customers if c.parent_id is None]) >= 3
        assert any(c.departments for c in customers)
        agreements = db.session.scalars(select(Agreement)).all()
        assert len(agreements) >= 12
        assert {a.level for a in agreements} == set(Level)
        assert all(a.objectives for a in agreements)
        periods = db.session.scalars(select(Measurement.period).distinct()).all()
        assert len(periods) == MONTHS == 18
        assert max(periods) == END
        statuses = {}
        for agreement in agreements:
            if agreement.version:
                grid = agreement_grid(agreement, months_ending(END, MONTHS))
                statuses[agreement.name] = {s.status for s in grid.summaries}
        always_green = [n for n, s in statuses.items() if s == {PeriodStatus.MET}]
        breaching = [n for n, s in statuses.items() if PeriodStatus.BREACHED in s]
        assert len(always_green) >= 3
        assert len(breaching) >= 2
        # A renegotiated SLA keeps its history: two versions, the first one closed.
        renegotiated = result.by_name["Acme Finance / Service desk"]
        assert [v.number for v in renegotiated.versions] == [1, 2]
        assert (
            renegotiated.versions[0].effective_to
            == renegotiated.versions[1].effective_from
        )


def test_demo_is_deterministic(app: Flask) -> None:
    with app.app_context():
        seed(app.instance_path, end=END)
        db.session.commit()
        first = _fingerprint()
        # Empty the data and load again: the same values come back.
        _empty_database()
        seed(app.instance_path, end=END)
        db.session.commit()
        assert _fingerprint() == first


def _empty_database() -> None:
    """Delete every row but the aspects, children before parents."""
    db.session.execute(update(Objective).values(overrides_id=None))
    special = {"agreements", "customers", "aspects"}
    for table in reversed(db.metadata.sorted_tables):
        if table.name == "agreements":
            for level in (Level.SERVICE, Level.CUSTOMER, Level.CORPORATE):
                db.session.execute(delete(Agreement).where(Agreement.level == level))
        elif table.name == "customers":
            db.session.execute(delete(Customer).where(Customer.parent_id.is_not(None)))
            db.session.execute(delete(Customer))
        elif table.name not in special:
            db.session.execute(table.delete())
    db.session.commit()


def test_demo_refuses_a_database_with_data(app: Flask) -> None:
    with app.app_context():
        seed(app.instance_path, end=END)
        db.session.commit()
        try:
            seed(app.instance_path, end=END)
        except DemoExists:
            pass
        else:  # pragma: no cover - the assertion below explains the failure
            raise AssertionError("seeding twice must raise DemoExists")


def test_seed_demo_cli_and_printed_login_works(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["engage", "seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo loaded" in result.output
    login_file = Path(app.instance_path) / "demo-login.txt"
    assert stat.S_IMODE(login_file.stat().st_mode) == 0o600
    lines = dict(line.split(maxsplit=1) for line in login_file.read_text().splitlines())
    client = app.test_client()
    assert login(client, lines["admin"], lines["password"]).status_code == 303
    assert b"Corporate service standard" in client.get("/staff/").data
    again = runner.invoke(args=["engage", "seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "not loaded" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 5
    assert runner.invoke(args=["engage", "seed-demo"]).exit_code != 0


def test_demo_sessions_tell_the_story(app: Flask) -> None:
    """Every customer has sessions; statements are scored; action items close the loop."""
    from engage.models import ActionItem, ActionStatus, Feedback, ListeningSession

    with app.app_context():
        seed(app.instance_path, end=END)
        db.session.commit()
        customers = db.session.scalars(select(Customer)).all()
        for customer in customers:
            sessions = db.session.scalars(
                select(ListeningSession).filter_by(customer_id=customer.id)
            ).all()
            assert len(sessions) >= 3, customer.name
            assert all(s.statements for s in sessions), customer.name
        statements = db.session.scalars(
            select(Feedback).where(Feedback.session_id.is_not(None))
        ).all()
        assert len(statements) >= 100
        assert all(s.compound is not None and s.scorer_version for s in statements)
        assert all(s.agreement_id is not None for s in statements)

        def mean(name: str, months: tuple[int, int]) -> float:
            start = date(END.year, END.month, 1)
            values = [
                s.compound
                for s in statements
                if s.agreement
                and s.agreement.name == name
                and (start.year - s.received_at.year) * 12
                + start.month
                - s.received_at.month
                in range(*months)
                and s.compound is not None
            ]
            assert values, name
            return sum(values) / len(values)

        # The watermelon sours in its last months; the reverse case stays content.
        hosting = "Acme Finance / Cloud hosting"
        assert mean(hosting, (0, 6)) < -0.05 < 0.05 < mean(hosting, (10, 18))
        assert mean("Northwind Health / Cloud hosting", (0, 18)) > 0.05
        items = db.session.scalars(select(ActionItem)).all()
        today = date(2026, 11, 1)
        statuses = {i.status for i in items}
        assert {ActionStatus.DONE, ActionStatus.OPEN} <= statuses
        assert all(i.closed_at for i in items if i.status.is_closed)
        overdue_owners = {
            i.owner.role.value for i in items if i.is_overdue(today) and i.owner
        }
        assert {"manager", "admin"} <= overdue_owners
        assert any(i.response_id for i in items)
