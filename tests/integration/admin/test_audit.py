"""The audit log page: listing, filters, paging and parameter validation (case 26)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage import audit
from engage.extensions import db
from engage.models import Aspect, Role, User
from tests.factories import make_user, signed_in

URL = "/staff/admin/audit"


@pytest.fixture
def admin(app: Flask) -> tuple[FlaskClient, int]:
    return signed_in(app, Role.ADMIN, email="boss@example.test")


def _record(
    actor_id: int | None, action: str, at: datetime, target: Any = None, **details: Any
) -> None:
    actor = db.session.get(User, actor_id) if actor_id else None
    event = audit.record(actor, action, target, f"summary of {action}", **details)
    event.at = at


def _rows(response: Any) -> list[str]:
    """The action of each listed event, in page order."""
    return re.findall(
        r'data-label="Action"><code>([^<]+)</code>', response.get_data(True)
    )


@pytest.fixture
def events(app: Flask, admin: tuple[FlaskClient, int]) -> dict[str, int]:
    """Four events by two staff members over three days."""
    _, admin_id = admin
    with app.app_context():
        other = make_user(Role.ADMIN, email="other@example.test")
        target = db.session.get(User, admin_id)
        aspect = db.session.query(Aspect).filter_by(name="Cost").one()
        _record(admin_id, "user.create", datetime(2024, 3, 1, 9, tzinfo=UTC), target)
        _record(other.id, "user.update", datetime(2024, 3, 2, 9, tzinfo=UTC), target)
        _record(
            admin_id, "aspect.update", datetime(2024, 3, 2, 23, 59, tzinfo=UTC), aspect
        )
        _record(None, "user.create", datetime(2024, 3, 3, 0, 0, tzinfo=UTC), target)
        db.session.commit()
        return {"admin": admin_id, "other": other.id, "aspect": aspect.id}


def test_lists_events_newest_first(
    admin: tuple[FlaskClient, int], events: dict[str, int]
) -> None:
    client, _ = admin
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == [
        "user.create",
        "aspect.update",
        "user.update",
        "user.create",
    ]
    text = response.get_data(as_text=True)
    assert "other@example.test" in text
    assert "command line" in text
    assert f"aspect #{events['aspect']}" in text
    assert "summary of aspect.update" in text
    assert "2024-03-02 23:59:00" in text


def test_details_are_escaped_text(app: Flask, admin: tuple[FlaskClient, int]) -> None:
    client, admin_id = admin
    with app.app_context():
        _record(
            admin_id,
            "aspect.update",
            datetime.now(UTC),
            name={"from": "<script>alert(1)</script>", "to": "{{7*7}}"},
            tags=["a", "b"],
        )
        db.session.commit()
    text = client.get(URL).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; → {{7*7}}" in text
    assert "<dt>tags</dt><dd>a, b</dd>" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "user"}, ["user.create", "user.update", "user.create"]),
        ({"action": "user.create"}, ["user.create", "user.create"]),
        ({"action": "aspect"}, ["aspect.update"]),
        ({"actor": "{other}"}, ["user.update"]),
        ({"actor": "{admin}", "action": "user"}, ["user.create"]),
        ({"from": "2024-03-02"}, ["user.create", "aspect.update", "user.update"]),
        ({"to": "2024-03-02"}, ["aspect.update", "user.update", "user.create"]),
        ({"from": "2024-03-02", "to": "2024-03-02"}, ["aspect.update", "user.update"]),
        ({"from": "2024-04-01"}, []),
        ({"action": "", "actor": "", "from": "", "to": "", "page": "1"}, None),
    ],
)
def test_filters(
    admin: tuple[FlaskClient, int],
    events: dict[str, int],
    query: dict[str, str],
    expected: list[str] | None,
) -> None:
    client, _ = admin
    params = {key: value.format(**events) for key, value in query.items()}
    response = client.get(URL, query_string=params)
    assert response.status_code == 200
    if expected is None:  # empty filters mean no filter
        expected = ["user.create", "aspect.update", "user.update", "user.create"]
    assert _rows(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"action": "' OR 1=1--"},
        {"action": "user.create' --"},
        {"action": "user%"},
        {"action": "nosuch.action"},
        {"from": "2024-01-01' --"},
        {"to": "2024-01-01; DROP TABLE users"},
        {"from": "2024-13-45"},
        {"from": "yesterday"},
        {"actor": "1 OR 1=1"},
        {"actor": "(select 1)"},
        {"actor": "1_0"},
        {"actor": "-1"},
        {"actor": "999999"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "1; --"},
        {"sort": "created_at desc;--"},
        {"group": "sla_id,(select 1)"},
        {"q": "' OR 1=1--"},
        {"from": "2024-03-03", "to": "2024-03-01"},
    ],
)
def test_case26_bad_parameters_are_400(
    admin: tuple[FlaskClient, int], events: dict[str, int], query: dict[str, str]
) -> None:
    """SECURITY.md 26 (ASVS 1.2.4): an allowlist answers 400, no database error text."""
    client, _ = admin
    response = client.get(URL, query_string=query)
    assert response.status_code == 400
    text = response.get_data(as_text=True).lower()
    for leak in (
        "sqlite",
        "psycopg",
        "sqlalchemy",
        "syntax error",
        "operationalerror",
        "programmingerror",
        "traceback",
    ):
        assert leak not in text
    assert _rows(response) == []
    # The log is unchanged and still readable.
    assert len(_rows(client.get(URL))) == 4


def test_paginated_by_fifty(app: Flask, admin: tuple[FlaskClient, int]) -> None:
    client, admin_id = admin
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with app.app_context():
        for i in range(60):
            _record(admin_id, "aspect.move", start + timedelta(minutes=i), number=i)
        db.session.commit()
    first = client.get(URL)
    assert len(_rows(first)) == 50
    assert b"page 1 of 2" in first.data
    assert b"<dt>number</dt><dd>59</dd>" in first.data  # newest first
    second = client.get(URL, query_string={"page": "2", "action": "aspect"})
    assert len(_rows(second)) == 10
    assert b"<dt>number</dt><dd>0</dd>" in second.data
    assert b"action=aspect" in second.data  # the pager keeps the filter
    assert _rows(client.get(URL, query_string={"page": "3"})) == []


def test_read_only(admin: tuple[FlaskClient, int]) -> None:
    client, _ = admin
    assert client.post(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_admin_actions_are_logged(app: Flask, admin: tuple[FlaskClient, int]) -> None:
    """Changes made in the admin area show up in the log, with their actor."""
    client, _ = admin
    password = "a long enough new passphrase"
    client.post(
        "/staff/admin/users/new",
        data={
            "email": "pat@example.test",
            "name": "Pat",
            "role": "viewer",
            "password": password,
            "confirm": password,
        },
    )
    client.post("/staff/admin/aspects/new", data={"name": "Sustainability"})
    response = client.get(URL)
    assert _rows(response) == ["aspect.create", "user.create"]
    text = response.get_data(as_text=True)
    assert "boss@example.test" in text
    assert "Created viewer pat@example.test" in text
    assert password not in text
    assert "$argon2" not in text
