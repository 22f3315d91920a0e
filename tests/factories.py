"""Factory functions for test data. Call them inside an app context; they flush, not commit."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from engage.auth.passwords import hash_password
from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    Aspect,
    Contact,
    Customer,
    Direction,
    Level,
    Measurement,
    Objective,
    Role,
    Service,
    User,
)
from engage.sla.versions import publish

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    # Argon2 at full strength is slow on purpose; tests reuse one hash per password.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_user(
    role: Role = Role.ADMIN,
    email: str | None = None,
    password: str = PASSWORD,
    customers: list[Customer] | None = None,
    **overrides: Any,
) -> User:
    user = User(
        email=email or f"staff{next(_seq)}@example.test",
        role=role,
        password_hash=_hash(password),
        name=overrides.pop("name", "Test Staff"),
        **overrides,
    )
    user.customers = customers or []
    db.session.add(user)
    db.session.flush()
    return user


def make_customer(
    name: str | None = None, parent: Customer | None = None, **kw: Any
) -> Customer:
    customer = Customer(name=name or f"Customer {next(_seq)}", parent=parent, **kw)
    db.session.add(customer)
    db.session.flush()
    return customer


def make_contact(customer: Customer, email: str | None = None, **kw: Any) -> Contact:
    contact = Contact(
        customer=customer,
        name=kw.pop("name", "Pat Contact"),
        email=email or f"contact{next(_seq)}@customer.test",
        **kw,
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def make_service(name: str | None = None) -> Service:
    service = Service(name=name or f"Service {next(_seq)}")
    db.session.add(service)
    db.session.flush()
    return service


def aspect(name: str = "Availability") -> Aspect:
    found = db.session.query(Aspect).filter_by(name=name).one()
    return found


def make_agreement(
    level: Level = Level.CORPORATE,
    name: str | None = None,
    parent: Agreement | None = None,
    customer: Customer | None = None,
    service: Service | None = None,
    published_on: date | None = None,
) -> Agreement:
    """An agreement; with ``published_on`` it is published as version 1 that day."""
    if level is not Level.CORPORATE and customer is None:
        customer = parent.customer if parent and parent.customer else make_customer()
    if level is Level.SERVICE and service is None:
        service = make_service()
    agreement = Agreement(
        name=name or f"SLA {next(_seq)}",
        level=level,
        parent=parent,
        customer=customer,
        service=service,
    )
    db.session.add(agreement)
    db.session.flush()
    if published_on:
        publish(agreement, on=published_on, note="First version", by=None)
        db.session.flush()
    return agreement


def make_objective(
    agreement: Agreement,
    metric: str = "Availability",
    target: float = 99.5,
    direction: Direction = Direction.AT_LEAST,
    unit: str = "%",
    aspect_name: str = "Availability",
    overrides: Objective | None = None,
) -> Objective:
    objective = Objective(
        agreement=agreement,
        aspect=aspect(aspect_name),
        metric=metric,
        target=target,
        direction=direction,
        unit=unit,
        overrides=overrides,
    )
    db.session.add(objective)
    db.session.flush()
    return objective


def make_measurement(
    agreement: Agreement, objective: Objective, period: date, value: float
) -> Measurement:
    measurement = Measurement(
        agreement=agreement, objective=objective, period=period, value=value
    )
    db.session.add(measurement)
    db.session.flush()
    return measurement


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the real login form; returns the response."""
    return client.post("/staff/login", data={"email": email, "password": password})


__all__ = ["AgreementStatus", "PASSWORD"]


def signed_in(
    app: Flask,
    role: Role = Role.ADMIN,
    email: str | None = None,
    customer_ids: list[int] | None = None,
) -> tuple[FlaskClient, int]:
    """A new test client signed in as a new ``role`` user, and that user's id.

    Pushes its own app context and commits the user, so call it outside one.
    """
    with app.app_context():
        customers = [db.session.get(Customer, i) for i in customer_ids or []]
        user = make_user(role, email=email, customers=[c for c in customers if c])
        db.session.commit()
        user_email, user_id = user.email, user.id
    client = app.test_client()
    assert login(client, user_email).status_code == 303
    return client, user_id
