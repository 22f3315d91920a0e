"""The service catalogue: list with usage, admin-only changes."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Level, Role, Service
from tests.factories import make_agreement, make_customer, make_service, signed_in


@dataclass
class Ids:
    hosting: int
    desk: int
    acme: int


@pytest.fixture
def ids(app: Flask) -> Ids:
    """Cloud hosting used by SLAs of Acme and Globex; Service desk unused."""
    with app.app_context():
        hosting = make_service("Cloud hosting")
        desk = make_service("Service desk")
        customers = [make_customer("Acme"), make_customer("Globex")]
        for customer in customers:
            parent = make_agreement(Level.CUSTOMER, customer=customer)
            make_agreement(Level.SERVICE, parent=parent, service=hosting)
        db.session.commit()
        return Ids(hosting.id, desk.id, customers[0].id)


def services(app: Flask) -> dict[str, str]:
    with app.app_context():
        return {s.name: s.description for s in db.session.scalars(select(Service))}


def actions(app: Flask) -> list[tuple[str, int | None]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.target_id) for e in events]


def usage(html: str, name: str) -> str:
    """The SLAs cell of the row for service ``name``."""
    match = re.search(
        rf'data-label="Service">{re.escape(name)}</td>.*?data-label="SLAs" class="num">'
        r"(\d+)<",
        html,
        re.S,
    )
    assert match, f"no row for {name}"
    return match.group(1)


def test_list_counts_slas_per_service(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    html = client.get("/staff/services").get_data(as_text=True)
    assert usage(html, "Cloud hosting") == "2"
    assert usage(html, "Service desk") == "0"
    assert 'href="/staff/services/new"' in html
    assert f'href="/staff/services/{ids.desk}/edit"' in html


def test_manager_counts_only_their_slas(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[ids.acme])
    html = client.get("/staff/services").get_data(as_text=True)
    assert usage(html, "Cloud hosting") == "1"


def test_admin_creates_service(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        "/staff/services/new",
        data={"name": " Backup ", "description": "Nightly, kept 30 days."},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/services"
    assert services(app)["Backup"] == "Nightly, kept 30 days."
    with app.app_context():
        backup_id = db.session.scalars(
            select(Service.id).where(Service.name == "Backup")
        ).one()
    assert actions(app) == [("service.create", backup_id)]


@pytest.mark.parametrize("typed", ["Cloud hosting", "cloud HOSTING"])
def test_duplicate_service_name_is_refused(app: Flask, ids: Ids, typed: str) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        "/staff/services/new", data={"name": typed, "description": "kept"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"A service named “{typed}” already exists." in html
    assert f'value="{typed}"' in html
    assert re.search(r">\s*kept</textarea>", html)
    assert len(services(app)) == 2


def test_admin_edits_service(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    form = client.get(f"/staff/services/{ids.desk}/edit").get_data(as_text=True)
    assert 'value="Service desk"' in form
    response = client.post(
        f"/staff/services/{ids.desk}/edit",
        data={"name": "Service desk 24/7", "description": "Round the clock"},
    )
    assert response.status_code == 303
    assert services(app)["Service desk 24/7"] == "Round the clock"
    assert "Service desk" not in services(app)
    assert actions(app) == [("service.update", ids.desk)]


def test_admin_deletes_unused_service(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(f"/staff/services/{ids.desk}/delete")
    assert response.status_code == 303
    assert "Service desk" not in services(app)
    assert actions(app) == [("service.delete", ids.desk)]


def test_delete_refused_while_slas_use_it(app: Flask, ids: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(f"/staff/services/{ids.hosting}/delete")
    assert response.status_code == 303
    page = client.get("/staff/services").get_data(as_text=True)
    assert "Not deleted: 2 SLAs use “Cloud hosting”." in page
    assert "Cloud hosting" in services(app)
    assert actions(app) == []


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER])
def test_only_admins_change_services(app: Flask, ids: Ids, role: Role) -> None:
    client, _ = signed_in(app, role, customer_ids=[ids.acme])
    listing = client.get("/staff/services")
    assert listing.status_code == 200
    assert "Cloud hosting" in listing.get_data(as_text=True)
    assert "/staff/services/new" not in listing.get_data(as_text=True)
    assert "/edit" not in listing.get_data(as_text=True)
    assert client.get("/staff/services/new").status_code == 403
    assert client.post("/staff/services/new", data={"name": "X"}).status_code == 403
    assert client.get(f"/staff/services/{ids.desk}/edit").status_code == 403
    edit = client.post(f"/staff/services/{ids.desk}/edit", data={"name": "Renamed"})
    assert edit.status_code == 403
    assert client.post(f"/staff/services/{ids.desk}/delete").status_code == 403
    assert services(app) == {"Cloud hosting": "", "Service desk": ""}
    assert actions(app) == []
