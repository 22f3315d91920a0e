"""Fixtures for the renegotiation workbench: a small published SLA tree and users."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Direction, Level, Role
from engage.sla.versions import publish
from tests.factories import (
    make_agreement,
    make_customer,
    make_objective,
    make_user,
)
from tests.integration.agreements.measurement_helpers import as_user

Ids = dict[str, int]
START = date(2025, 1, 1)


@pytest.fixture
def world(app: Flask) -> Ids:
    """Corporate (Availability >= 99.5 %) -> Acme SLA (Response time <= 4 h, Backup
    >= 98 %), both version 1 from 2025-01-01; Globex SLA; staff of each kind."""
    with app.app_context():
        acme, globex = make_customer("Acme"), make_customer("Globex")
        corporate = make_agreement(Level.CORPORATE, "Corporate")
        availability = make_objective(corporate, "Availability", 99.5)
        publish(corporate, on=START, note="", by=None)
        acme_sla = make_agreement(
            Level.CUSTOMER, "Acme SLA", parent=corporate, customer=acme
        )
        response = make_objective(
            acme_sla, "Response time", 4, Direction.AT_MOST, "h", "Response time"
        )
        backup = make_objective(acme_sla, "Backup success", 98)
        publish(acme_sla, on=START, note="", by=None)
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", customer=globex, published_on=START
        )
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.MANAGER, email="globex@example.test", customers=[globex])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "corporate": corporate.id,
            "acme_sla": acme_sla.id,
            "globex_sla": globex_sla.id,
            "availability": availability.id,
            "response": response.id,
            "backup": backup.id,
        }


@pytest.fixture
def admin(app: Flask, world: Ids) -> FlaskClient:
    return as_user(app, "admin@example.test")


@pytest.fixture
def manager(app: Flask, world: Ids) -> FlaskClient:
    return as_user(app, "manager@example.test")
