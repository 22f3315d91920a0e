"""Fixtures for the feedback import: two customers, their SLAs and three staff roles."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Level, Role
from tests.factories import (
    make_agreement,
    make_customer,
    make_objective,
    make_user,
)
from tests.integration.imports.helpers import Ids, as_user


@pytest.fixture
def world(app: Flask) -> Ids:
    """Acme (with a Finance department) and Globex; each with an SLA; three users."""
    with app.app_context():
        acme, globex = make_customer("Acme"), make_customer("Globex")
        finance = make_customer("Finance", parent=acme)
        acme_sla = make_agreement(
            Level.CUSTOMER, "Acme SLA", customer=acme, published_on=date(2024, 1, 1)
        )
        availability = make_objective(acme_sla, "Platform availability", 99.9)
        finance_sla = make_agreement(Level.CUSTOMER, "Finance SLA", customer=finance)
        globex_sla = make_agreement(Level.CUSTOMER, "Globex SLA", customer=globex)
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "acme": acme.id,
            "finance": finance.id,
            "globex": globex.id,
            "acme_sla": acme_sla.id,
            "finance_sla": finance_sla.id,
            "globex_sla": globex_sla.id,
            "availability": availability.id,
        }


@pytest.fixture
def admin(app: Flask, world: Ids) -> FlaskClient:
    return as_user(app, "admin@example.test")


@pytest.fixture
def manager(app: Flask, world: Ids) -> FlaskClient:
    return as_user(app, "manager@example.test")
