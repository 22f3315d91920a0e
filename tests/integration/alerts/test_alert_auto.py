"""The automatic check after writes to feedback or measurements, and its debounce."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.alerts import auto
from engage.extensions import db
from engage.models import Alert, AlertKind, Role
from tests.factories import make_customer, make_user
from tests.integration.alerts.conftest import MONTHS, outbox, sla, unhappy


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "JOBS_INLINE": True,
        "ALERTS_AUTO_CHECK": True,
        "ALERT_CHECK_INTERVAL": 0,
    }


def _alerts() -> int:
    return db.session.scalar(select(func.count()).select_from(Alert)) or 0


def test_a_feedback_commit_checks_and_mails_the_owner(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER, email="olive@example.test")
        hosting = sla("Hosting", owner)
        db.session.commit()  # measurements: a check runs, nothing to say yet
        assert auto.state(app).runs == 1
        assert _alerts() == 0

        make_customer()
        db.session.commit()  # neither feedback nor measurements: no check
        assert auto.state(app).runs == 1

        unhappy(hosting)
        db.session.commit()
        assert auto.state(app).runs == 2
        alert = db.session.scalars(select(Alert)).one()
        assert (alert.kind, alert.user_id) == (AlertKind.WATERMELON, owner.id)
        assert alert.emailed_at is not None
    assert [m["To"] for m in outbox(app)] == ["olive@example.test"]


def test_a_rolled_back_write_checks_nothing(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER)
        hosting = sla("Hosting", owner)
        db.session.commit()
        runs = auto.state(app).runs
        unhappy(hosting)  # flushed, then thrown away
        db.session.rollback()
        make_customer()
        db.session.commit()
        assert auto.state(app).runs == runs


def test_switched_off_nothing_runs(app: Flask) -> None:
    app.config["ALERTS_AUTO_CHECK"] = False
    with app.app_context():
        unhappy(sla("Hosting", make_user(Role.MANAGER)))
        db.session.commit()
        assert auto.state(app).runs == 0
        assert _alerts() == 0


def test_writes_within_the_interval_make_one_later_check(app: Flask) -> None:
    # Long enough that a busy CI machine still makes both writes inside it.
    app.config["ALERT_CHECK_INTERVAL"] = 4
    with app.app_context():
        owner = make_user(Role.MANAGER)
        hosting = sla("Hosting", owner)
        db.session.commit()
        assert auto.state(app).runs == 1

        unhappy(hosting)
        db.session.commit()
        unhappy(hosting, MONTHS[-2])
        db.session.commit()
        # Too soon after the first check: one check is queued for later, not run.
        assert auto.state(app).runs == 1
        assert auto.state(app).queued
        assert _alerts() == 0

    deadline = time.monotonic() + 30
    while auto.state(app).runs < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    with app.app_context():
        assert auto.state(app).runs == 2
        assert not auto.state(app).queued
        alert = db.session.scalars(select(Alert)).one()
        assert alert.emailed_at is not None


def test_a_long_interval_keeps_later_writes_waiting(app: Flask) -> None:
    app.config["ALERT_CHECK_INTERVAL"] = 3600
    with app.app_context():
        hosting = sla("Hosting", make_user(Role.MANAGER))
        db.session.commit()
        unhappy(hosting)
        db.session.commit()
        assert auto.state(app).runs == 1
        assert _alerts() == 0  # the cron job will catch it
    auto.cancel(app)
    assert not auto.state(app).queued
