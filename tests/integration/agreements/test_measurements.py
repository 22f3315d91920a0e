"""Measurements: manual entry, the compliance grid and who may do what."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import Agreement, Measurement, Objective
from engage.sla.compliance import add_months
from tests.factories import make_measurement
from tests.integration.agreements.measurement_helpers import (
    BAD_FILE,
    BEFORE,
    LAST,
    Ids,
    as_user,
    audit_actions,
    enter,
    stored,
    upload,
)

# -- manual entry -------------------------------------------------------------


def test_manual_entry_creates_then_updates(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    sla, objective = world["acme_sla"], world["response"]
    response = enter(admin, sla, objective_id=objective, value="3.5")
    assert response.status_code == 303
    assert stored(app, sla) == [(objective, LAST, 3.5, "manual")]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added Response time for" in page

    response = enter(admin, sla, objective_id=objective, value="5", note="outage")
    assert response.status_code == 303
    assert stored(app, sla) == [(objective, LAST, 5.0, "manual")]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Updated Response time for" in page
    assert "(was 3.5)" in page
    actions = audit_actions(app)
    assert [a for a, _ in actions] == ["measurement.create", "measurement.update"]
    assert actions[1][1]["previous"] == 3.5
    assert actions[1][1]["value"] == 5.0


def test_inherited_objective_is_measured_on_the_child(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = enter(admin, world["acme_sla"], objective_id=world["availability"])
    assert response.status_code == 303
    assert stored(app, world["acme_sla"]) == [
        (world["availability"], LAST, 99.7, "manual")
    ]
    assert stored(app, world["corporate"]) == []


def test_objective_of_another_agreement_is_refused(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = enter(admin, world["acme_sla"], objective_id=world["backup"])
    assert response.status_code == 200
    assert "Choose an objective in force for this agreement." in response.get_data(
        as_text=True
    )
    assert stored(app, world["acme_sla"]) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", "nan", "is not a number"),
        ("value", "inf", "is not a number"),
        ("value", "1e309", "is too large"),
        ("value", "1_000", "is not a number"),
        ("value", "", "Enter the measured value."),
        ("period", "2025-13", "is not a month"),
        ("period", "2025-03-15", "not the first day"),
        ("period", f"{add_months(LAST, 2):%Y-%m}", "is in the future"),
        ("note", "bad\x00note", "NUL"),
        ("note", "x" * 301, "300"),
    ],
)
def test_case5_bad_input_is_refused(
    app: Flask, admin: FlaskClient, world: Ids, field: str, value: str, message: str
) -> None:
    """SECURITY.md 5: NaN, infinity, malformed months and NUL get a form error."""
    response = enter(
        admin, world["acme_sla"], objective_id=world["response"], **{field: value}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert stored(app, world["acme_sla"]) == []


def test_draft_agreement_takes_no_measurements(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = enter(admin, world["draft"], objective_id=world["availability"])
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "publish it before recording measurements" in page
    assert 'name="objective_id"' not in page
    assert stored(app, world["draft"]) == []
    # The import is refused the same way.
    assert upload(admin, world["draft"], b"period,metric,value\n").status_code == 303
    assert audit_actions(app) == []


def test_edit_and_delete_are_audited(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    with app.app_context():
        measurement_id = db.session.scalars(select(Measurement.id)).one()
    url = f"/staff/measurements/{measurement_id}"
    assert admin.get(f"{url}/edit").status_code == 200
    response = admin.post(f"{url}/edit", data={"value": "97.5", "note": "restated"})
    assert response.status_code == 303
    assert stored(app, world["globex_sla"]) == [(world["backup"], LAST, 97.5, "manual")]
    assert admin.post(f"{url}/delete").status_code == 303
    assert stored(app, world["globex_sla"]) == []
    actions = audit_actions(app)
    assert [a for a, _ in actions] == ["measurement.update", "measurement.delete"]
    assert actions[1][1]["value"] == 97.5


# -- the compliance grid ------------------------------------------------------


def cell(html: str, value: str) -> str:
    """The class of the grid cell showing ``value``."""
    match = re.search(
        r'<td class="grid-cell (\w+)"[^>]*><span aria-hidden="true">.</span> '
        + re.escape(value)
        + "<",
        html,
    )
    assert match, f"no grid cell shows {value}"
    return match.group(1)


def test_grid_shows_met_and_breached_months(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    with app.app_context():
        sla = db.session.get_one(Agreement, world["acme_sla"])
        availability = db.session.get_one(Objective, world["availability"])
        response = db.session.get_one(Objective, world["response"])
        make_measurement(sla, availability, LAST, 99.9)
        make_measurement(sla, availability, BEFORE, 98.1)
        make_measurement(sla, response, LAST, 4)  # equal to an "at most 4" target
        db.session.commit()
    page = admin.get(f"/staff/agreements/{world['acme_sla']}/measurements")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert cell(html, "99.9") == "met"
    assert cell(html, "98.1") == "breached"
    assert cell(html, "4") == "met"
    assert '✗</span> 98.1<span class="visually-hidden">, breached' in html
    assert f'<abbr title="{LAST:%B %Y}">{LAST:%b %y}</abbr>' in html
    assert html.count('<td class="grid-status">') == 12
    assert "50 %" in html  # availability met one of its two measured months


@pytest.mark.parametrize("months", ["6", "abc", "12.0", "-12", "120"])
def test_bad_months_parameter_is_400(
    admin: FlaskClient, world: Ids, months: str
) -> None:
    url = f"/staff/agreements/{world['acme_sla']}/measurements?months={months}"
    assert admin.get(url).status_code == 400


def test_months_parameter_widens_the_grid(admin: FlaskClient, world: Ids) -> None:
    url = f"/staff/agreements/{world['acme_sla']}/measurements?months=24"
    html = admin.get(url).get_data(as_text=True)
    assert html.count('<td class="grid-status">') == 24


# -- access -------------------------------------------------------------------


def test_manager_sees_only_their_customers(app: Flask, world: Ids) -> None:
    manager = as_user(app, "manager@example.test")
    other, own = world["globex_sla"], world["acme_sla"]
    assert manager.get(f"/staff/agreements/{other}/measurements").status_code == 404
    assert enter(manager, other, objective_id=world["backup"]).status_code == 404
    assert upload(manager, other, BAD_FILE).status_code == 404
    delete = f"/staff/measurements/{world['globex_value']}/delete"
    assert manager.post(delete).status_code == 404
    assert stored(app, other) == [(world["backup"], LAST, 99.0, "manual")]
    # Positive control: their own customer's agreement.
    assert manager.get(f"/staff/agreements/{own}/measurements").status_code == 200
    assert enter(manager, own, objective_id=world["response"]).status_code == 303
    assert stored(app, own) == [(world["response"], LAST, 99.7, "manual")]
    # Corporate agreements are visible to managers but only admins change them.
    corporate = world["corporate"]
    assert manager.get(f"/staff/agreements/{corporate}/measurements").status_code == 200
    assert (
        enter(manager, corporate, objective_id=world["availability"]).status_code == 403
    )


def test_viewer_reads_but_cannot_change(app: Flask, world: Ids) -> None:
    viewer = as_user(app, "viewer@example.test")
    sla = world["globex_sla"]
    page = viewer.get(f"/staff/agreements/{sla}/measurements")
    assert page.status_code == 200
    assert "Backup success" in page.get_data(as_text=True)
    assert 'name="objective_id"' not in page.get_data(as_text=True)
    assert enter(viewer, sla, objective_id=world["backup"]).status_code == 403
    assert viewer.get(f"/staff/agreements/{sla}/measurements/import").status_code == 403
    assert upload(viewer, sla, BAD_FILE).status_code == 403
    url = f"/staff/measurements/{world['globex_value']}"
    assert viewer.get(f"{url}/edit").status_code == 403
    assert viewer.post(f"{url}/delete").status_code == 403
    assert stored(app, sla) == [(world["backup"], LAST, 99.0, "manual")]
    assert audit_actions(app) == []


def test_unknown_ids_are_404(admin: FlaskClient, world: Ids) -> None:
    assert admin.get("/staff/agreements/9999/measurements").status_code == 404
    assert admin.post("/staff/measurements/9999/delete").status_code == 404
