"""Customer accounts and departments: list, detail, create, edit, delete."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Contact, Customer, Level, Role
from tests.factories import make_agreement, make_contact, make_customer, signed_in


@dataclass
class Ids:
    acme: int
    finance: int
    globex: int
    acme_sla: int


@pytest.fixture
def ids(app: Flask) -> Ids:
    """Acme (2 contacts, 1 SLA) with department Acme Finance (1 contact); Globex."""
    with app.app_context():
        acme = make_customer("Acme", notes="Head office in Leeds.\nTwo sites.")
        finance = make_customer("Acme Finance", parent=acme)
        globex = make_customer("Globex")
        make_contact(acme, "ann@acme.test", name="Ann Able", job_title="IT manager")
        make_contact(acme, "bob@acme.test", name="Bob Baker", active=False)
        make_contact(finance, "cy@acme.test", name="Cy Cole")
        sla = make_agreement(Level.CUSTOMER, name="Acme SLA", customer=acme)
        db.session.commit()
        return Ids(acme.id, finance.id, globex.id, sla.id)


def row(html: str, name: str) -> str:
    """The table row whose link text is ``name``."""
    match = re.search(
        rf"<tr[^>]*>(?:(?!</tr>).)*>{re.escape(name)}</a>.*?</tr>", html, re.S
    )
    assert match, f"no row for {name}"
    return match.group(0)


def cells(row_html: str) -> list[str]:
    """Text of each cell, tags removed."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]


def audit_actions(app: Flask) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.target_type, e.target_id) for e in events]


def customer_named(app: Flask, name: str) -> Customer | None:
    with app.app_context():
        found = db.session.scalar(select(Customer).where(Customer.name == name))
        if found is not None:
            db.session.expunge(found)
        return found


# -- reading ------------------------------------------------------------------


def test_list_nests_departments_with_counts(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    html = client.get("/staff/customers").get_data(as_text=True)
    assert cells(row(html, "Acme")) == ["Acme", "2", "1"]
    assert cells(row(html, "Acme Finance")) == [
        "↳ Acme Finance, department of Acme",
        "1",
        "0",
    ]
    assert cells(row(html, "Globex")) == ["Globex", "0", "0"]
    assert html.index(">Acme<") < html.index(">Acme Finance<") < html.index(">Globex<")
    assert 'class="department-row"' in row(html, "Acme Finance")
    assert 'href="/staff/customers/new"' in html


def test_list_escapes_names(app: Flask) -> None:
    with app.app_context():
        make_customer("<b>Bold</b> & Co")
        db.session.commit()
    client, _ = signed_in(app, Role.VIEWER)
    html = client.get("/staff/customers").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "<b>Bold</b>" not in html


def test_detail_shows_facts_departments_contacts_and_slas(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.get(f"/staff/customers/{ids.acme}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Acme</h1>" in html
    assert "Head office in Leeds.\nTwo sites." in html
    assert cells(row(html, "Acme Finance")) == ["Acme Finance", "1", "0"]
    ann = re.search(r"<tr>\s*<td data-label=\"Name\">Ann Able</td>.*?</tr>", html, re.S)
    assert ann is not None
    assert cells(ann.group(0))[:4] == [
        "Ann Able",
        "ann@acme.test",
        "IT manager",
        "Active",
    ]
    bob = re.search(r"<td data-label=\"Name\">Bob Baker</td>.*?</tr>", html, re.S)
    assert bob is not None
    assert "Inactive" in bob.group(0)
    assert f'href="/staff/agreements/{ids.acme_sla}">Acme SLA</a>' in html
    assert f'href="/staff/customers/{ids.acme}/departments/new"' in html
    assert f'href="/staff/customers/{ids.acme}/contacts/new"' in html


def test_department_detail_links_its_account(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    html = client.get(f"/staff/customers/{ids.finance}").get_data(as_text=True)
    assert "<h1>Acme / Acme Finance</h1>" in html
    assert f'href="/staff/customers/{ids.acme}">Acme</a>' in html
    assert "Cy Cole" in html
    # Departments are one level deep: no way to add one here.
    assert "departments/new" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/staff/customers/999",
        "/staff/customers/999/edit",
        "/staff/customers/999/departments/new",
        "/staff/customers/999/contacts/new",
        "/staff/contacts/999/edit",
        "/staff/services/999/edit",
    ],
)
def test_unknown_ids_are_404(app: Flask, url: str) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/staff/customers/{id}/delete",
        "/staff/contacts/1/delete",
        "/staff/services/1/delete",
    ],
)
def test_delete_urls_refuse_get(app: Flask, ids: Ids, url: str) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    assert client.get(url.format(id=ids.globex)).status_code == 405
    assert customer_named(app, "Globex") is not None


# -- creating -----------------------------------------------------------------


def test_admin_creates_account(app: Flask, ids: Ids) -> None:
    client, admin_id = signed_in(app, Role.ADMIN)
    assert client.get("/staff/customers/new").status_code == 200
    response = client.post(
        "/staff/customers/new",
        data={"name": "  Initech ", "parent_id": "", "notes": "Austin"},
    )
    created = customer_named(app, "Initech")
    assert created is not None
    assert created.parent_id is None
    assert created.notes == "Austin"
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/customers/{created.id}"
    assert ("customer.create", "customer", created.id) in audit_actions(app)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added Initech." in page


