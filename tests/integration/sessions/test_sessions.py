"""Logging, editing and deleting listening sessions; their statements become feedback."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    ActionItem,
    AuditEvent,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    ListeningSession,
    StatementKind,
)
from tests.factories import login
from tests.session_factories import NEGATIVE, POSITIVE, World, build_world, session_form


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def manager(app: Flask, world: World) -> FlaskClient:
    client = app.test_client()
    assert login(client, world.manager).status_code == 303
    return client


def only_session(app: Flask) -> ListeningSession:
    sessions = db.session.scalars(select(ListeningSession)).all()
    assert len(sessions) == 1
    return sessions[0]


def statements(app: Flask) -> dict[str, Feedback]:
    with app.app_context():
        rows = db.session.scalars(select(Feedback)).all()
        for row in rows:
            db.session.expunge(row)
        return {row.text or "": row for row in rows}


def test_manager_logs_a_session_and_every_statement_is_scored(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    response = manager.post("/staff/sessions/new", data=session_form(world))
    assert response.status_code == 303
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        session = only_session(app)
        assert session.title == "Q3 service review"
        assert session.facilitator_id == world.manager_id
        assert session.attendee_list == [
            "Priya Raman, Finance systems lead",
            "Tom Berger, Controller",
        ]
        assert {a.id for a in session.agreements} == {world.fin_sla, world.fin_hosting}
        rows = {row.text: row for row in session.statements}
        assert set(rows) == {
            NEGATIVE,
            POSITIVE,
            "A named contact for the cloud platform",
            "We will send the root-cause report by Friday.",
        }
        negative = rows[NEGATIVE]
        assert negative.source is FeedbackSource.SESSION
        assert negative.kind is FeedbackKind.TEXT
        assert negative.statement_kind is StatementKind.NOTE
        assert negative.customer_id == world.acme_fin
        assert negative.received_at == datetime(2026, 9, 15, 12, tzinfo=UTC)
        assert negative.compound is not None
        assert negative.compound <= -0.05
        assert negative.scorer_version
        assert negative.aspect is not None
        assert negative.aspect.name == "Availability"
        assert negative.aspect_matches
        assert "outage" in negative.aspect_matches[0]["words"]
        # Availability is a clause of the hosting SLA only: the statement is filed there.
        assert negative.agreement_id == world.fin_hosting
        assert negative.objective is not None
        assert negative.objective.metric == "Platform availability"
        assert rows[POSITIVE].compound is not None
        assert rows[POSITIVE].compound >= 0.05
        assert rows["A named contact for the cloud platform"].statement_kind is (
            StatementKind.ASK
        )
        audit = db.session.scalars(select(AuditEvent)).all()
        assert [e.action for e in audit] == ["session.create"]
    # The page shows each statement with its score in words and numbers.
    assert NEGATIVE in page
    assert 'Negative <span class="score">-0.84</span>' in page or "Negative" in page
    assert f"{negative.compound:+.2f}" in page
    assert 'Availability <span class="muted">(outage' in page
    assert "Platform availability" in page
    assert "Open action item" in page


def test_validation_errors_keep_every_typed_value(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    data = session_form(
        world,
        title="",
        agreement_ids=[str(world.fin_sla), str(world.globex_sla)],
        notes="Typed notes that must survive.",
        attendees="Someone, Somewhere",
    )
    response = manager.post("/staff/sessions/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This field is required." in html
    assert "Tick only SLAs of Acme / Acme Finance" in html
    assert "Typed notes that must survive." in html
    assert "Someone, Somewhere" in html
    assert "A named contact for the cloud platform" in html
    assert 'value="2026-09-15"' in html
    assert f'value="{world.fin_sla}" checked' in html or "checked" in html
    with app.app_context():
        assert db.session.scalars(select(ListeningSession)).all() == []
        assert db.session.scalars(select(Feedback)).all() == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("held_on", (date.today() + timedelta(days=3)).isoformat(), "in the future"),
        ("held_on", "", "Enter the date the session took place."),
        ("customer_id", "", "Choose the customer you met."),
        ("channel", "party", "Not a valid choice"),
    ],
)
def test_bad_values_are_refused(
    app: Flask, manager: FlaskClient, world: World, field: str, value: str, message: str
) -> None:
    response = manager.post(
        "/staff/sessions/new", data=session_form(world, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ListeningSession)).all() == []


def test_facilitator_must_see_the_customer(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    data = session_form(world, facilitator_id=str(world.other_manager_id))
    html = manager.post("/staff/sessions/new", data=data).get_data(as_text=True)
    assert "cannot see Acme / Acme Finance" in html


def test_the_form_offers_only_slas_of_related_customers(
    manager: FlaskClient, world: World
) -> None:
    html = manager.get(f"/staff/sessions/new?customer_id={world.acme_fin}").get_data(
        as_text=True
    )
    assert "Acme Finance / Hosting" in html
    assert "Globex SLA" not in html
    # Corporate SLAs are inherited by customer SLAs; they are not ticked separately.
    assert ">Corporate<" not in html
    assert f'<option selected value="{world.acme_fin}">' in html


def test_edit_keeps_unchanged_statements_and_their_action_items(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    manager.post("/staff/sessions/new", data=session_form(world))
    before = statements(app)
    negative_id = before[NEGATIVE].id
    with app.app_context():
        session = only_session(app)
        db.session.add(
            ActionItem(
                customer_id=world.acme_fin,
                title="Call them back",
                due_on=date(2026, 10, 1),
                feedback_id=negative_id,
                session_id=session.id,
            )
        )
        db.session.commit()
        session_id = session.id
    edited = session_form(
        world,
        held_on="2026-09-16",
        agreement_ids=[str(world.fin_hosting)],
        notes=f"* {NEGATIVE}\n* The new portal is confusing.",
    )
    response = manager.post(f"/staff/sessions/{session_id}/edit", data=edited)
    assert response.status_code == 303
    after = statements(app)
    assert after[NEGATIVE].id == negative_id
    assert after[NEGATIVE].received_at == datetime(2026, 9, 16, 12, tzinfo=UTC)
    assert POSITIVE not in after
    assert "The new portal is confusing." in after
    with app.app_context():
        item = db.session.scalars(select(ActionItem)).one()
        assert item.feedback_id == negative_id
        events = db.session.scalars(select(AuditEvent.action)).all()
        assert events == ["session.create", "session.update"]


def test_removing_a_linked_statement_keeps_the_item_and_its_quote(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    manager.post("/staff/sessions/new", data=session_form(world))
    negative_id = statements(app)[NEGATIVE].id
    with app.app_context():
        session_id = only_session(app).id
        db.session.add(
            ActionItem(
                customer_id=world.acme_fin,
                title="Call them back",
                due_on=date(2026, 10, 1),
                feedback_id=negative_id,
                quote=NEGATIVE,
            )
        )
        db.session.commit()
    edited = session_form(world, notes=POSITIVE)
    assert (
        manager.post(f"/staff/sessions/{session_id}/edit", data=edited).status_code
        == 303
    )
    with app.app_context():
        item = db.session.scalars(select(ActionItem)).one()
        assert item.feedback_id is None
        assert item.quote == NEGATIVE


def test_an_edit_that_changes_nothing_is_not_recorded(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    manager.post("/staff/sessions/new", data=session_form(world))
    with app.app_context():
        session_id = only_session(app).id
    response = manager.post(
        f"/staff/sessions/{session_id}/edit",
        data=session_form(world),
        follow_redirects=True,
    )
    assert "Nothing changed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action)).all() == ["session.create"]


def test_delete_removes_statements_but_keeps_action_items(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    manager.post("/staff/sessions/new", data=session_form(world))
    with app.app_context():
        session = only_session(app)
        db.session.add(
            ActionItem(
                customer_id=world.acme_fin,
                title="Send the report",
                due_on=date(2026, 10, 1),
                session_id=session.id,
                feedback_id=session.statements[0].id,
            )
        )
        db.session.commit()
        session_id = session.id
    response = manager.post(f"/staff/sessions/{session_id}/delete")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(ListeningSession)).all() == []
        assert db.session.scalars(select(Feedback)).all() == []
        item = db.session.scalars(select(ActionItem)).one()
        assert (item.session_id, item.feedback_id) == (None, None)
        assert "session.delete" in db.session.scalars(select(AuditEvent.action)).all()
