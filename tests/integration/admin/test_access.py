"""Only admins reach the admin area (SECURITY.md cases 21, 25; ASVS 8.2.1, 8.2.3)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from engage.extensions import db
from engage.models import Aspect, AuditEvent, Job, JobStatus, Role, User
from tests.factories import make_user, signed_in

#: (method, path, endpoint): every admin route; {user} and {aspect} are filled in.
ROUTES = [
    ("GET", "/staff/admin/users", "admin.users"),
    ("GET", "/staff/admin/users/new", "admin.user_new"),
    ("POST", "/staff/admin/users/new", "admin.user_new"),
    ("GET", "/staff/admin/users/{user}/edit", "admin.user_edit"),
    ("POST", "/staff/admin/users/{user}/edit", "admin.user_edit"),
    ("GET", "/staff/admin/users/{user}/password", "admin.user_password"),
    ("POST", "/staff/admin/users/{user}/password", "admin.user_password"),
    ("GET", "/staff/admin/aspects", "admin.aspects"),
    ("GET", "/staff/admin/aspects/new", "admin.aspect_new"),
    ("POST", "/staff/admin/aspects/new", "admin.aspect_new"),
    ("GET", "/staff/admin/aspects/{aspect}/edit", "admin.aspect_edit"),
    ("POST", "/staff/admin/aspects/{aspect}/edit", "admin.aspect_edit"),
    ("POST", "/staff/admin/aspects/{aspect}/activate", "admin.aspect_active"),
    ("POST", "/staff/admin/aspects/{aspect}/deactivate", "admin.aspect_active"),
    ("POST", "/staff/admin/aspects/{aspect}/move/up", "admin.aspect_move"),
    ("POST", "/staff/admin/aspects/{aspect}/move/down", "admin.aspect_move"),
    ("POST", "/staff/admin/aspects/{aspect}/delete", "admin.aspect_delete"),
    ("GET", "/staff/admin/audit", "admin.audit_log"),
    ("GET", "/staff/admin/aspects/{aspect}/keywords", "admin.aspect_keywords"),
    ("POST", "/staff/admin/aspects/{aspect}/keywords", "admin.aspect_keywords"),
    ("POST", "/staff/admin/rescore", "admin.rescore"),
    ("GET", "/staff/admin/jobs", "admin.jobs_list"),
    ("GET", "/staff/admin/jobs/{job}", "admin.job"),
    ("GET", "/staff/admin/jobs/{job}/status", "admin.job_status"),
]

#: Form data that would change something if the check were missing.
FORM = {
    "email": "intruder@example.test",
    "name": "Changed",
    "role": "admin",
    "active": "y",
    "password": "an intruder's passphrase",
    "confirm": "an intruder's passphrase",
    "description": "changed",
    "text": "intruder",
}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # The rescore route's job runs at once, inside the request.
    return {**app_config, "JOBS_INLINE": True}


def test_routes_list_covers_every_admin_rule(app: Flask) -> None:
    """A new admin route must be added to ROUTES, and so be tested for 403."""
    declared = {(method, endpoint) for method, _, endpoint in ROUTES}
    registered = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert declared == registered


@pytest.fixture
def targets(app: Flask) -> dict[str, int]:
    """A staff account and an unused aspect for the routes to act on."""
    with app.app_context():
        target = make_user(Role.VIEWER, email="target@example.test", name="Target")
        aspect = Aspect(name="Unused", description="", position=99)
        job = Job(kind="rescore", status=JobStatus.DONE)
        db.session.add_all([aspect, job])
        db.session.commit()
        return {"user": target.id, "aspect": aspect.id, "job": job.id}


def _snapshot() -> tuple[object, ...]:
    users = db.session.execute(
        select(
            User.email, User.name, User.role, User.active, User.password_hash
        ).order_by(User.id)
    ).all()
    aspects = db.session.execute(
        select(
            Aspect.name,
            Aspect.description,
            Aspect.active,
            Aspect.position,
            Aspect.keywords,
        ).order_by(Aspect.id)
    ).all()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    jobs = db.session.scalar(select(func.count()).select_from(Job))
    return (tuple(users), tuple(aspects), events, jobs)


def _call(
    client: FlaskClient, method: str, path: str, targets: dict[str, int]
) -> TestResponse:
    url = path.format(**targets)
    return client.open(url, method=method, data=FORM if method == "POST" else None)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER])
@pytest.mark.parametrize(("method", "path", "endpoint"), ROUTES)
def test_other_roles_get_403_and_change_nothing(
    app: Flask,
    targets: dict[str, int],
    role: Role,
    method: str,
    path: str,
    endpoint: str,
) -> None:
    client, _ = signed_in(app, role)
    with app.app_context():
        before = _snapshot()
    assert _call(client, method, path, targets).status_code == 403
    with app.app_context():
        assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "endpoint"), ROUTES)
def test_admin_reaches_every_route(
    app: Flask, targets: dict[str, int], method: str, path: str, endpoint: str
) -> None:
    """Positive control for the 403 test above."""
    client, _ = signed_in(app, Role.ADMIN)
    response = _call(client, method, path, targets)
    assert response.status_code == (200 if method == "GET" else 303)


@pytest.mark.parametrize(("method", "path", "endpoint"), ROUTES)
def test_anonymous_is_sent_to_login(
    client: FlaskClient,
    targets: dict[str, int],
    method: str,
    path: str,
    endpoint: str,
) -> None:
    response = _call(client, method, path, targets)
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/admin/aspects/{aspect}/activate",
        "/staff/admin/aspects/{aspect}/move/up",
        "/staff/admin/aspects/{aspect}/delete",
    ],
)
def test_state_changes_refuse_get(
    app: Flask, targets: dict[str, int], path: str
) -> None:
    """SECURITY.md 21: a state-changing action through GET is 405."""
    client, _ = signed_in(app, Role.ADMIN)
    assert client.get(path.format(**targets)).status_code == 405


def test_csrf_token_required_on_admin_posts(
    app: Flask, targets: dict[str, int]
) -> None:
    """SECURITY.md 21 (ASVS 3.5.1): with CSRF on, a forged user-create is refused."""
    client, _ = signed_in(app, Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/staff/admin/users/new", data=FORM)
    assert response.status_code == 400
    with app.app_context():
        assert (
            db.session.scalar(select(User).where(User.email == FORM["email"])) is None
        )
