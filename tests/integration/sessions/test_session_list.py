"""The session list: filters, pages, and who sees and changes which sessions."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import Agreement, Channel, Customer, ListeningSession, User
from tests.factories import login
from tests.session_factories import (
    NEGATIVE,
    World,
    add_session,
    build_world,
    session_form,
)


@pytest.fixture
def world(app: Flask) -> World:
    world = build_world(app)
    with app.app_context():
        fin = db.session.get(Customer, world.acme_fin)
        globex = db.session.get(Customer, world.globex)
        hosting = db.session.get(Agreement, world.fin_hosting)
        admin = db.session.scalars(select(User).filter_by(email=world.admin)).one()
        assert fin
        assert globex
        assert hosting
        add_session(
            fin,
            admin,
            title="Fin QBR",
            held_on=date(2026, 3, 10),
            channel=Channel.QBR,
            notes=NEGATIVE,
            agreements=[hosting],
        )
        add_session(fin, admin, title="Fin call", held_on=date(2026, 5, 2))
        add_session(
            globex,
            admin,
            title="Globex workshop",
            held_on=date(2026, 4, 20),
            channel=Channel.WORKSHOP,
        )
        db.session.commit()
    return world


def client_for(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


NAMES = ("Fin QBR", "Fin call", "Globex workshop")


def listed(client: FlaskClient, query: str = "") -> list[str]:
    """The demo sessions' titles on the list page, in page order."""
    response = client.get(f"/staff/sessions{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = sorted((html.index(f">{n}<"), n) for n in NAMES if f">{n}<" in html)
    return [name for _, name in found]


def test_most_recent_first_with_statement_counts(app: Flask, world: World) -> None:
    admin = client_for(app, world.admin)
    assert listed(admin) == ["Fin call", "Globex workshop", "Fin QBR"]
    html = admin.get("/staff/sessions").get_data(as_text=True)
    assert "1 statement, <strong>1 negative</strong>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?customer={globex}", ["Globex workshop"]),
        ("?agreement={hosting}", ["Fin QBR"]),
        ("?from=2026-04-01", ["Fin call", "Globex workshop"]),
        ("?from=2026-04-01&to=2026-04-30", ["Globex workshop"]),
        ("?channel=qbr", ["Fin QBR"]),
        ("?customer={fin}&channel=call", ["Fin call"]),
    ],
)
def test_filters(app: Flask, world: World, query: str, expected: list[str]) -> None:
    admin = client_for(app, world.admin)
    url = query.format(
        globex=world.globex, hosting=world.fin_hosting, fin=world.acme_fin
    )
    assert listed(admin, url) == expected


@pytest.mark.parametrize(
    "query",
    [
        "?customer=abc",
        "?channel=party",
        "?from=yesterday",
        "?from=2026-05-01&to=2026-04-01",
    ],
)
def test_bad_filters_are_refused(app: Flask, world: World, query: str) -> None:
    admin = client_for(app, world.admin)
    response = admin.get(f"/staff/sessions{query}")
    assert response.status_code == 400
    assert "Correct the filter" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["?page=0", "?page=x", "?sort=title"])
def test_bad_parameters_are_400(app: Flask, world: World, query: str) -> None:
    assert (
        client_for(app, world.admin).get(f"/staff/sessions{query}").status_code == 400
    )


def test_pages(app: Flask, world: World) -> None:
    with app.app_context():
        fin = db.session.get(Customer, world.acme_fin)
        admin = db.session.scalars(select(User).filter_by(email=world.admin)).one()
        assert fin
        for day in range(1, 23):
            add_session(fin, admin, title=f"Extra {day}", held_on=date(2025, 1, day))
        db.session.commit()
    client = client_for(app, world.admin)
    first = client.get("/staff/sessions?channel=call").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Extra 3<" not in first
    second = client.get("/staff/sessions?channel=call&page=2").get_data(as_text=True)
    assert ">Extra 3<" in second
    assert ">Extra 1<" in second
    assert "channel=call" in second  # the pager keeps the filter


def test_manager_sees_only_their_customers_sessions(app: Flask, world: World) -> None:
    manager = client_for(app, world.manager)
    assert listed(manager) == ["Fin call", "Fin QBR"]
    # A filter naming a customer they cannot see is refused like any unknown value.
    assert manager.get(f"/staff/sessions?customer={world.globex}").status_code == 400


def _session_id(app: Flask, title: str) -> int:
    with app.app_context():
        return db.session.scalars(
            select(ListeningSession.id).filter_by(title=title)
        ).one()


def test_manager_gets_404_for_other_customers_sessions(
    app: Flask, world: World
) -> None:
    manager = client_for(app, world.manager)
    theirs, ours = _session_id(app, "Globex workshop"), _session_id(app, "Fin call")
    for url in ("/staff/sessions/{}", "/staff/sessions/{}/edit"):
        assert manager.get(url.format(theirs)).status_code == 404
        assert manager.get(url.format(ours)).status_code == 200
    data = session_form(world, customer_id=str(world.globex), agreement_ids=[])
    assert manager.post(f"/staff/sessions/{theirs}/edit", data=data).status_code == 404
    assert manager.post(f"/staff/sessions/{theirs}/delete").status_code == 404
    # Logging a session for another customer is refused, with the typed values kept.
    response = manager.post("/staff/sessions/new", data=data)
    assert response.status_code == 200
    assert "Choose one of the customers listed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ListeningSession, theirs) is not None
        assert len(db.session.scalars(select(ListeningSession)).all()) == 3


def test_viewer_reads_but_cannot_change(app: Flask, world: World) -> None:
    viewer = client_for(app, world.viewer)
    session_id = _session_id(app, "Fin QBR")
    page = viewer.get(f"/staff/sessions/{session_id}").get_data(as_text=True)
    assert NEGATIVE in page
    assert "Open action item" not in page
    assert f"/staff/sessions/{session_id}/edit" not in page
    assert "Log a session" not in viewer.get("/staff/sessions").get_data(as_text=True)
    assert viewer.get("/staff/sessions/new").status_code == 403
    assert (
        viewer.post("/staff/sessions/new", data=session_form(world)).status_code == 403
    )
    edit = viewer.post(f"/staff/sessions/{session_id}/edit", data=session_form(world))
    assert edit.status_code == 403
    assert viewer.post(f"/staff/sessions/{session_id}/delete").status_code == 403
    with app.app_context():
        assert len(db.session.scalars(select(ListeningSession)).all()) == 3
