"""The clause editor: own clauses, inherited ones and overrides."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import Agreement, AuditEvent, Direction, Level, Objective, Role
from engage.sla.versions import publish
from tests.factories import (
    aspect,
    login,
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
    make_user,
)


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    """Corporate (active, Uptime >= 99.5 %) -> Acme SLA (draft) -> Acme hosting (draft)."""
    with app.app_context():
        acme = make_customer("Acme")
        globex = make_customer("Globex")
        corporate = make_agreement(Level.CORPORATE, "Corporate standard")
        uptime = make_objective(corporate, metric="Uptime", target=99.5)
        response = make_objective(
            corporate,
            metric="First response",
            target=30,
            unit="minutes",
            direction=Direction.AT_MOST,
            aspect_name="Response time",
        )
        publish(corporate, on=date(2025, 1, 1), note="", by=None)
        acme_sla = make_agreement(
            Level.CUSTOMER, "Acme SLA", parent=corporate, customer=acme
        )
        hosting = make_agreement(Level.SERVICE, "Acme hosting", parent=acme_sla)
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", parent=corporate, customer=globex
        )
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "corporate": corporate.id,
            "uptime": uptime.id,
            "response": response.id,
            "acme_sla": acme_sla.id,
            "hosting": hosting.id,
            "globex_sla": globex_sla.id,
            "availability": aspect("Availability").id,
        }


def clause(aspect_id: int, **values: str) -> dict[str, str]:
    data = {
        "aspect": str(aspect_id),
        "metric": "Restore time",
        "target": "4",
        "unit": "hours",
        "direction": "<=",
        "description": "",
    }
    data.update(values)
    return data


def objectives_of(app: Flask, agreement_id: int) -> list[Objective]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Objective).where(Objective.agreement_id == agreement_id)
            )
        )


def source_cells(page: str) -> list[str]:
    cells = re.findall(r'<td data-label="Source">(.*?)</td>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def test_add_own_objective(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    url = f"/staff/agreements/{ids['acme_sla']}/objectives/new"
    page = client.get(url)
    assert page.status_code == 200
    assert '<label for="aspect">Aspect</label>' in page.get_data(as_text=True)
    response = client.post(url, data=clause(ids["availability"]))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/agreements/{ids['acme_sla']}"
    (objective,) = objectives_of(app, ids["acme_sla"])
    assert objective.metric == "Restore time"
    assert objective.direction is Direction.AT_MOST
    assert objective.overrides_id is None
    shown = client.get(f"/staff/agreements/{ids['acme_sla']}").get_data(as_text=True)
    assert "&lt;= 4 hours" in shown
    assert source_cells(shown) == [
        "inherited from Corporate standard",
        "inherited from Corporate standard",
        "own",
    ]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.action == "objective.create"
        assert event.target_id == objective.id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target", "nan", "Enter an ordinary number."),
        ("target", "inf", "Enter an ordinary number."),
        ("target", "-Infinity", "Enter an ordinary number."),
        ("target", "1e400", "Enter an ordinary number."),
        ("target", "ninety", "Not a valid float value."),
        ("target", "", "This field is required."),
        ("metric", "", "This field is required."),
        ("metric", "x" * 121, "Field cannot be longer than 120 characters."),
        ("direction", "==", "Invalid Choice"),
        ("aspect", "99999", "Not a valid choice."),
    ],
)
def test_clause_validation(
    app: Flask,
    client: FlaskClient,
    ids: dict[str, int],
    field: str,
    value: str,
    message: str,
) -> None:
    login(client, "admin@example.test")
    url = f"/staff/agreements/{ids['acme_sla']}/objectives/new"
    response = client.post(url, data=clause(ids["availability"], **{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert objectives_of(app, ids["acme_sla"]) == []


def test_override_inherited_clause(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    url = f"/staff/agreements/{ids['acme_sla']}/objectives/{ids['uptime']}/override"
    page = client.get(url).get_data(as_text=True)
    assert "Inherited clause being overridden" in page
    assert "&gt;= 99.5 %" in page
    assert 'value="Uptime"' in page  # prefilled from the inherited clause
    assert 'value="99.5"' in page
    response = client.post(
        url,
        data=clause(
            ids["availability"],
            metric="Uptime",
            target="99.9",
            unit="%",
            direction=">=",
        ),
    )
    assert response.status_code == 303
    (override,) = objectives_of(app, ids["acme_sla"])
    assert override.overrides_id == ids["uptime"]

    child = client.get(f"/staff/agreements/{ids['acme_sla']}").get_data(as_text=True)
    assert source_cells(child) == [
        "override overrides >= 99.5 % of Corporate standard",
        "inherited from Corporate standard",
    ]
    assert "badge-override" in child
    assert "&gt;= 99.9 %" in child
    # The parent keeps its own clause as it was.
    parent = client.get(f"/staff/agreements/{ids['corporate']}").get_data(as_text=True)
    assert "&gt;= 99.5 %" in parent
    assert "99.9" not in parent
    assert source_cells(parent) == ["own", "own"]
    # The service SLA below inherits the override.
    leaf = client.get(f"/staff/agreements/{ids['hosting']}").get_data(as_text=True)
    assert source_cells(leaf)[0] == (
        "inherited from Acme SLA (there it overrides >= 99.5 %)"
    )
    with app.app_context():
        actions = list(
            db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        )
    assert actions == ["objective.override"]

    # Overriding the same clause twice is refused, not a 500.
    again = client.post(url, data=clause(ids["availability"]), follow_redirects=True)
    assert again.status_code == 200
    assert "Only a clause inherited" in again.get_data(as_text=True)
    assert len(objectives_of(app, ids["acme_sla"])) == 1


def test_override_refuses_clauses_not_inherited(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    with app.app_context():
        own = make_objective(
            db.session.get(
                __import__("engage.models").models.Agreement, ids["globex_sla"]
            ),
            metric="Globex secret",
        )
        db.session.commit()
        own_id = own.id
    login(client, "admin@example.test")
    url = f"/staff/agreements/{ids['acme_sla']}/objectives/{own_id}/override"
    response = client.get(url, follow_redirects=True)
    assert "Only a clause inherited" in response.get_data(as_text=True)
    assert "Globex secret" not in response.get_data(as_text=True)
    assert (
        client.get(
            f"/staff/agreements/{ids['acme_sla']}/objectives/99999/override"
        ).status_code
        == 404
    )


def test_edit_and_delete_own_clause(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    client.post(
        f"/staff/agreements/{ids['acme_sla']}/objectives/new",
        data=clause(ids["availability"]),
    )
    (objective,) = objectives_of(app, ids["acme_sla"])
    url = f"/staff/objectives/{objective.id}/edit"
    assert 'value="Restore time"' in client.get(url).get_data(as_text=True)
    assert (
        client.post(url, data=clause(ids["availability"], target="6")).status_code
        == 303
    )
    assert objectives_of(app, ids["acme_sla"])[0].target == 6
    delete = f"/staff/objectives/{objective.id}/delete"
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 303
    assert objectives_of(app, ids["acme_sla"]) == []
    with app.app_context():
        actions = list(
            db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        )
    assert actions == ["objective.create", "objective.update", "objective.delete"]


def test_measured_clause_cannot_be_deleted(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    with app.app_context():
        acme = db.session.get(Agreement, ids["acme_sla"])
        assert acme is not None
        objective = make_objective(acme, metric="Measured")
        make_measurement(acme, objective, date(2025, 1, 1), 99.0)
        db.session.commit()
        objective_id = objective.id
    login(client, "admin@example.test")
    response = client.post(
        f"/staff/objectives/{objective_id}/delete", follow_redirects=True
    )
    assert "1 measurement(s)" in response.get_data(as_text=True)
    assert len(objectives_of(app, ids["acme_sla"])) == 1


def test_clauses_of_active_agreement_are_frozen(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    detail = f"/staff/agreements/{ids['corporate']}"
    shown = client.get(detail).get_data(as_text=True)
    assert "Add objective" not in shown
    assert "Start a renegotiation to change the clauses" in shown
    for method, url in [
        ("get", f"{detail}/objectives/new"),
        ("post", f"{detail}/objectives/new"),
        ("get", f"/staff/objectives/{ids['uptime']}/edit"),
        ("post", f"/staff/objectives/{ids['uptime']}/edit"),
        ("post", f"/staff/objectives/{ids['uptime']}/delete"),
    ]:
        response = getattr(client, method)(url, data=clause(ids["availability"]))
        assert response.status_code == 303, url
        assert response.headers["Location"] == detail
    page = client.get(detail).get_data(as_text=True)
    assert (
        "Start a renegotiation to change the clauses of a published agreement." in page
    )
    with app.app_context():
        uptime = db.session.get(Objective, ids["uptime"])
        assert uptime is not None
        assert uptime.target == 99.5
    assert len(objectives_of(app, ids["corporate"])) == 2


def test_viewer_gets_403_and_manager_cannot_touch_corporate(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "viewer@example.test")
    new = f"/staff/agreements/{ids['acme_sla']}/objectives/new"
    assert client.get(new).status_code == 403
    assert client.post(new, data=clause(ids["availability"])).status_code == 403
    assert client.post(f"/staff/objectives/{ids['uptime']}/delete").status_code == 403
    client.post("/staff/logout")

    login(client, "manager@example.test")
    assert client.post(f"/staff/objectives/{ids['uptime']}/delete").status_code == 403
    assert client.get(f"/staff/objectives/{ids['uptime']}/edit").status_code == 403
    # Another customer's agreement does not exist for this manager.
    other = f"/staff/agreements/{ids['globex_sla']}/objectives/new"
    assert client.get(other).status_code == 404
    # Positive control: their own customer's clauses are editable.
    assert client.get(new).status_code == 200