def test_admin_adds_department(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    form = client.get(f"/staff/customers/{ids.acme}/departments/new").get_data(
        as_text=True
    )
    assert f'<option selected value="{ids.acme}">Acme</option>' in form
    response = client.post(
        f"/staff/customers/{ids.acme}/departments/new",
        data={"name": "Acme Legal", "parent_id": str(ids.acme)},
    )
    assert response.status_code == 303
    created = customer_named(app, "Acme Legal")
    assert created is not None
    assert created.parent_id == ids.acme
    assert ("customer.create", "customer", created.id) in audit_actions(app)


def test_department_of_a_department_is_refused(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/customers/{ids.finance}/departments/new",
        data={"name": "Acme Payroll", "parent_id": str(ids.finance), "notes": "typed"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is itself a department of “Acme”" in html
    assert 'value="Acme Payroll"' in html
    assert re.search(r">\s*typed</textarea>", html)
    assert customer_named(app, "Acme Payroll") is None
    assert audit_actions(app) == []


def test_account_with_departments_cannot_become_a_department(
    app: Flask, ids: Ids
) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/customers/{ids.acme}/edit",
        data={"name": "Acme", "parent_id": str(ids.globex)},
    )
    assert response.status_code == 200
    assert "has departments of its own" in response.get_data(as_text=True)
    acme = customer_named(app, "Acme")
    assert acme is not None
    assert acme.parent_id is None


@pytest.mark.parametrize("typed", ["Globex", "  globex ", "ACME FINANCE"])
def test_duplicate_name_is_refused(app: Flask, ids: Ids, typed: str) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        "/staff/customers/new", data={"name": typed, "notes": "keep me"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"named “{typed.strip()}” already exists" in html
    assert f'value="{typed.strip()}"' in html
    assert re.search(r">\s*keep me</textarea>", html)
    with app.app_context():
        assert len(db.session.scalars(select(Customer)).all()) == 3


def test_name_is_required(app: Flask) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post("/staff/customers/new", data={"name": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)


# -- editing ------------------------------------------------------------------


def test_admin_edits_and_moves_a_customer(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    form = client.get(f"/staff/customers/{ids.globex}/edit").get_data(as_text=True)
    assert 'value="Globex"' in form
    response = client.post(
        f"/staff/customers/{ids.globex}/edit",
        data={"name": "Globex Corp", "parent_id": str(ids.acme), "notes": "Moved"},
    )
    assert response.status_code == 303
    moved = customer_named(app, "Globex Corp")
    assert moved is not None
    assert moved.parent_id == ids.acme
    assert moved.notes == "Moved"
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "customer.update")
        ).one()
        assert event.target_id == ids.globex
        assert event.details["changes"]["name"] == ["Globex", "Globex Corp"]
        assert event.details["changes"]["parent_id"] == [None, ids.acme]


def test_saving_unchanged_customer_records_nothing(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/customers/{ids.globex}/edit", data={"name": "Globex", "parent_id": ""}
    )
    assert response.status_code == 303
    assert audit_actions(app) == []


def test_edit_may_keep_its_own_name(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/customers/{ids.acme}/edit", data={"name": "Acme", "notes": "New note"}
    )
    assert response.status_code == 303
    acme = customer_named(app, "Acme")
    assert acme is not None
    assert acme.notes == "New note"


# -- deleting -----------------------------------------------------------------


def test_delete_account_removes_its_contacts(app: Flask) -> None:
    with app.app_context():
        gone = make_customer("Gone Ltd")
        make_contact(gone, "x@gone.test")
        db.session.commit()
        gone_id = gone.id
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(f"/staff/customers/{gone_id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/customers"
    assert customer_named(app, "Gone Ltd") is None
    with app.app_context():
        assert db.session.execute(select(Contact.id)).first() is None
    assert ("customer.delete", "customer", gone_id) in audit_actions(app)
    assert "Deleted Gone Ltd." in client.get("/staff/customers").get_data(as_text=True)


def test_delete_department_returns_to_its_account(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(f"/staff/customers/{ids.finance}/delete")
    assert response.headers["Location"] == f"/staff/customers/{ids.acme}"
    assert customer_named(app, "Acme Finance") is None


def test_delete_refused_while_slas_exist(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    # Remove the department first so only the SLA stands in the way.
    assert client.post(f"/staff/customers/{ids.finance}/delete").status_code == 303
    response = client.post(f"/staff/customers/{ids.acme}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/customers/{ids.acme}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not deleted: “Acme” still has 1 SLA, and a customer" in page
    assert customer_named(app, "Acme") is not None
    assert ("customer.delete", "customer", ids.acme) not in audit_actions(app)


def test_delete_refused_while_departments_exist(app: Flask, ids: Ids) -> None:
    with app.app_context():
        parent = make_customer("Parent Co")
        make_customer("Parent Co Sales", parent=parent)
        db.session.commit()
        parent_id = parent.id
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(f"/staff/customers/{parent_id}/delete")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "still has 1 department" in page
    child = customer_named(app, "Parent Co Sales")
    assert child is not None
    assert child.parent_id == parent_id
    assert audit_actions(app) == []
