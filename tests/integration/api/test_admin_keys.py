"""The admin area's API keys page: admins only, the key shown once, revoke by POST."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.api.auth import hash_key
from engage.extensions import db
from engage.models import ApiKey, AuditEvent
from tests.factories import login
from tests.integration.api.conftest import Ids
from tests.integration.api.helpers import Caller

KEY = re.compile(r'value="(eng_[A-Za-z0-9_-]{40,})"')


def as_user(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


def create(
    client: FlaskClient, name: str = "Zabbix", scopes: tuple[str, ...] = ("read",)
) -> str:
    response = client.post(
        "/staff/admin/api-keys/new", data={"name": name, "scopes": list(scopes)}
    )
    assert response.status_code == 200
    found = KEY.search(response.get_data(as_text=True))
    assert found, "the new key is shown on the answer page"
    return found.group(1)


def test_admin_creates_a_key_shown_once_and_stored_as_hash(
    app: Flask, world: Ids
) -> None:
    admin = as_user(app, "admin@example.test")
    plain = create(admin, "Zabbix <monitoring>", ("read", "measurements:write"))
    with app.app_context():
        key = db.session.scalars(select(ApiKey)).one()
        assert key.key_hash == hash_key(plain)
        assert key.scopes == ["read", "measurements:write"]
        assert db.session.scalars(select(AuditEvent.action)).all() == ["api_key.create"]
    listing = admin.get("/staff/admin/api-keys").get_data(as_text=True)
    assert plain not in listing, "the list never shows the key again"
    assert plain[:12] in listing
    assert "Zabbix &lt;monitoring&gt;" in listing
    assert "Never" in listing  # not used yet
    assert Caller(app.test_client(), plain).get("/api/v1/customers").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": ["read"]},
        {"name": "No scope"},
        {"name": "Bad scope", "scopes": ["admin"]},
        {"name": "x" * 121, "scopes": ["read"]},
        {"name": "nul\x00", "scopes": ["read"]},
    ],
)
def test_invalid_key_form_is_refused(app: Flask, world: Ids, data: dict) -> None:
    admin = as_user(app, "admin@example.test")
    response = admin.post("/staff/admin/api-keys/new", data=data)
    assert response.status_code == 200
    assert not KEY.search(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalars(select(ApiKey)).all() == []


def test_revoke_by_post_is_audited_and_stops_the_key(app: Flask, world: Ids) -> None:
    admin = as_user(app, "admin@example.test")
    plain = create(admin)
    with app.app_context():
        key_id = db.session.scalars(select(ApiKey.id)).one()
    assert admin.get(f"/staff/admin/api-keys/{key_id}/revoke").status_code == 405
    response = admin.post(f"/staff/admin/api-keys/{key_id}/revoke")
    assert response.status_code == 303
    assert Caller(app.test_client(), plain).get("/api/v1/customers").status_code == 401
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions == ["api_key.create", "api_key.revoke"]
    assert "Revoked" in admin.get("/staff/admin/api-keys").get_data(as_text=True)
    assert admin.post("/staff/admin/api-keys/999/revoke").status_code == 404


@pytest.mark.parametrize("email", ["manager@example.test", "viewer@example.test"])
def test_only_admins_manage_keys(app: Flask, world: Ids, email: str) -> None:
    admin = as_user(app, "admin@example.test")
    create(admin)
    with app.app_context():
        key_id = db.session.scalars(select(ApiKey.id)).one()
    other = as_user(app, email)
    assert other.get("/staff/admin/api-keys").status_code == 403
    assert other.get("/staff/admin/api-keys/new").status_code == 403
    response = other.post(
        "/staff/admin/api-keys/new", data={"name": "x", "scopes": ["read"]}
    )
    assert response.status_code == 403
    assert other.post(f"/staff/admin/api-keys/{key_id}/revoke").status_code == 403
    with app.app_context():
        assert db.session.scalars(select(ApiKey.revoked_at)).one() is None
        assert len(db.session.scalars(select(ApiKey)).all()) == 1
    assert admin.get("/staff/admin/api-keys").status_code == 200  # positive control
    anonymous = app.test_client().get("/staff/admin/api-keys")
    assert anonymous.status_code == 302


def test_revoke_needs_a_csrf_token(app: Flask, world: Ids) -> None:
    """SECURITY.md case 21 (ASVS 3.5.1): a forged revoke is refused."""
    admin = as_user(app, "admin@example.test")
    create(admin)
    with app.app_context():
        key_id = db.session.scalars(select(ApiKey.id)).one()
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin.post(f"/staff/admin/api-keys/{key_id}/revoke").status_code == 400
    with app.app_context():
        assert db.session.scalars(select(ApiKey.revoked_at)).one() is None
    page = admin.get("/staff/admin/api-keys").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    ok = admin.post(
        f"/staff/admin/api-keys/{key_id}/revoke", data={"csrf_token": token.group(1)}
    )
    assert ok.status_code == 303


def test_subnav_links_the_keys_page(app: Flask, world: Ids) -> None:
    admin = as_user(app, "admin@example.test")
    page = admin.get("/staff/admin/users").get_data(as_text=True)
    assert 'href="/staff/admin/api-keys"' in page
