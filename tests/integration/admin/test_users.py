"""Creating and listing staff accounts (SECURITY.md cases 17, 25)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import AuditEvent, Role, User
from tests.factories import login, make_customer, make_user, signed_in

NEW_PASSWORD = "a long enough new passphrase"


@pytest.fixture
def admin(app: Flask) -> tuple[FlaskClient, int]:
    return signed_in(app, Role.ADMIN, email="boss@example.test")


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    )


def _new_user_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": "new.person@example.test",
        "name": "New Person",
        "role": "viewer",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_list_shows_accounts_and_no_hashes(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, _ = admin
    with app.app_context():
        acme = make_customer("ACME")
        make_user(Role.MANAGER, email="mgr@example.test", customers=[acme])
        make_user(Role.VIEWER, email="view@example.test", active=False)
        db.session.commit()
    page = client.get("/staff/admin/users")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("boss@example.test", "mgr@example.test", "view@example.test"):
        assert expected in text
    assert "ACME" in text
    assert "Inactive" in text
    assert 'data-label="Customers"' in text
    assert "$argon2" not in text


def test_create_manager_with_customers_then_they_sign_in(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, admin_id = admin
    with app.app_context():
        acme, globex = make_customer("ACME"), make_customer("Globex")
        make_customer("Initech")
        db.session.commit()
        chosen = [acme.id, globex.id]
    form = client.get("/staff/admin/users/new")
    assert form.status_code == 200
    assert b"Initech" in form.data

    response = client.post(
        "/staff/admin/users/new",
        data=_new_user_form(
            email="  New.Manager@Example.TEST ",
            role="manager",
            customers=chosen,
            password_hash="$argon2id$forged",  # mass assignment is ignored
        ),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/admin/users")
    with app.app_context():
        user = _user("new.manager@example.test")
        assert user is not None
        assert user.role is Role.MANAGER
        assert sorted(c.name for c in user.customers) == ["ACME", "Globex"]
        assert user.password_hash.startswith("$argon2id$")
        (event,) = _events("user.create")
        assert event.actor_id == admin_id
        assert event.target_id == user.id
        assert NEW_PASSWORD not in str(event.details)
        assert "argon2" not in str(event.details)

    manager = app.test_client()
    assert login(manager, "new.manager@example.test", NEW_PASSWORD).status_code == 303
    assert manager.get("/staff/").status_code == 200
    assert manager.get("/staff/admin/users").status_code == 403


def test_customers_are_dropped_for_other_roles(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, _ = admin
    with app.app_context():
        acme_id = make_customer("ACME").id
        db.session.commit()
    response = client.post(
        "/staff/admin/users/new", data=_new_user_form(customers=[acme_id])
    )
    assert response.status_code == 303
    with app.app_context():
        user = _user("new.person@example.test")
        assert user is not None
        assert user.role is Role.VIEWER
        assert user.customers == []


@pytest.mark.parametrize("email", ["taken@example.test", "  TAKEN@Example.test "])
def test_duplicate_email_refused(
    app: Flask, admin: tuple[FlaskClient, int], email: str
) -> None:
    client, _ = admin
    with app.app_context():
        make_user(Role.VIEWER, email="taken@example.test")
        db.session.commit()
    response = client.post("/staff/admin/users/new", data=_new_user_form(email=email))
    assert response.status_code == 200
    assert b"A staff account with this email already exists." in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short", "confirm": "short"}, b"Use between 12 and 256"),
        (
            {"password": "x" * 50_000, "confirm": "x" * 50_000},
            b"Use between 12 and 256",
        ),
        ({"confirm": "something else entirely"}, b"The two passwords differ."),
        ({"password": "", "confirm": ""}, b"This field is required."),
        ({"email": "not-an-email"}, b"Enter an email address."),
        ({"role": "superuser"}, b"Choose one of the roles."),
        (
            {"role": "manager", "customers": ["999999"]},
            b"Choose customers from the list.",
        ),
        (
            {"role": "manager", "customers": ["1 OR 1=1"]},
            b"Choose customers from the list.",
        ),
        ({"name": "   "}, b"This field is required."),
    ],
)
def test_invalid_new_user_refused(
    app: Flask,
    admin: tuple[FlaskClient, int],
    overrides: dict[str, Any],
    message: bytes,
) -> None:
    client, _ = admin
    response = client.post("/staff/admin/users/new", data=_new_user_form(**overrides))
    assert response.status_code == 200
    assert message in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert _events("user.create") == []


def test_unknown_user_is_404(admin: tuple[FlaskClient, int]) -> None:
    client, _ = admin
    assert client.get("/staff/admin/users/999999/edit").status_code == 404
    assert client.post("/staff/admin/users/999999/password").status_code == 404
