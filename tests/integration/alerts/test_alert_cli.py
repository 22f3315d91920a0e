"""``flask engage check-alerts``: what it prints, what it sends, and running it twice."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from engage.extensions import db
from engage.models import Alert, AlertKind, Role
from tests.factories import make_user
from tests.integration.alerts.conftest import outbox, sla, unhappy


def test_check_alerts_prints_raises_and_sends(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER, email="olive@example.test")
        unhappy(sla("Acme / Hosting", owner))
        db.session.commit()

    result = runner.invoke(args=["engage", "check-alerts"])
    assert result.exit_code == 0, result.output
    assert "Turned watermelon: Acme / Hosting -> olive@example.test" in result.output
    assert "Raised 1 alerts." in result.output
    assert "Sent 1 alert emails." in result.output
    assert [m["To"] for m in outbox(app)] == ["olive@example.test"]

    again = runner.invoke(args=["engage", "check-alerts"])
    assert again.exit_code == 0, again.output
    assert "Raised 0 alerts." in again.output
    assert "Sent 0 alert emails." in again.output
    assert len(outbox(app)) == 1
    with app.app_context():
        alert = db.session.scalars(select(Alert)).one()
        assert alert.kind is AlertKind.WATERMELON


def test_no_send_raises_without_mail(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        unhappy(sla("Hosting", make_user(Role.MANAGER)))
        db.session.commit()
    result = runner.invoke(args=["engage", "check-alerts", "--no-send"])
    assert result.exit_code == 0, result.output
    assert "Raised 1 alerts." in result.output
    assert outbox(app) == []
