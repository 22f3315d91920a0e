"""Publishing, renegotiating and retiring agreements through the staff pages."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import Agreement, AgreementStatus, AuditEvent, Level, Objective, Role
from tests.factories import (
    login,
    make_agreement,
    make_customer,
    make_objective,
    make_user,
)


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        acme = make_customer("Acme")
        corporate = make_agreement(Level.CORPORATE, "Corporate standard")
        uptime = make_objective(corporate, metric="Uptime", target=99.5)
        acme_sla = make_agreement(
            Level.CUSTOMER, "Acme SLA", parent=corporate, customer=acme
        )
        make_user(Role.ADMIN, email="admin@example.test", name="Ada Admin")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "corporate": corporate.id,
            "uptime": uptime.id,
            "acme_sla": acme_sla.id,
        }


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        )


def test_publish_renegotiate_publish_again(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    base = f"/staff/agreements/{ids['corporate']}"
    page = client.get(base).get_data(as_text=True)
    assert "Publish version 1" in page
    assert client.get(base + "/publish").status_code == 405

    response = client.post(base + "/publish", data={"effective_from": "2025-01-01"})
    assert response.status_code == 303
    page = client.get(base).get_data(as_text=True)
    assert "Version 1 is in force from 2025-01-01." in page
    assert 'id="version-1-heading">v1 ' in page
    assert "Ada Admin" in page  # published by

    # Active: the clauses are frozen until a renegotiation starts.
    edit = client.get(f"/staff/objectives/{ids['uptime']}/edit")
    assert edit.status_code == 303
    assert client.post(base + "/review").status_code == 303
    with app.app_context():
        agreement = db.session.get(Agreement, ids["corporate"])
        assert agreement is not None
        assert agreement.status is AgreementStatus.IN_REVIEW
        assert agreement.version == 1

    response = client.post(
        f"/staff/objectives/{ids['uptime']}/edit",
        data={
            "aspect": _aspect_id(app, ids["uptime"]),
            "metric": "Uptime",
            "target": "99.9",
            "unit": "%",
            "direction": ">=",
            "description": "",
        },
    )
    assert response.status_code == 303

    # A later version needs a change note: the form comes back with the typed date.
    missing = client.post(base + "/publish", data={"effective_from": "2025-07-01"})
    assert missing.status_code == 200
    assert "Say what changed in this version." in missing.get_data(as_text=True)
    assert 'value="2025-07-01"' in missing.get_data(as_text=True)

    response = client.post(
        base + "/publish",
        data={"effective_from": "2025-07-01", "note": "Uptime raised after review"},
    )
    assert response.status_code == 303
    page = client.get(base).get_data(as_text=True)
    assert "Uptime raised after review" in page
    assert "&gt;= 99.5 % → &gt;= 99.9 %" in page
    assert "2025-01-01 – 2025-07-01" in page
    assert actions(app) == [
        "agreement.publish",
        "agreement.review",
        "objective.update",
        "agreement.publish",
    ]


def _aspect_id(app: Flask, objective_id: int) -> int:
    with app.app_context():
        objective = db.session.get(Objective, objective_id)
        assert objective is not None
        return objective.aspect_id


def test_version_date_cannot_go_backwards(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    base = f"/staff/agreements/{ids['corporate']}"
    client.post(base + "/publish", data={"effective_from": "2025-03-01"})
    client.post(base + "/review")
    response = client.post(
        base + "/publish", data={"effective_from": "2025-02-01", "note": "Earlier"}
    )
    assert response.status_code == 200
    assert "2025-03-01" in response.get_data(as_text=True)
    with app.app_context():
        agreement = db.session.get(Agreement, ids["corporate"])
        assert agreement is not None
        assert agreement.version == 1


def test_child_cannot_be_published_before_parent(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    response = client.post(
        f"/staff/agreements/{ids['acme_sla']}/publish",
        data={"effective_from": "2025-01-01"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Publish the parent agreement (Corporate standard) first." in (
        response.get_data(as_text=True)
    )
    with app.app_context():
        child = db.session.get(Agreement, ids["acme_sla"])
        assert child is not None
        assert child.version == 0


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("review", {}),  # a draft is not under renegotiation yet
        ("retire", {"effective_to": "2025-05-01"}),  # a draft is deleted, not retired
    ],
)
def test_illegal_transitions_flash_and_redirect(
    app: Flask,
    client: FlaskClient,
    ids: dict[str, int],
    step: str,
    data: dict[str, str],
) -> None:
    login(client, "admin@example.test")
    base = f"/staff/agreements/{ids['corporate']}"
    response = client.post(f"{base}/{step}", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == base
    page = client.get(base).get_data(as_text=True)
    assert "An agreement that is draft cannot become" in page
    with app.app_context():
        agreement = db.session.get(Agreement, ids["corporate"])
        assert agreement is not None
        assert agreement.status is AgreementStatus.DRAFT
    assert actions(app) == []


def test_publish_twice_and_retire_twice(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    base = f"/staff/agreements/{ids['corporate']}"
    client.post(base + "/publish", data={"effective_from": "2025-01-01"})
    again = client.post(
        base + "/publish", data={"effective_from": "2025-02-01", "note": "Again"}
    )
    assert again.status_code == 303
    assert "cannot become active" in client.get(base).get_data(as_text=True)

    too_early = client.post(base + "/retire", data={"effective_to": "2024-12-31"})
    assert too_early.status_code == 303
    assert "cannot end before" in client.get(base).get_data(as_text=True)

    retired = client.post(
        base + "/retire", data={"effective_to": "2025-12-31", "note": "Replaced"}
    )
    assert retired.status_code == 303
    assert (
        client.post(base + "/retire", data={"effective_to": "2026-01-01"}).status_code
        == 303
    )
    assert client.post(base + "/review").status_code == 303
    with app.app_context():
        agreement = db.session.get(Agreement, ids["corporate"])
        assert agreement is not None
        assert agreement.status is AgreementStatus.RETIRED
        assert agreement.effective_to == date(2025, 12, 31)
        assert agreement.versions[-1].effective_to == date(2025, 12, 31)
    assert actions(app) == ["agreement.publish", "agreement.retire"]


def test_bad_dates_re_render(client: FlaskClient, ids: dict[str, int]) -> None:
    login(client, "admin@example.test")
    base = f"/staff/agreements/{ids['corporate']}"
    response = client.post(base + "/publish", data={"effective_from": "not a date"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


@pytest.mark.parametrize("step", ["publish", "review", "retire", "delete"])
def test_viewer_gets_403_on_every_step(
    client: FlaskClient, ids: dict[str, int], step: str
) -> None:
    login(client, "viewer@example.test")
    url = f"/staff/agreements/{ids['acme_sla']}/{step}"
    assert client.post(url, data={"effective_from": "2025-01-01"}).status_code == 403
    assert client.get(url).status_code == 405


def test_manager_cannot_publish_corporate(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    url = f"/staff/agreements/{ids['corporate']}/publish"
    assert client.post(url, data={"effective_from": "2025-01-01"}).status_code == 403
    page = client.get(f"/staff/agreements/{ids['corporate']}").get_data(as_text=True)
    assert "Publish version" not in page
    assert actions(app) == []
