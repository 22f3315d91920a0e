"""Contacts of a customer: add, edit, delete, email checks."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Contact, Customer, Role
from tests.factories import make_contact, make_customer, signed_in


@pytest.fixture
def acme_id(app: Flask) -> int:
    """Acme, with contact ann@acme.example."""
    with app.app_context():
        acme = make_customer("Acme")
        make_contact(acme, "ann@acme.example", name="Ann Able")
        db.session.commit()
        return acme.id


def contacts(app: Flask) -> list[tuple[int, str, str, str, bool]]:
    """(customer id, name, email, job title, active) of every contact, by id."""
    with app.app_context():
        rows = db.session.scalars(select(Contact).order_by(Contact.id))
        return [(c.customer_id, c.name, c.email, c.job_title, c.active) for c in rows]


def actions(app: Flask) -> list[tuple[str, int | None]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.target_id) for e in events]


def contact_id(app: Flask, email: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Contact.id).where(Contact.email == email))
        assert found is not None
        return found


def test_add_contact_stores_clean_lower_case_email(app: Flask, acme_id: int) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    page = client.get(f"/staff/customers/{acme_id}/contacts/new").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert 'id="active" name="active" type="checkbox" value="y"' in page  # ticked
    response = client.post(
        f"/staff/customers/{acme_id}/contacts/new",
        data={
            "name": " Bob Baker ",
            "email": "  Bob.Baker@ACME.example ",
            "job_title": "CFO",
            "active": "y",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/customers/{acme_id}"
    assert contacts(app)[-1] == (
        acme_id,
        "Bob Baker",
        "bob.baker@acme.example",
        "CFO",
        True,
    )
    assert ("contact.create", contact_id(app, "bob.baker@acme.example")) in actions(app)
    detail = client.get(f"/staff/customers/{acme_id}").get_data(as_text=True)
    assert "Added Bob Baker." in detail
    assert "bob.baker@acme.example" in detail


def test_unticked_active_adds_an_inactive_contact(app: Flask, acme_id: int) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    client.post(
        f"/staff/customers/{acme_id}/contacts/new",
        data={"name": "Cy Cole", "email": "cy@acme.example"},
    )
    assert contacts(app)[-1] == (acme_id, "Cy Cole", "cy@acme.example", "", False)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not-an-email", "An email address must have an @-sign."),
        ("ann@", "There must be something after the @-sign."),
        ("ann@acme.test", "special-use or reserved name"),
        ("ann@acme", "The part after the @-sign is not valid."),
    ],
)
def test_bad_email_is_refused_and_typing_kept(
    app: Flask, acme_id: int, typed: str, message: str
) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/customers/{acme_id}/contacts/new",
        data={"name": "Dee Dow", "email": typed, "job_title": "Buyer"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in html
    assert message in html
    assert f'value="{typed}"' in html
    assert 'value="Dee Dow"' in html
    assert 'value="Buyer"' in html
    assert len(contacts(app)) == 1
    assert actions(app) == []


def test_email_unique_within_customer(app: Flask, acme_id: int) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/customers/{acme_id}/contacts/new",
        data={"name": "Ann Again", "email": "ANN@acme.example"},
    )
    assert response.status_code == 200
    assert "Acme already has a contact with this email." in response.get_data(
        as_text=True
    )
    assert len(contacts(app)) == 1


def test_same_email_allowed_at_another_customer(app: Flask, acme_id: int) -> None:
    with app.app_context():
        other = make_customer("Globex")
        db.session.commit()
        other_id = other.id
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/customers/{other_id}/contacts/new",
        data={"name": "Ann Able", "email": "ann@acme.example", "active": "y"},
    )
    assert response.status_code == 303
    assert [c[0] for c in contacts(app)] == [acme_id, other_id]


def test_edit_contact(app: Flask, acme_id: int) -> None:
    ann = contact_id(app, "ann@acme.example")
    client, _ = signed_in(app, Role.ADMIN)
    form = client.get(f"/staff/contacts/{ann}/edit").get_data(as_text=True)
    assert 'value="ann@acme.example"' in form
    # Keeping its own email is not a duplicate; unticking "active" deactivates.
    response = client.post(
        f"/staff/contacts/{ann}/edit",
        data={"name": "Ann Able", "email": "ann@acme.example", "job_title": "CIO"},
    )
    assert response.status_code == 303
    assert contacts(app) == [(acme_id, "Ann Able", "ann@acme.example", "CIO", False)]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.target_id) == ("contact.update", ann)
        assert event.details["changes"] == {
            "job_title": ["", "CIO"],
            "active": [True, False],
        }


def test_edit_to_a_taken_email_is_refused(app: Flask, acme_id: int) -> None:
    with app.app_context():
        bob = make_contact(db.session.get_one(Customer, acme_id), "bob@acme.example")
        db.session.commit()
        bob_id = bob.id
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        f"/staff/contacts/{bob_id}/edit",
        data={"name": "Bob", "email": "Ann@Acme.example", "active": "y"},
    )
    assert response.status_code == 200
    assert "already has a contact with this email" in response.get_data(as_text=True)
    assert contacts(app)[-1][2] == "bob@acme.example"


def test_delete_contact(app: Flask, acme_id: int) -> None:
    ann = contact_id(app, "ann@acme.example")
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(f"/staff/contacts/{ann}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/customers/{acme_id}"
    assert contacts(app) == []
    assert actions(app) == [("contact.delete", ann)]
    assert "Deleted contact Ann Able." in client.get(
        f"/staff/customers/{acme_id}"
    ).get_data(as_text=True)
