"""The survey builder: creating a survey, its texts, lifecycle, access and preview."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Direction, Level, Role, Survey, SurveyStatus
from tests.factories import (
    login,
    make_agreement,
    make_customer,
    make_objective,
    make_user,
)
from tests.survey_factories import make_survey

Ids = dict[str, int]


@pytest.fixture
def world(app: Flask) -> Ids:
    """Corporate (Uptime) -> Acme SLA (First response); Globex SLA (Restore); users."""
    with app.app_context():
        acme, globex = make_customer("Acme"), make_customer("Globex")
        corporate = make_agreement(Level.CORPORATE, "Corporate")
        uptime = make_objective(corporate, metric="Uptime")
        acme_sla = make_agreement(
            Level.CUSTOMER, "Acme SLA", parent=corporate, customer=acme
        )
        first = make_objective(
            acme_sla,
            metric="First response",
            target=30,
            unit="minutes",
            direction=Direction.AT_MOST,
            aspect_name="Response time",
        )
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", parent=corporate, customer=globex
        )
        restore = make_objective(
            globex_sla, metric="Restore", aspect_name="Resolution time"
        )
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        draft = make_survey("Draft pulse", kinds=("csat", "single", "text"))
        empty = make_survey("Empty", kinds=())
        db.session.commit()
        return {
            "uptime": uptime.id,
            "first_response": first.id,
            "restore": restore.id,
            "draft": draft.id,
            "empty": empty.id,
            "draft_q1": draft.current.questions[0].id,
        }


def texts(**values: str) -> dict[str, str]:
    data = {"title": "Quarterly pulse", "intro": "Tell us.", "thank_you": "Thanks!"}
    data.update(values)
    return data


def survey(app: Flask, survey_id: int) -> dict[str, Any]:
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        assert s is not None
        return {
            "title": s.title,
            "status": s.status,
            "versions": [v.number for v in s.versions],
        }


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        )


def test_create_survey_via_form(app: Flask, client: FlaskClient, world: Ids) -> None:
    login(client, "manager@example.test")
    page = client.get("/staff/surveys/new")
    assert page.status_code == 200
    assert '<label for="thank_you">Thank-you text</label>' in page.get_data(
        as_text=True
    )
    response = client.post("/staff/surveys/new", data=texts())
    assert response.status_code == 303
    with app.app_context():
        created = db.session.scalars(
            select(Survey).where(Survey.title == "Quarterly pulse")
        ).one()
        assert created.status is SurveyStatus.DRAFT
        assert (created.intro, created.thank_you) == ("Tell us.", "Thanks!")
        assert [v.number for v in created.versions] == [1]
        assert created.current.questions == []
        survey_id = created.id
    assert response.headers["Location"] == f"/staff/surveys/{survey_id}/edit"
    editor = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Quarterly pulse" in editor
    assert "badge-draft" in editor
    assert "No questions yet." in editor
    assert actions(app) == ["survey.create"]


def test_create_needs_a_title(app: Flask, client: FlaskClient, world: Ids) -> None:
    login(client, "admin@example.test")
    page = client.post("/staff/surveys/new", data=texts(title=" "))
    assert page.status_code == 200
    assert "This field is required." in page.get_data(as_text=True)
    assert actions(app) == []


def test_details_change_in_any_status(
    app: Flask, client: FlaskClient, world: Ids
) -> None:
    with app.app_context():
        closed = make_survey("Old title", status="closed").id
        db.session.commit()
    login(client, "admin@example.test")
    url = f"/staff/surveys/{closed}/details"
    assert 'value="Old title"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data=texts(title="New title"))
    assert response.status_code == 303
    after = survey(app, closed)
    assert after["title"] == "New title"
    assert after["versions"] == [1]  # texts are not versioned
    assert after["status"] is SurveyStatus.CLOSED
    assert actions(app) == ["survey.update"]


def test_open_requires_a_question(app: Flask, client: FlaskClient, world: Ids) -> None:
    login(client, "admin@example.test")
    response = client.post(f"/staff/surveys/{world['empty']}/open")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Add at least one question before opening the survey." in page
    assert survey(app, world["empty"])["status"] is SurveyStatus.DRAFT
    assert actions(app) == []


def test_open_then_close(app: Flask, client: FlaskClient, world: Ids) -> None:
    login(client, "manager@example.test")
    url = f"/staff/surveys/{world['draft']}"
    assert client.post(f"{url}/open").status_code == 303
    assert survey(app, world["draft"])["status"] is SurveyStatus.OPEN
    editor = client.get(f"{url}/edit").get_data(as_text=True)
    assert "creates version 2; responses keep the version they answered." in editor
    assert "Close survey" in editor
    again = client.post(f"{url}/open", follow_redirects=True)
    assert again.status_code == 200
    assert "The survey is already open." in again.get_data(as_text=True)
    assert client.post(f"{url}/close").status_code == 303
    assert survey(app, world["draft"])["status"] is SurveyStatus.CLOSED
    twice = client.post(f"{url}/close", follow_redirects=True)
    assert twice.status_code == 200
    assert "Only an open survey can be closed." in twice.get_data(as_text=True)
    assert actions(app) == ["survey.open", "survey.close"]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).first()
        assert event is not None
        assert (event.target_type, event.target_id) == ("survey", world["draft"])


def post_routes(ids: Ids) -> list[str]:
    s, q = ids["draft"], ids["draft_q1"]
    return [
        "/staff/surveys/new",
        f"/staff/surveys/{s}/details",
        f"/staff/surveys/{s}/open",
        f"/staff/surveys/{s}/close",
        f"/staff/surveys/{s}/questions/new",
        f"/staff/surveys/questions/{q}/edit",
        f"/staff/surveys/questions/{q}/delete",
        f"/staff/surveys/questions/{q}/move/down",
    ]


def test_viewer_reads_but_never_changes(
    app: Flask, client: FlaskClient, world: Ids
) -> None:
    login(client, "viewer@example.test")
    editor = client.get(f"/staff/surveys/{world['draft']}/edit")
    assert editor.status_code == 200
    page = editor.get_data(as_text=True)
    assert "Question 1 (csat)" in page
    assert "Add question" not in page
    assert "Edit details" not in page
    for url in post_routes(world):
        assert client.post(url, data=texts()).status_code == 403, url
    for url in ("/staff/surveys/new", f"/staff/surveys/{world['draft']}/details"):
        assert client.get(url).status_code == 403
    assert (
        client.get(f"/staff/surveys/questions/{world['draft_q1']}/edit").status_code
        == 403
    )
    assert actions(app) == []
    assert survey(app, world["draft"])["title"] == "Draft pulse"


def test_manager_sees_the_actions_the_viewer_does_not(
    client: FlaskClient, world: Ids
) -> None:
    login(client, "manager@example.test")
    page = client.get(f"/staff/surveys/{world['draft']}/edit").get_data(as_text=True)
    assert "Add question" in page
    assert f'action="/staff/surveys/questions/{world["draft_q1"]}/delete"' in page
    assert f'action="/staff/surveys/{world["draft"]}/open"' in page


@pytest.mark.parametrize("index", range(8))
def test_get_on_post_routes_is_405(client: FlaskClient, world: Ids, index: int) -> None:
    login(client, "admin@example.test")
    url = post_routes(world)[index]
    expected = 405 if url.endswith(("open", "close", "delete", "down")) else 200
    assert client.get(url).status_code == expected


def test_unknown_survey_is_404(client: FlaskClient, world: Ids) -> None:
    login(client, "admin@example.test")
    assert client.get("/staff/surveys/999/edit").status_code == 404
    assert client.post("/staff/surveys/999/open").status_code == 404
    assert client.get("/staff/surveys/questions/999/edit").status_code == 404


def test_preview_shows_every_question_and_the_banner(
    app: Flask, client: FlaskClient, world: Ids
) -> None:
    with app.app_context():
        s = db.session.get(Survey, world["draft"])
        assert s is not None
        s.intro = "Five minutes, promise."
        s.current.questions[0].prompt = "How <b>satisfied</b> are you?"
        db.session.commit()
    login(client, "viewer@example.test")
    page = client.get(f"/staff/surveys/{world['draft']}/preview")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Preview: answers are not saved" in text
    assert "Five minutes, promise." in text
    assert "How &lt;b&gt;satisfied&lt;/b&gt; are you?" in text
    assert "<b>satisfied</b>" not in text
    for prompt in ("Question 2 (single)", "Question 3 (text)"):
        assert prompt in text
    assert "Send my answers</button>" in text
    assert 'class="button primary survey-submit" disabled>' in text
