"""Staff sign-in, sessions and throttling (SECURITY.md cases 16-19, 23)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Role
from tests.factories import PASSWORD, login, make_user


@pytest.fixture
def admin_email(app: Flask) -> str:
    with app.app_context():
        user = make_user(Role.ADMIN, email="admin@example.test")
        db.session.commit()
        return user.email


def test_login_page_renders(client: FlaskClient) -> None:
    response = client.get("/staff/login")
    assert response.status_code == 200
    assert b'<label for="email">Email</label>' in response.data


def test_staff_pages_require_login(client: FlaskClient) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_login_then_overview(client: FlaskClient, admin_email: str) -> None:
    response = login(client, admin_email)
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 200


def test_email_is_case_and_space_insensitive(
    client: FlaskClient, admin_email: str
) -> None:
    assert login(client, "  ADMIN@Example.test ").status_code == 303


def test_wrong_password_and_unknown_user_look_the_same(
    client: FlaskClient, admin_email: str
) -> None:
    """ASVS 6.3.8: no account enumeration through the login answer."""
    wrong = login(client, admin_email, "not the password")
    unknown = login(client, "nobody@example.test", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert b"Email or password is incorrect." in wrong.data
    assert wrong.data == unknown.data.replace(
        b"nobody@example.test", admin_email.encode()
    )


def test_inactive_user_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user(Role.ADMIN, email="gone@example.test", active=False)
        db.session.commit()
    assert login(client, "gone@example.test").status_code == 200
    assert client.get("/staff/").status_code == 302


def test_case16_throttled_per_account_across_ips(app: Flask, admin_email: str) -> None:
    """SECURITY.md 16 (ASVS 6.3.1): the 11th failure within 15 min is refused, per account."""
    for i in range(10):
        client = app.test_client()  # a new client per attempt, like a new IP
        response = client.post(
            "/staff/login",
            data={"email": admin_email, "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        )
        assert response.status_code == 200
    blocked = app.test_client().post(
        "/staff/login", data={"email": admin_email, "password": PASSWORD}
    )
    assert blocked.status_code == 429
    # Positive control: another account is not affected.
    with app.app_context():
        make_user(Role.VIEWER, email="other@example.test")
        db.session.commit()
    assert login(app.test_client(), "other@example.test").status_code == 303


def test_case16_throttle_window_passes(app: Flask, admin_email: str) -> None:
    app.config["LOGIN_WINDOW_MINUTES"] = 0  # the window has passed for every failure
    client = app.test_client()
    for _ in range(11):
        login(client, admin_email, "wrong")
    assert login(client, admin_email).status_code == 303


def test_case17_long_password_refused_without_hashing(
    client: FlaskClient, admin_email: str
) -> None:
    response = login(client, admin_email, "x" * 50_000)
    assert response.status_code == 200
    assert b"at most 256 characters" in response.data


def test_case18_session_fixation(client: FlaskClient, admin_email: str) -> None:
    """ASVS 7.2.4: the pre-login cookie is not the authenticated one."""
    client.get("/staff/login")
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
    before = client.get_cookie("session")
    login(client, admin_email)
    with client.session_transaction() as session:
        assert "planted" not in session
    after = client.get_cookie("session")
    assert after is not None
    assert before is None or before.value != after.value


def test_case19_logout_ends_session_on_server(
    app: Flask, client: FlaskClient, admin_email: str
) -> None:
    """ASVS 7.4.1: a cookie copied before logout is useless after it."""
    login(client, admin_email)
    stolen = client.get_cookie("session")
    assert stolen is not None
    assert client.post("/staff/logout").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    response = thief.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_case19_logout_is_post_only(client: FlaskClient, admin_email: str) -> None:
    login(client, admin_email)
    assert client.get("/staff/logout").status_code == 405
    assert client.get("/staff/").status_code == 200


def test_case19_password_change_ends_other_sessions(
    app: Flask, admin_email: str
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, admin_email)
    login(phone, admin_email)
    response = laptop.post(
        "/staff/account/password",
        data={
            "current": PASSWORD,
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    assert laptop.get("/staff/").status_code == 200
    assert phone.get("/staff/").status_code == 302
    assert (
        login(app.test_client(), admin_email, "a brand new passphrase").status_code
        == 303
    )


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "https:evil.com",
        "/%2F%2Fevil.com",
        "javascript:alert(1)",
        "https://evil.com@ourhost",
    ],
)
def test_case23_open_redirect(
    client: FlaskClient, admin_email: str, target: str
) -> None:
    """ASVS 3.7.2: ``next`` only ever leads to a path on this site."""
    response = client.post(
        "/staff/login",
        query_string={"next": target},
        data={"email": admin_email, "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"


def test_next_to_own_page_is_followed(client: FlaskClient, admin_email: str) -> None:
    response = client.post(
        "/staff/login",
        query_string={"next": "/staff/account/password"},
        data={"email": admin_email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/staff/account/password"


def test_fields_carry_no_empty_aria_references(client: FlaskClient) -> None:
    """A field without help or errors must not point screen readers at id "None"."""
    html = client.get("/staff/login").data
    assert b'="None"' not in html
    assert b'aria-describedby=""' not in html
