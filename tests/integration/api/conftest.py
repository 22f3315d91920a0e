"""Fixtures for the JSON API tests: a small world, keys of each scope, a caller."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.api.keys import create_key
from engage.extensions import db
from engage.models import ApiScope, Direction, Level, Measure, Role, utcnow
from engage.sla.compliance import add_months, month_start
from tests.factories import (
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
    make_user,
)
from tests.feedback_factories import make_text_feedback
from tests.integration.api.helpers import Caller

LAST = add_months(month_start(utcnow().date()), -1)
BEFORE = add_months(LAST, -1)
NEXT = add_months(month_start(utcnow().date()), 1)
Ids = dict[str, int]
ALL_SCOPES = [s.value for s in ApiScope]


@pytest.fixture
def world(app: Flask) -> Ids:
    """Corporate (Availability) -> Acme SLA (Response time, a CSAT target);
    Globex SLA (Backup success); a draft; comments on the Acme SLA."""
    with app.app_context():
        acme, globex = make_customer("Acme"), make_customer("Globex")
        corporate = make_agreement(
            Level.CORPORATE, "Corporate", published_on=date(2024, 1, 1)
        )
        availability = make_objective(corporate, "Availability", 99.5)
        acme_sla = make_agreement(
            Level.CUSTOMER,
            "Acme SLA",
            parent=corporate,
            customer=acme,
            published_on=date(2024, 1, 1),
        )
        response = make_objective(
            acme_sla, "Response time", 4, Direction.AT_MOST, "h", "Response time"
        )
        csat = make_objective(acme_sla, "Customer satisfaction", 80, unit="%")
        csat.measure = Measure.CSAT
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", customer=globex, published_on=date(2024, 1, 1)
        )
        backup = make_objective(globex_sla, "Backup success", 98)
        draft = make_agreement(Level.CUSTOMER, "Draft SLA", customer=acme)
        uptime = make_objective(draft, "Uptime", 99)
        make_measurement(acme_sla, response, LAST, 3.0)
        make_measurement(acme_sla, response, BEFORE, 6.0)
        when = datetime.combine(LAST, datetime.min.time(), tzinfo=UTC)
        for text in ("Great, fast help", "Slow and unhelpful", "Fine", "Good", "Ok"):
            make_text_feedback(text, acme_sla, received_at=when)
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "acme": acme.id,
            "globex": globex.id,
            "corporate": corporate.id,
            "acme_sla": acme_sla.id,
            "globex_sla": globex_sla.id,
            "draft": draft.id,
            "availability": availability.id,
            "response": response.id,
            "csat": csat.id,
            "backup": backup.id,
            "uptime": uptime.id,
        }


@pytest.fixture
def new_key(app: Flask) -> Callable[..., str]:
    """``new_key(*scopes)``: a plain key with those scopes (all by default)."""

    def make(*scopes: str, name: str = "Integration") -> str:
        with app.app_context():
            _, plain = create_key(name, list(scopes) or ALL_SCOPES, None)
            db.session.commit()
        return plain

    return make


@pytest.fixture
def api(client: FlaskClient, new_key: Callable[..., str], world: Ids) -> Caller:
    """A caller with a key of every scope, over the world."""
    return Caller(client, new_key())
