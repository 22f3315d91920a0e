"""Creating, editing, viewing and deleting agreements."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    Agreement,
    AgreementStatus,
    AuditEvent,
    Level,
    Role,
)
from tests.factories import (
    login,
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
    make_service,
    make_user,
)


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        acme = make_customer("Acme")
        globex = make_customer("Globex")
        hosting = make_service("Hosting")
        corporate = make_agreement(
            Level.CORPORATE, "Corporate standard", published_on=date(2025, 1, 1)
        )
        acme_sla = make_agreement(
            Level.CUSTOMER,
            "Acme SLA",
            parent=corporate,
            customer=acme,
            published_on=date(2025, 1, 1),
        )
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", parent=corporate, customer=globex
        )
        admin = make_user(Role.ADMIN, email="admin@example.test", name="Ada Admin")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "acme": acme.id,
            "globex": globex.id,
            "hosting": hosting.id,
            "corporate": corporate.id,
            "acme_sla": acme_sla.id,
            "globex_sla": globex_sla.id,
            "admin": admin.id,
        }


def form(**values: object) -> dict[str, str]:
    data = {
        "name": "",
        "level": "",
        "parent": "",
        "customer": "",
        "service": "",
        "owner": "",
        "description": "",
    }
    data.update({k: str(v) for k, v in values.items()})
    return data


def test_create_service_agreement(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    assert client.get("/staff/agreements/new").status_code == 200
    response = client.post(
        "/staff/agreements/new",
        data=form(
            name="Acme hosting",
            level="service",
            parent=ids["acme_sla"],
            customer=ids["acme"],
            service=ids["hosting"],
            owner=ids["admin"],
            description="Hosting in two data centres.",
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        agreement = db.session.scalars(
            select(Agreement).where(Agreement.name == "Acme hosting")
        ).one()
        assert agreement.level is Level.SERVICE
        assert agreement.status is AgreementStatus.DRAFT
        assert agreement.parent_id == ids["acme_sla"]
        assert agreement.owner_id == ids["admin"]
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "agreement.create")
        ).one()
        assert event.target_id == agreement.id
        assert event.actor_id == ids["admin"]
    assert response.headers["Location"] == f"/staff/agreements/{agreement.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hosting in two data centres." in page
    assert "Ada Admin" in page
    assert "Acme SLA" in page  # breadcrumb and parent link


def test_service_agreement_takes_parents_customer(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    response = client.post(
        "/staff/agreements/new",
        data=form(
            name="Acme hosting",
            level="service",
            parent=ids["acme_sla"],
            service=ids["hosting"],
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        agreement = db.session.scalars(
            select(Agreement).where(Agreement.name == "Acme hosting")
        ).one()
        assert agreement.customer_id == ids["acme"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"level": "corporate", "customer": "acme"}, "A corporate agreement has no"),
        ({"level": "customer"}, "A customer agreement needs a customer."),
        ({"level": "customer", "customer": "acme", "service": "hosting"}, "no service"),
        ({"level": "service", "customer": "acme", "service": "hosting"}, "hangs under"),
        (
            {
                "level": "service",
                "parent": "acme_sla",
                "customer": "globex",
                "service": "hosting",
            },
            "same customer as its parent",
        ),
        ({"level": "service", "parent": "acme_sla"}, "needs a service"),
        (
            {"level": "customer", "parent": "acme_sla", "customer": "acme"},
            "hangs under a corporate agreement",
        ),
    ],
)
def test_placement_errors_re_render_with_values(
    app: Flask,
    client: FlaskClient,
    ids: dict[str, int],
    values: dict[str, str],
    message: str,
) -> None:
    login(client, "admin@example.test")
    data = form(name="Typed name", description="Typed description")
    for key, value in values.items():
        data[key] = str(ids.get(value, value)) if key != "level" else value
    response = client.post("/staff/agreements/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'role="alert"' in html
    assert 'value="Typed name"' in html
    assert "Typed description" in html
    with app.app_context():
        assert (
            db.session.scalar(select(Agreement).where(Agreement.name == "Typed name"))
            is None
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [("level", "galactic"), ("parent", "abc"), ("customer", "99999"), ("owner", "x")],
)
def test_bad_choices_are_field_errors(
    client: FlaskClient, ids: dict[str, int], field: str, value: str
) -> None:
    login(client, "admin@example.test")
    data = form(name="X", level="customer", customer=ids["acme"])
    data[field] = value
    response = client.post("/staff/agreements/new", data=data)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_add_child_prefills_from_parent(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    html = client.get(f"/staff/agreements/new?parent={ids['acme_sla']}").get_data(
        as_text=True
    )
    assert '<option selected value="service">' in html
    assert f'<option selected value="{ids["acme_sla"]}">' in html
    assert f'<option selected value="{ids["acme"]}">' in html
    assert client.get("/staff/agreements/new?parent=abc").status_code == 400
    assert client.get("/staff/agreements/new?parent=99999").status_code == 404


def test_manager_cannot_create_corporate_or_for_other_customers(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    page = client.get("/staff/agreements/new").get_data(as_text=True)
    assert 'value="corporate"' not in page
    assert "Globex" not in page
    refused = client.post(
        "/staff/agreements/new", data=form(name="Sneaky", level="corporate")
    )
    assert refused.status_code == 200
    other = client.post(
        "/staff/agreements/new",
        data=form(name="Sneaky", level="customer", customer=ids["globex"]),
    )
    assert other.status_code == 200
    # Positive control: an SLA for their own customer under the corporate one.
    ok = client.post(
        "/staff/agreements/new",
        data=form(
            name="Acme extra",
            level="customer",
            parent=ids["corporate"],
            customer=ids["acme"],
        ),
    )
    assert ok.status_code == 303
    with app.app_context():
        names = set(db.session.scalars(select(Agreement.name)))
    assert "Sneaky" not in names
    assert "Acme extra" in names


def test_manager_of_other_customer_gets_404_on_parent(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    url = f"/staff/agreements/new?parent={ids['globex_sla']}"
    assert client.get(url).status_code == 404


def test_viewer_cannot_create_or_edit(client: FlaskClient, ids: dict[str, int]) -> None:
    login(client, "viewer@example.test")
    assert client.get("/staff/agreements/new").status_code == 403
    assert (
        client.post(
            "/staff/agreements/new",
            data=form(name="V", level="customer", customer=ids["acme"]),
        ).status_code
        == 403
    )
    assert client.post(f"/staff/agreements/{ids['acme_sla']}/edit").status_code == 403
    # Positive control: the viewer reads the agreement.
    assert client.get(f"/staff/agreements/{ids['acme_sla']}").status_code == 200


def test_manager_edits_own_but_not_corporate(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    corporate = f"/staff/agreements/{ids['corporate']}"
    assert client.get(corporate).status_code == 200
    assert client.get(corporate + "/edit").status_code == 403
    assert client.post(corporate + "/edit", data=form(name="Mine")).status_code == 403
    assert client.get(f"/staff/agreements/{ids['globex_sla']}/edit").status_code == 404
    response = client.post(
        f"/staff/agreements/{ids['acme_sla']}/edit",
        data=form(name="Acme master SLA", description="Renamed"),
    )
    assert response.status_code == 303
    with app.app_context():
        acme_sla = db.session.get(Agreement, ids["acme_sla"])
        assert acme_sla is not None
        assert acme_sla.name == "Acme master SLA"
        corporate = db.session.get(Agreement, ids["corporate"])
        assert corporate is not None
        assert corporate.name == "Corporate standard"
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "agreement.update")
        )


def test_published_agreement_keeps_its_place(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    url = f"/staff/agreements/{ids['acme_sla']}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="level"' not in page
    assert "fixed once an agreement is published" in page
    # A forged level in the post is ignored: those fields are not on the form.
    response = client.post(
        url, data=form(name="Acme SLA", level="corporate", customer=ids["globex"])
    )
    assert response.status_code == 303
    with app.app_context():
        agreement = db.session.get(Agreement, ids["acme_sla"])
        assert agreement is not None
        assert agreement.level is Level.CUSTOMER
        assert agreement.customer_id == ids["acme"]


def test_draft_can_move_and_checks_placement(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    url = f"/staff/agreements/{ids['globex_sla']}/edit"
    bad = client.post(url, data=form(name="Globex SLA", level="customer"))
    assert bad.status_code == 200
    assert "needs a customer" in bad.get_data(as_text=True)
    good = client.post(
        url, data=form(name="Globex SLA", level="customer", customer=ids["globex"])
    )
    assert good.status_code == 303
    with app.app_context():
        agreement = db.session.get(Agreement, ids["globex_sla"])
        assert agreement is not None
        assert agreement.parent_id is None  # now a root customer SLA


def test_detail_shows_facts_children_and_history(
    client: FlaskClient, ids: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    html = client.get(f"/staff/agreements/{ids['corporate']}").get_data(as_text=True)
    assert "Acme SLA" in html
    assert "Globex SLA" in html
    assert "v1" in html
    assert "2025-01-01" in html
    assert "Version history" in html
    assert "First version" in html
    assert "Start renegotiation" in html
    assert "Add child SLA" in html
    assert client.get("/staff/agreements/99999").status_code == 404


def test_delete_draft_only_without_children_or_measurements(
    app: Flask, client: FlaskClient, ids: dict[str, int]
) -> None:
    with app.app_context():
        globex = db.session.get(Agreement, ids["globex_sla"])
        assert globex is not None
        measured = make_agreement(Level.CUSTOMER, "Measured", customer=globex.customer)
        objective = make_objective(measured)
        make_measurement(measured, objective, date(2025, 1, 1), 99.9)
        db.session.commit()
        measured_id = measured.id
    login(client, "admin@example.test")
    assert (
        client.get(f"/staff/agreements/{ids['globex_sla']}/delete").status_code == 405
    )
    for refused in (ids["acme_sla"], measured_id):
        response = client.post(f"/staff/agreements/{refused}/delete")
        assert response.status_code == 303
        assert response.headers["Location"] == f"/staff/agreements/{refused}"
    response = client.post(f"/staff/agreements/{ids['globex_sla']}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/agreements"
    with app.app_context():
        assert db.session.get(Agreement, ids["globex_sla"]) is None
        assert db.session.get(Agreement, ids["acme_sla"]) is not None
        assert db.session.get(Agreement, measured_id) is not None
        actions = list(db.session.scalars(select(AuditEvent.action)))
        assert actions.count("agreement.delete") == 1
