"""Editing staff accounts: roles, deactivation, passwords and admin lock-out (case 19)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.admin import service
from engage.extensions import db
from engage.models import AuditEvent, Role, User
from tests.factories import PASSWORD, login, make_customer, make_user, signed_in

NEW_PASSWORD = "a long enough new passphrase"


@pytest.fixture
def admin(app: Flask) -> tuple[FlaskClient, int]:
    return signed_in(app, Role.ADMIN, email="boss@example.test")


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    )


def _edit_form(user: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": user.name,
        "role": user.role.value,
        "customers": [c.id for c in user.customers],
    }
    if user.active:
        data["active"] = "y"
    data.update(overrides)
    return data


def test_edit_role_and_customers(app: Flask, admin: tuple[FlaskClient, int]) -> None:
    client, admin_id = admin
    with app.app_context():
        acme_id = make_customer("ACME").id
        db.session.commit()
    viewer, viewer_id = signed_in(app, Role.VIEWER, email="v@example.test")
    page = client.get(f"/staff/admin/users/{viewer_id}/edit")
    assert page.status_code == 200
    assert b"v@example.test" in page.data

    with app.app_context():
        user = db.session.get(User, viewer_id)
        assert user is not None
        data = _edit_form(user, name="Vera", role="manager", customers=[acme_id])
    response = client.post(f"/staff/admin/users/{viewer_id}/edit", data=data)
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(User, viewer_id)
        assert user is not None
        assert (user.name, user.role) == ("Vera", Role.MANAGER)
        assert [c.name for c in user.customers] == ["ACME"]
        (event,) = _events("user.update")
        assert event.actor_id == admin_id
        assert event.details["changes"]["role"] == {"from": "viewer", "to": "manager"}
        assert event.details["ended_sessions"] == 1
    # A new role ends the user's sessions: they sign in again with the new rights.
    follow = viewer.get("/staff/")
    assert follow.status_code == 302
    assert "/staff/login" in follow.headers["Location"]


def test_editing_customers_keeps_sessions(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    """Positive control: only role and status changes sign people out."""
    client, _ = admin
    with app.app_context():
        acme_id = make_customer("ACME").id
        db.session.commit()
    manager, manager_id = signed_in(app, Role.MANAGER)
    with app.app_context():
        user = db.session.get(User, manager_id)
        assert user is not None
        data = _edit_form(user, customers=[acme_id])
    assert (
        client.post(f"/staff/admin/users/{manager_id}/edit", data=data).status_code
        == 303
    )
    assert manager.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.get(User, manager_id)
        assert user is not None
        assert [c.id for c in user.customers] == [acme_id]


def test_deactivate_ends_session_and_blocks_sign_in(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    """SECURITY.md 19 (ASVS 7.4.2): deactivating a staff member ends their sessions."""
    client, _ = admin
    leaver, leaver_id = signed_in(app, Role.MANAGER, email="leaver@example.test")
    assert leaver.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.get(User, leaver_id)
        assert user is not None
        data = _edit_form(user)
    del data["active"]  # an unchecked checkbox is not sent
    response = client.post(f"/staff/admin/users/{leaver_id}/edit", data=data)
    assert response.status_code == 303

    follow = leaver.get("/staff/")
    assert follow.status_code == 302
    assert "/staff/login" in follow.headers["Location"]
    assert login(app.test_client(), "leaver@example.test").status_code == 200
    with app.app_context():
        (event,) = _events("user.deactivate")
        assert event.target_id == leaver_id
        assert event.details["ended_sessions"] == 1


def test_admin_sets_password_and_ends_sessions(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, _ = admin
    member, member_id = signed_in(app, Role.VIEWER, email="forgot@example.test")
    assert client.get(f"/staff/admin/users/{member_id}/password").status_code == 200
    response = client.post(
        f"/staff/admin/users/{member_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert member.get("/staff/").status_code == 302
    assert login(app.test_client(), "forgot@example.test", PASSWORD).status_code == 200
    fresh = app.test_client()
    assert login(fresh, "forgot@example.test", NEW_PASSWORD).status_code == 303
    with app.app_context():
        (event,) = _events("user.password")
        assert event.target_id == member_id
        assert event.details == {"ended_sessions": 1}


def test_set_password_validates(app: Flask, admin: tuple[FlaskClient, int]) -> None:
    client, _ = admin
    member, member_id = signed_in(app, Role.VIEWER)
    response = client.post(
        f"/staff/admin/users/{member_id}/password",
        data={"password": "short", "confirm": "short"},
    )
    assert response.status_code == 200
    assert b"Use between 12 and 256" in response.data
    assert member.get("/staff/").status_code == 200


def test_own_password_goes_through_change_password(
    admin: tuple[FlaskClient, int],
) -> None:
    """Setting one's own password must ask for the current one."""
    client, admin_id = admin
    response = client.post(
        f"/staff/admin/users/{admin_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/account/password")
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"role": "viewer"}, b"You cannot remove your own admin role."),
        ({"active": None}, b"You cannot deactivate your own account."),
    ],
)
def test_admin_cannot_demote_or_deactivate_self(
    app: Flask,
    admin: tuple[FlaskClient, int],
    overrides: dict[str, Any],
    message: bytes,
) -> None:
    client, admin_id = admin
    with app.app_context():
        make_user(Role.ADMIN)  # another admin exists: the rule is about oneself
        db.session.commit()
        user = db.session.get(User, admin_id)
        assert user is not None
        data = {k: v for k, v in {**_edit_form(user), **overrides}.items() if v}
    response = client.post(f"/staff/admin/users/{admin_id}/edit", data=data)
    assert response.status_code == 200
    assert message in response.data
    with app.app_context():
        user = db.session.get(User, admin_id)
        assert user is not None
        assert (user.role, user.active) == (Role.ADMIN, True)
    assert client.get("/staff/admin/users").status_code == 200


def test_admin_can_demote_another_admin(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    """Positive control for the self-protection rules."""
    client, _ = admin
    with app.app_context():
        other = make_user(Role.ADMIN)
        db.session.commit()
        other_id = other.id
        data = _edit_form(other, role="viewer")
    response = client.post(f"/staff/admin/users/{other_id}/edit", data=data)
    assert response.status_code == 303
    with app.app_context():
        other = db.session.get(User, other_id)
        assert other is not None
        assert other.role is Role.VIEWER


@pytest.mark.parametrize(("role", "active"), [(Role.VIEWER, True), (Role.ADMIN, False)])
def test_last_active_admin_is_kept(app: Flask, role: Role, active: bool) -> None:
    """Without a signed-in actor (e.g. a script) the last admin still cannot go."""
    with app.app_context():
        sole = make_user(Role.ADMIN)
        make_user(Role.ADMIN, active=False)  # inactive admins do not count
        with pytest.raises(service.AccountError, match="last active admin"):
            service.update_user(None, sole, sole.name, role, active)
        assert (sole.role, sole.active) == (Role.ADMIN, True)
        # Positive control: with a second active admin the change is allowed.
        make_user(Role.ADMIN)
        service.update_user(None, sole, sole.name, role, active)
        assert (sole.role, sole.active) == (role, active)
