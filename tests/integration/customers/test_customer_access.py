"""Who sees and changes which customers: managers are scoped, viewers read only."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Contact, Customer, Role
from tests.factories import make_contact, make_customer, signed_in


@dataclass
class Ids:
    a: int
    a_dept: int
    a_contact: int
    b: int
    b_dept: int
    b_contact: int


@pytest.fixture
def ids(app: Flask) -> Ids:
    """Accounts A and B, each with a department and a contact."""
    with app.app_context():
        a, b = make_customer("Alpha"), make_customer("Bravo")
        a_dept = make_customer("Alpha Ops", parent=a)
        b_dept = make_customer("Bravo Ops", parent=b)
        a_contact = make_contact(a, "ann@alpha.example", name="Ann Alpha")
        b_contact = make_contact(b, "bo@bravo.example", name="Bo Bravo")
        db.session.commit()
        return Ids(a.id, a_dept.id, a_contact.id, b.id, b_dept.id, b_contact.id)


@pytest.fixture
def manager(app: Flask, ids: Ids) -> FlaskClient:
    """Signed in as a manager assigned to Alpha only."""
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[ids.a])
    return client


def names(app: Flask) -> dict[int, tuple[str, int | None]]:
    with app.app_context():
        rows = db.session.scalars(select(Customer))
        return {c.id: (c.name, c.parent_id) for c in rows}


def audit_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditEvent)).all())


# -- managers -----------------------------------------------------------------


def test_manager_lists_only_their_customers(manager: FlaskClient) -> None:
    html = manager.get("/staff/customers").get_data(as_text=True)
    assert ">Alpha<" in html
    assert ">Alpha Ops<" in html
    assert "Bravo" not in html
    # Managers add departments, not accounts.
    assert "/staff/customers/new" not in html


GETS = [
    "/staff/customers/{c}",
    "/staff/customers/{c}/edit",
    "/staff/customers/{c}/departments/new",
    "/staff/customers/{c}/contacts/new",
    "/staff/customers/{d}",
    "/staff/customers/{d}/edit",
    "/staff/contacts/{k}/edit",
]


@pytest.mark.parametrize("url", GETS)
def test_manager_gets_404_for_other_customers(
    manager: FlaskClient, ids: Ids, url: str
) -> None:
    assert (
        manager.get(url.format(c=ids.b, d=ids.b_dept, k=ids.b_contact)).status_code
        == 404
    )
    # Positive control: the same page for their own customer.
    assert (
        manager.get(url.format(c=ids.a, d=ids.a_dept, k=ids.a_contact)).status_code
        == 200
    )


@pytest.mark.parametrize(
    "url",
    [
        "/staff/customers/{c}/edit",
        "/staff/customers/{c}/delete",
        "/staff/customers/{d}/delete",
        "/staff/customers/{c}/departments/new",
        "/staff/customers/{c}/contacts/new",
        "/staff/contacts/{k}/edit",
        "/staff/contacts/{k}/delete",
    ],
)
def test_manager_cannot_change_other_customers(
    app: Flask, manager: FlaskClient, ids: Ids, url: str
) -> None:
    before = names(app)
    data = {"name": "Hijacked", "email": "x@y.example", "parent_id": str(ids.b)}
    target = url.format(c=ids.b, d=ids.b_dept, k=ids.b_contact)
    assert manager.post(target, data=data).status_code == 404
    assert names(app) == before
    with app.app_context():
        assert db.session.get(Contact, ids.b_contact) is not None
    assert audit_count(app) == 0


def test_manager_edits_own_account_but_cannot_move_it(
    app: Flask, manager: FlaskClient, ids: Ids
) -> None:
    form = manager.get(f"/staff/customers/{ids.a}/edit").get_data(as_text=True)
    assert 'name="parent_id"' not in form
    response = manager.post(
        f"/staff/customers/{ids.a}/edit",
        data={"name": "Alpha Group", "notes": "", "parent_id": str(ids.b)},
    )
    assert response.status_code == 303
    assert names(app)[ids.a] == ("Alpha Group", None)
    assert audit_count(app) == 1


def test_manager_adds_and_edits_departments_of_own_account(
    app: Flask, manager: FlaskClient, ids: Ids
) -> None:
    response = manager.post(
        f"/staff/customers/{ids.a}/departments/new",
        data={"name": "Alpha Labs", "parent_id": str(ids.a)},
    )
    assert response.status_code == 303
    assert ("Alpha Labs", ids.a) in names(app).values()
    assert ">Alpha Labs<" in manager.get("/staff/customers").get_data(as_text=True)
    edit = manager.post(
        f"/staff/customers/{ids.a_dept}/edit", data={"name": "Alpha Operations"}
    )
    assert edit.status_code == 303
    assert names(app)[ids.a_dept] == ("Alpha Operations", ids.a)


def test_manager_cannot_put_a_department_under_another_account(
    app: Flask, manager: FlaskClient, ids: Ids
) -> None:
    response = manager.post(
        f"/staff/customers/{ids.a}/departments/new",
        data={"name": "Sneaky", "parent_id": str(ids.b)},
    )
    assert response.status_code == 200
    assert "Choose one of the accounts listed." in response.get_data(as_text=True)
    assert "Sneaky" not in {name for name, _ in names(app).values()}


def test_manager_cannot_create_accounts(
    app: Flask, manager: FlaskClient, ids: Ids
) -> None:
    assert manager.get("/staff/customers/new").status_code == 403
    response = manager.post("/staff/customers/new", data={"name": "Rogue"})
    assert response.status_code == 403
    assert len(names(app)) == 4


def test_manager_deletes_own_department_not_own_account(
    app: Flask, manager: FlaskClient, ids: Ids
) -> None:
    detail = manager.get(f"/staff/customers/{ids.a}").get_data(as_text=True)
    assert f"/staff/customers/{ids.a}/delete" not in detail
    assert manager.post(f"/staff/customers/{ids.a}/delete").status_code == 403
    assert manager.post(f"/staff/customers/{ids.a_dept}/delete").status_code == 303
    assert ids.a in names(app)
    assert ids.a_dept not in names(app)


def test_manager_manages_own_contacts(
    app: Flask, manager: FlaskClient, ids: Ids
) -> None:
    response = manager.post(
        f"/staff/contacts/{ids.a_contact}/edit",
        data={"name": "Ann A.", "email": "ann@alpha.example", "active": "y"},
    )
    assert response.status_code == 303
    assert manager.post(f"/staff/contacts/{ids.a_contact}/delete").status_code == 303
    with app.app_context():
        assert db.session.get(Contact, ids.a_contact) is None


# -- viewers ------------------------------------------------------------------


def test_viewer_reads_everything_without_edit_buttons(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.VIEWER)
    listing = client.get("/staff/customers").get_data(as_text=True)
    assert ">Alpha<" in listing
    assert ">Bravo Ops<" in listing
    assert "/staff/customers/new" not in listing
    detail = client.get(f"/staff/customers/{ids.a}")
    html = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert "Ann Alpha" in html
    for link in ("/edit", "/delete", "/departments/new", "/contacts/new"):
        assert link not in html
    # Positive control: an admin sees those buttons on the same page.
    admin, _ = signed_in(app, Role.ADMIN)
    admin_html = admin.get(f"/staff/customers/{ids.a}").get_data(as_text=True)
    for link in ("/edit", "/delete", "/departments/new", "/contacts/new"):
        assert link in admin_html


@pytest.mark.parametrize(
    "url",
    [
        "/staff/customers/new",
        "/staff/customers/{c}/edit",
        "/staff/customers/{c}/delete",
        "/staff/customers/{d}/delete",
        "/staff/customers/{c}/departments/new",
        "/staff/customers/{c}/contacts/new",
        "/staff/contacts/{k}/edit",
        "/staff/contacts/{k}/delete",
    ],
)
def test_viewer_gets_403_on_changes(app: Flask, ids: Ids, url: str) -> None:
    client, _ = signed_in(app, Role.VIEWER)
    before = names(app)
    target = url.format(c=ids.a, d=ids.a_dept, k=ids.a_contact)
    data = {"name": "Changed", "email": "z@alpha.example", "parent_id": ""}
    assert client.post(target, data=data).status_code == 403
    if not target.endswith("/delete"):
        assert client.get(target).status_code == 403
    assert names(app) == before
    with app.app_context():
        assert db.session.get(Contact, ids.a_contact) is not None
    assert audit_count(app) == 0
