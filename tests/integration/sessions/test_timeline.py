"""A customer's timeline: sessions, survey responses and action items, newest first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import event, select

from engage.extensions import db
from engage.models import ActionStatus, Agreement, Customer, QuestionKind, User
from engage.sessions.timeline import customer_timeline, parse_limit
from tests.factories import login
from tests.session_factories import World, add_item, add_session, build_world
from tests.survey_factories import (
    answer_invitation,
    make_respondent_link,
    make_respondent_survey,
)


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


@pytest.fixture
def world(app: Flask) -> World:
    """For Acme Finance: a session (Mar), a response (Apr), an item opened and closed."""
    world = build_world(app)
    with app.app_context():
        fin = db.session.get(Customer, world.acme_fin)
        globex = db.session.get(Customer, world.globex)
        admin = db.session.scalars(select(User).filter_by(email=world.admin)).one()
        assert fin is not None
        assert globex is not None
        add_session(fin, admin, title="March QBR", held_on=date(2026, 3, 10))
        add_session(globex, admin, title="Globex call", held_on=date(2026, 3, 11))
        survey = make_respondent_survey(
            [{"kind": QuestionKind.HAPPINESS, "prompt": "Recommend us?"}],
            title="Pulse",
        )
        invitation, _ = make_respondent_link(
            survey, db.session.get(Agreement, world.fin_hosting)
        )
        response = answer_invitation(invitation, {"happiness": 3})
        response.submitted_at = _at(4, 2)
        add_item(
            fin,
            admin,
            date(2026, 6, 1),
            title="Fix the report",
            created_at=_at(5, 1),
            status=ActionStatus.DONE,
            closed_at=_at(6, 3),
        )
        db.session.commit()
    return world


def test_events_newest_first(app: Flask, world: World) -> None:
    with app.app_context():
        timeline = customer_timeline([world.acme_fin])
    assert [(e.kind, e.title) for e in timeline.events] == [
        ("action_closed", "Fix the report"),
        ("action_opened", "Fix the report"),
        ("response", "Pat Contact answered Pulse"),
        ("session", "March QBR"),
    ]
    assert timeline.events[2].flag == "Detractor"
    assert timeline.events[0].flag == "Done"
    assert not timeline.more


def test_the_customer_page_shows_the_timeline_and_more(
    app: Flask, world: World
) -> None:
    client = app.test_client()
    login(client, world.manager)
    page = client.get(f"/staff/customers/{world.acme_fin}").get_data(as_text=True)
    section = page[page.index('id="timeline-heading"') :]
    order = [
        section.index(t) for t in ("Action closed", "Survey response", "March QBR")
    ]
    assert order == sorted(order)
    assert "/staff/surveys/responses/" in section
    assert "Detractor" in section
    assert "Globex call" not in section
    # The account's page includes its departments' events.
    account = client.get(f"/staff/customers/{world.acme}").get_data(as_text=True)
    assert "March QBR" in account
    short = client.get(f"/staff/customers/{world.acme_fin}?timeline=2").get_data(
        as_text=True
    )
    assert "March QBR" not in short[short.index('id="timeline-heading"') :]
    assert "Show more" in short
    assert "timeline=4" in short


@pytest.mark.parametrize(
    ("raw", "limit"),
    [(None, 20), ("", 20), ("x", 20), ("0", 1), ("35", 35), ("99999", 1000)],
)
def test_parse_limit(raw: str | None, limit: int) -> None:
    assert parse_limit(raw) == limit


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_fixed_number_of_queries_however_long(app: Flask, world: World) -> None:
    with app.app_context():
        with counted() as few:
            customer_timeline([world.acme_fin], 50)
        fin = db.session.get(Customer, world.acme_fin)
        assert fin is not None
        for day in range(1, 20):
            add_session(fin, None, title=f"Call {day}", held_on=date(2025, 1, day))
            add_item(fin, None, date(2026, 1, day), title=f"Item {day}")
        db.session.commit()
        with counted() as many:
            timeline = customer_timeline([world.acme_fin], 50)
        assert len(timeline.events) > 20
        assert len(many) == len(few)
