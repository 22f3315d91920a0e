"""The demo seeds alerts for its watermelon SLAs' owners, without sending mail."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from engage.alerts.check import check_alerts
from engage.demo import seed
from engage.extensions import db
from engage.models import Alert, AlertKind, PerceptionState
from tests.integration.alerts.conftest import outbox


def test_demo_watermelons_have_alerts_for_their_owners(app: Flask) -> None:
    with app.app_context():
        seed(app.instance_path, end=date(2026, 10, 1))
        db.session.commit()
        alerts = db.session.scalars(select(Alert)).all()
        watermelons = {
            s.agreement_id
            for s in db.session.scalars(select(PerceptionState))
            if s.alignment == "watermelon"
        }
        assert watermelons
        alerted = {a.agreement_id for a in alerts if a.kind is AlertKind.WATERMELON}
        assert alerted == watermelons
        owned = [a for a in alerts if a.agreement.owner_id is not None]
        assert owned  # the demo's Acme SLAs have an owner
        for alert in owned:
            assert alert.user_id == alert.agreement.owner_id
        assert all(a.emailed_at is None for a in alerts)
        # The seed's check saw everything: running it again raises nothing.
        assert check_alerts(db.session) == []
    assert outbox(app) == []
