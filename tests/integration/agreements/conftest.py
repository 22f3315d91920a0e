"""Fixtures for the measurement tests of the agreements area."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Direction, Level, Role
from tests.factories import (
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
    make_user,
)
from tests.integration.agreements.measurement_helpers import LAST, Ids, as_user


@pytest.fixture
def world(app: Flask) -> Ids:
    """Corporate (Availability) -> Acme SLA (Response time); Globex SLA; a draft."""
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
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", customer=globex, published_on=date(2024, 1, 1)
        )
        backup = make_objective(globex_sla, "Backup success", 98)
        draft = make_agreement(Level.CUSTOMER, "Draft SLA", customer=acme)
        make_objective(draft, "Uptime", 99)
        globex_value = make_measurement(globex_sla, backup, LAST, 99)
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "corporate": corporate.id,
            "acme_sla": acme_sla.id,
            "globex_sla": globex_sla.id,
            "draft": draft.id,
            "availability": availability.id,
            "response": response.id,
            "backup": backup.id,
            "globex_value": globex_value.id,
        }


@pytest.fixture
def admin(app: Flask, world: Ids) -> FlaskClient:
    return as_user(app, "admin@example.test")
