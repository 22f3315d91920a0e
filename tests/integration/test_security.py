"""Safety from day one: CSRF, body limits, headers, error pages (SECURITY.md)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import LoginFailure, Role, StaffSession
from tests.factories import PASSWORD, login, make_user


@pytest.fixture
def admin(app: Flask) -> str:
    with app.app_context():
        email = make_user(Role.ADMIN, email="admin@example.test").email
        db.session.commit()
    return email


def _csrf_token(html: bytes) -> str:
    match = re.search(
        rb'name="csrf_token" type="hidden" value="([^"]+)"', html
    ) or re.search(rb'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1).decode()


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_case21_login_without_csrf_token_is_refused(
    csrf_app: Flask, admin: str
) -> None:
    """SECURITY.md 21 (ASVS 3.5.1): no token, no effect."""
    client = csrf_app.test_client()
    response = client.post("/staff/login", data={"email": admin, "password": PASSWORD})
    assert response.status_code == 400
    assert b"Form expired" in response.data
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 0
    # Positive control: with the page's token the same login works.
    token = _csrf_token(client.get("/staff/login").data)
    ok = client.post(
        "/staff/login", data={"email": admin, "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 303


def test_case21_staff_post_without_token_has_no_effect(
    csrf_app: Flask, admin: str
) -> None:
    client = csrf_app.test_client()
    token = _csrf_token(client.get("/staff/login").data)
    client.post(
        "/staff/login", data={"email": admin, "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/staff/").status_code == 200  # still signed in
    page = client.get("/staff/")
    assert (
        client.post(
            "/staff/logout", data={"csrf_token": _csrf_token(page.data)}
        ).status_code
        == 303
    )
    assert client.get("/staff/").status_code == 302


def test_case12_oversize_body_is_413(client: FlaskClient) -> None:
    """SECURITY.md 12: a 10 MB urlencoded body is refused, not parsed."""
    body = "email=a%40b.c&password=" + "x" * (10 * 1024 * 1024)
    response = client.post(
        "/staff/login", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert b"larger than Engage accepts" in response.data


@pytest.mark.parametrize(
    "path", ["/staff/login", "/no/such/page", "/static/css/engage.css"]
)
def test_case33_security_headers(client: FlaskClient, path: str) -> None:
    """SECURITY.md 33 (ASVS 3.4): CSP without inline script, nosniff, no framing."""
    response = client.get(path)
    response.close()
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_load_nothing_from_outside(client: FlaskClient, admin: str) -> None:
    login(client, admin)
    for path in ("/staff/login", "/staff/", "/staff/account/password"):
        html = client.get(path).data.decode()
        assert not re.search(r'(src|href)="(https?:)?//', html), path
        assert "<script>" not in html  # no inline scripts: the CSP would block them


def test_case28_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/staff/nowhere")
    assert response.status_code == 404
    assert b"Not found" in response.data


def test_case28_werkzeug_console_unreachable(client: FlaskClient) -> None:
    assert client.get("/console").status_code == 404


def test_trace_is_not_allowed(client: FlaskClient) -> None:
    assert client.open("/staff/login", method="TRACE").status_code == 405


def test_case28_error_page_has_incident_id_and_no_traceback(
    app: Flask, admin: str
) -> None:
    """SECURITY.md 28 (ASVS 13.4.2, 16.5.1): generic 500, rolled back, nothing leaked."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/boom")
    def boom() -> str:
        db.session.add(LoginFailure(email="half-done@example.test"))
        db.session.flush()
        raise RuntimeError("SELECT secret FROM users -- sqlalchemy")

    response = app.test_client().post("/boom")
    assert response.status_code == 500
    body = response.data.decode()
    assert re.search(r"incident reference: <strong>[0-9a-f]{8}</strong>", body)
    for leak in ("Traceback", "RuntimeError", "SELECT", "sqlalchemy", "Werkzeug"):
        assert leak not in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_state_changes_only_on_post(client: FlaskClient, admin: str) -> None:
    """Every route that changes state refuses GET (SECURITY.md 21)."""
    login(client, admin)
    assert client.get("/staff/logout").status_code == 405
