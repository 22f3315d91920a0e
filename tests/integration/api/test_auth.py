"""API keys on the API: bearer only, 401 with a challenge, scopes, revocation, hygiene.

Every denial has its positive control beside it (SECURITY.md, lesson 10).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.api.auth import hash_key
from engage.extensions import db
from engage.models import ApiKey, ApiScope, utcnow
from tests.factories import login
from tests.integration.api.conftest import Ids
from tests.integration.api.helpers import Caller

KeyMaker = Callable[..., str]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwdw==",
        "Bearer eng_unknown-key",
        "eng_x",
    ],
)
def test_missing_or_unknown_key_is_401_with_challenge(
    client: FlaskClient, new_key: KeyMaker, world: Ids, header: str | None
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/customers", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.is_json
    assert response.json["code"] == 401
    # Positive control: a real key reads the same list.
    good = Caller(client, new_key(ApiScope.READ.value))
    assert good.get("/api/v1/customers").status_code == 200


def test_staff_session_cookie_does_not_authenticate_the_api(
    client: FlaskClient, world: Ids, new_key: KeyMaker
) -> None:
    """No cookie auth on the API, so CSRF cannot reach it (SECURITY.md case 21)."""
    assert login(client, "admin@example.test").status_code == 303
    assert client.get("/staff/admin/api-keys").status_code == 200  # signed in
    assert client.get("/api/v1/customers").status_code == 401
    assert Caller(client, new_key()).get("/api/v1/customers").status_code == 200


def test_only_the_hash_of_a_key_is_stored(
    app: Flask, new_key: KeyMaker, world: Ids
) -> None:
    plain = new_key()
    assert plain.startswith("eng_")
    assert len(plain) >= 40
    with app.app_context():
        key = db.session.scalars(select(ApiKey)).one()
        assert key.key_hash == hash_key(plain)
        assert plain not in key.key_hash
        assert key.prefix == plain[:12]
        stored = [str(v) for v in vars(key).values()]
        assert not any(plain in value for value in stored)


def test_revoked_key_is_401_and_another_key_still_works(
    app: Flask, client: FlaskClient, new_key: KeyMaker, world: Ids
) -> None:
    revoked, kept = new_key(name="old"), new_key(name="new")
    assert Caller(client, revoked).get("/api/v1/customers").status_code == 200
    with app.app_context():
        key = db.session.scalars(select(ApiKey).where(ApiKey.name == "old")).one()
        key.revoked_at = utcnow()
        db.session.commit()
    response = Caller(client, revoked).get("/api/v1/customers")
    assert response.status_code == 401
    assert "revoked" in response.json["message"]
    assert Caller(client, kept).get("/api/v1/customers").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("get", "/api/v1/customers", ApiScope.READ),
        ("get", "/api/v1/agreements", ApiScope.READ),
        ("post", "/api/v1/measurements", ApiScope.MEASUREMENTS),
        ("post", "/api/v1/feedback", ApiScope.FEEDBACK),
    ],
)
def test_each_operation_needs_its_scope(
    client: FlaskClient,
    new_key: KeyMaker,
    world: Ids,
    method: str,
    path: str,
    scope: ApiScope,
) -> None:
    others = [s.value for s in ApiScope if s is not scope]
    body = {"items": []}  # 422 once past the scope check: proves it got through
    without = Caller(client, new_key(*others))
    with_scope = Caller(client, new_key(scope.value))
    if method == "get":
        assert without.get(path).status_code == 403
        assert with_scope.get(path).status_code == 200
    else:
        headers = {"Idempotency-Key": "scope-test-0001"}
        denied = without.post(path, body, headers=headers)
        assert denied.status_code == 403
        assert scope.value in denied.json["message"]
        assert with_scope.post(path, body, headers=headers).status_code == 422


def test_last_used_is_written_at_most_once_a_minute(
    app: Flask, client: FlaskClient, new_key: KeyMaker, world: Ids
) -> None:
    caller = Caller(client, new_key())

    def last_used() -> object:
        with app.app_context():
            return db.session.scalars(select(ApiKey)).one().last_used_at

    assert last_used() is None
    caller.get("/api/v1/customers")
    first = last_used()
    assert first is not None
    caller.get("/api/v1/customers")
    assert last_used() == first  # within the minute: no write
    with app.app_context():
        key = db.session.scalars(select(ApiKey)).one()
        key.last_used_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
    caller.get("/api/v1/customers")
    later = last_used()
    assert later is not None
    assert later > first


def test_rate_limit_is_per_key(
    app: Flask, client: FlaskClient, new_key: KeyMaker, world: Ids
) -> None:
    app.config["API_RATE_LIMIT"] = "3 per minute"
    busy, other = Caller(client, new_key()), Caller(client, new_key())
    assert [busy.get("/api/v1/customers").status_code for _ in range(3)] == [200] * 3
    limited = busy.get("/api/v1/customers")
    assert limited.status_code == 429
    assert limited.is_json
    assert other.get("/api/v1/customers").status_code == 200


def test_api_hygiene(api: Caller) -> None:
    """SECURITY.md case 27 (ASVS 4.1.1, 13.4.4): 415, 405, TRACE, JSON with charset."""
    ok = api.get("/api/v1/customers")
    assert ok.headers["Content-Type"] == "application/json; charset=utf-8"
    assert ok.headers["Cache-Control"] == "no-store"
    form = api.client.post(
        "/api/v1/measurements",
        data="items=1",
        headers=api.headers({"Content-Type": "application/x-www-form-urlencoded"}),
    )
    assert form.status_code == 415
    assert form.is_json
    text = api.client.post(
        "/api/v1/feedback",
        data="{}",
        headers=api.headers({"Content-Type": "text/plain"}),
    )
    assert text.status_code == 415
    for method in ("put", "delete", "patch", "trace"):
        response = api.client.open(
            "/api/v1/customers", method=method.upper(), headers=api.headers()
        )
        assert response.status_code == 405, method
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.is_json
    bad_json = api.client.post(
        "/api/v1/measurements",
        data="{not json",
        headers=api.headers({"Content-Type": "application/json"}),
    )
    assert bad_json.status_code == 400
    assert bad_json.is_json
    big = api.client.post(
        "/api/v1/measurements",
        data=b'{"items": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        headers=api.headers({"Content-Type": "application/json"}),
    )
    assert big.status_code == 413
    assert big.is_json


def test_every_api_route_needs_a_key(
    app: Flask, client: FlaskClient, new_key: KeyMaker, world: Ids
) -> None:
    """Walks the route map, so a new API route cannot skip authentication."""
    good = Caller(client, new_key())
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api_v1.")]
    assert len(rules) == 7
    for rule in rules:
        path = rule.rule.replace("<int:agreement_id>", str(world["acme_sla"]))
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            denied = client.open(path, method=method, json={"items": []})
            assert denied.status_code == 401, (method, path)
            allowed = client.open(
                path,
                method=method,
                json={"items": []},
                headers=good.headers({"Idempotency-Key": "route-map-0001"}),
            )
            assert allowed.status_code in (200, 422), (method, path)


def test_key_admin_routes_are_all_tested(app: Flask) -> None:
    """A new route on the keys page must join test_admin_keys' denial tests."""
    registered = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_keys.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert registered == {
        ("GET", "/staff/admin/api-keys"),
        ("GET", "/staff/admin/api-keys/new"),
        ("POST", "/staff/admin/api-keys/new"),
        ("POST", "/staff/admin/api-keys/<int:key_id>/revoke"),
    }


def test_unexpected_error_is_a_generic_json_500(
    api: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SECURITY.md case 28 (ASVS 13.4.2): no traceback or SQL, an incident id."""
    from engage.api import series

    def broken(page: int, per_page: int) -> None:
        raise RuntimeError("SELECT secret FROM users -- boom")

    monkeypatch.setattr(series, "customers_page", broken)
    response = api.get("/api/v1/customers")
    assert response.status_code == 500
    assert response.is_json
    assert "incident" in response.json["message"]
    assert "SELECT" not in response.get_data(as_text=True)
    assert api.get("/api/v1/agreements").status_code == 200  # the rest still works
