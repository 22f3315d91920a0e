"""The aspect list: add, edit, activate, reorder and delete."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import Aspect, AuditEvent, Role
from engage.sla.aspects import DEFAULT_ASPECTS
from tests.factories import make_agreement, make_objective, signed_in


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    client, _ = signed_in(app, Role.ADMIN)
    return client


def _names() -> list[str]:
    return list(db.session.scalars(select(Aspect.name).order_by(Aspect.position)))


def _aspect(name: str) -> Aspect:
    return db.session.scalars(select(Aspect).where(Aspect.name == name)).one()


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_list_in_order_with_usage_counts(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        agreement = make_agreement()
        make_objective(agreement, aspect_name="Availability")
        make_objective(agreement, metric="Uptime core", aspect_name="Availability")
        make_objective(agreement, metric="First answer", aspect_name="Response time")
        db.session.commit()
        availability_id = _aspect("Availability").id
    page = admin.get("/staff/admin/aspects")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    positions = [text.index(f">{name}</a>") for name, _ in DEFAULT_ASPECTS]
    assert positions == sorted(positions)
    row = text[text.index(f'id="aspect-{availability_id}"') :]
    assert '<td data-label="Objectives" class="num">2</td>' in row[: row.index("</tr>")]
    # Used aspects offer no delete button.
    assert "Delete: Availability" not in text
    assert "Delete: Cost" in text


def test_add_aspect_goes_last(app: Flask, admin: FlaskClient) -> None:
    assert admin.get("/staff/admin/aspects/new").status_code == 200
    response = admin.post(
        "/staff/admin/aspects/new",
        data={"name": "  Sustainability ", "description": "Energy and waste."},
    )
    assert response.status_code == 303
    with app.app_context():
        assert _names()[-1] == "Sustainability"
        assert _aspect("Sustainability").description == "Energy and waste."
        assert _actions() == ["aspect.create"]


@pytest.mark.parametrize("name", ["Cost", "cost", "  COST  "])
def test_add_duplicate_name_refused(app: Flask, admin: FlaskClient, name: str) -> None:
    response = admin.post("/staff/admin/aspects/new", data={"name": name})
    assert response.status_code == 200
    assert b"An aspect with this name already exists." in response.data
    with app.app_context():
        assert len(_names()) == len(DEFAULT_ASPECTS)
        assert _actions() == []


def test_edit_and_rename(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        cost_id = _aspect("Cost").id
    page = admin.get(f"/staff/admin/aspects/{cost_id}/edit")
    assert page.status_code == 200
    assert b'value="Cost"' in page.data
    response = admin.post(
        f"/staff/admin/aspects/{cost_id}/edit",
        data={"name": "Cost and value", "description": "Price and invoicing."},
    )
    assert response.status_code == 303
    with app.app_context():
        aspect = db.session.get(Aspect, cost_id)
        assert aspect is not None
        assert (aspect.name, aspect.description) == (
            "Cost and value",
            "Price and invoicing.",
        )
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.action == "aspect.update"
        assert event.details["name"] == {"from": "Cost", "to": "Cost and value"}


def test_keeping_own_name_is_not_a_duplicate(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        cost_id = _aspect("Cost").id
    response = admin.post(
        f"/staff/admin/aspects/{cost_id}/edit",
        data={"name": "cost", "description": "Only the case changes."},
    )
    assert response.status_code == 303


def test_rename_to_existing_name_refused(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        cost_id = _aspect("Cost").id
    response = admin.post(
        f"/staff/admin/aspects/{cost_id}/edit", data={"name": "security"}
    )
    assert response.status_code == 200
    assert b"An aspect with this name already exists." in response.data
    with app.app_context():
        assert db.session.get(Aspect, cost_id).name == "Cost"  # type: ignore[union-attr]


def test_deactivate_and_activate(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        cost_id = _aspect("Cost").id
    response = admin.post(f"/staff/admin/aspects/{cost_id}/deactivate")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#aspect-{cost_id}")
    with app.app_context():
        assert _aspect("Cost").active is False
    page = admin.get("/staff/admin/aspects").get_data(as_text=True)
    assert "Activate: Cost" in page
    assert admin.post(f"/staff/admin/aspects/{cost_id}/activate").status_code == 303
    with app.app_context():
        assert _aspect("Cost").active is True
        assert _actions() == ["aspect.deactivate", "aspect.activate"]


def test_reorder(app: Flask, admin: FlaskClient) -> None:
    first, second, third = (name for name, _ in DEFAULT_ASPECTS[:3])
    with app.app_context():
        second_id = _aspect(second).id
        first_id = _aspect(first).id
    assert admin.post(f"/staff/admin/aspects/{second_id}/move/up").status_code == 303
    with app.app_context():
        assert _names()[:3] == [second, first, third]
    assert admin.post(f"/staff/admin/aspects/{first_id}/move/down").status_code == 303
    with app.app_context():
        assert _names()[:3] == [second, third, first]
    # The first cannot move further up: nothing changes, nothing is logged.
    assert admin.post(f"/staff/admin/aspects/{second_id}/move/up").status_code == 303
    with app.app_context():
        assert _names()[:3] == [second, third, first]
        assert _actions() == ["aspect.move", "aspect.move"]


def test_delete_unused(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        cost_id = _aspect("Cost").id
    response = admin.post(f"/staff/admin/aspects/{cost_id}/delete")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Aspect, cost_id) is None
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.target_id) == ("aspect.delete", cost_id)


def test_delete_refused_when_an_objective_uses_it(
    app: Flask, admin: FlaskClient
) -> None:
    """The RESTRICT foreign key is checked first: a clear message, never a 500."""
    with app.app_context():
        make_objective(make_agreement(), aspect_name="Availability")
        db.session.commit()
        aspect_id = _aspect("Availability").id
    response = admin.post(f"/staff/admin/aspects/{aspect_id}/delete")
    assert response.status_code == 303
    page = admin.get(response.headers["Location"])
    assert b"Availability is in use and cannot be deleted" in page.data
    with app.app_context():
        assert db.session.get(Aspect, aspect_id) is not None
        assert _actions() == []


def test_unknown_aspect_is_404(admin: FlaskClient) -> None:
    assert admin.get("/staff/admin/aspects/999999/edit").status_code == 404
    assert admin.post("/staff/admin/aspects/999999/delete").status_code == 404
    assert admin.post("/staff/admin/aspects/999999/move/sideways").status_code == 404
