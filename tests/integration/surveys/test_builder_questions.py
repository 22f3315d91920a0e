"""The survey builder's questions: kinds, validation, order, ties and versions."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import (
    AuditEvent,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyVersion,
)
from surveys.builder import service
from tests.factories import aspect, login
from tests.integration.surveys.test_builder import Ids, world
from tests.survey_factories import make_survey, make_survey_response

__all__ = ["world"]  # the fixture, shared with test_builder.py


def question(kind: str = "csat", **values: str) -> dict[str, str]:
    data = {
        "kind": kind,
        "prompt": "How satisfied are you?",
        "help_text": "",
        "options": "",
        "aspect": "",
        "objective": "",
    }
    data.update(values)
    return data


def versions(app: Flask, survey_id: int) -> dict[int, list[str]]:
    """Each version's prompts, in order."""
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        assert s is not None
        return {v.number: [q.prompt for q in v.questions] for v in s.versions}


def current(app: Flask, survey_id: int) -> list[Question]:
    with app.app_context():
        s = db.session.get(Survey, survey_id)
        assert s is not None
        found = list(s.current.questions)
        for q in found:
            db.session.expunge(q)
        return found


def last_audit(app: Flask) -> AuditEvent:
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None
        db.session.expunge(event)
        return event


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("csat", ""),
        ("happiness", ""),
        ("ces", ""),
        ("single", "Email\nPhone"),
        ("multiple", "Portal\n  Chat  \n\nPhone"),
        ("text", ""),
        ("lost_time", ""),
    ],
)
def test_add_each_kind(
    app: Flask, client: FlaskClient, world: Ids, kind: str, options: str
) -> None:
    login(client, "manager@example.test")
    url = f"/staff/surveys/{world['empty']}/questions/new"
    assert client.get(url).status_code == 200
    response = client.post(url, data=question(kind, options=options, prompt="Q?"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/surveys/{world['empty']}/edit"
    (added,) = current(app, world["empty"])
    assert added.kind is QuestionKind(kind)
    assert added.options == [
        line.strip() for line in options.split("\n") if line.strip()
    ]
    assert added.required is False
    assert versions(app, world["empty"]) == {1: ["Q?"]}
    event = last_audit(app)
    assert (event.action, event.target_id) == ("question.create", added.id)


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("single", "Only one", "Give at least two options, one per line."),
        ("multiple", "", "Give at least two options, one per line."),
        ("single", "Same\nSame", "Each option must be different."),
        ("csat", "A\nB", "Only single and multiple choice questions have options"),
        ("text", "A", "Only single and multiple choice questions have options"),
    ],
)
def test_options_validation(
    app: Flask, client: FlaskClient, world: Ids, kind: str, options: str, message: str
) -> None:
    login(client, "admin@example.test")
    page = client.post(
        f"/staff/surveys/{world['empty']}/questions/new",
        data=question(kind, options=options),
    )
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert current(app, world["empty"]) == []


def test_required_flag_and_text_escaping(
    app: Flask, client: FlaskClient, world: Ids
) -> None:
    login(client, "admin@example.test")
    url = f"/staff/surveys/{world['empty']}/questions/new"
    data = question("single", prompt="<i>Which</i>?", options="<b>A</b>\nB")
    assert client.post(url, data={**data, "required": "y"}).status_code == 303
    (added,) = current(app, world["empty"])
    assert added.required is True
    page = client.get(f"/staff/surveys/{world['empty']}/edit").get_data(as_text=True)
    assert "&lt;i&gt;Which&lt;/i&gt;?" in page
    assert "<li>&lt;b&gt;A&lt;/b&gt;</li>" in page
    assert "<b>A</b>" not in page
    assert '<td data-label="Required">Required</td>' in page


def test_edit_in_draft_changes_in_place(
    app: Flask, client: FlaskClient, world: Ids
) -> None:
    login(client, "admin@example.test")
    q1 = world["draft_q1"]
    form = client.get(f"/staff/surveys/questions/{q1}/edit").get_data(as_text=True)
    assert 'value="Question 1 (csat)"' in form
    response = client.post(
        f"/staff/surveys/questions/{q1}/edit",
        data=question("ces", prompt="How easy?", required="y"),
        follow_redirects=True,
    )
    assert "Version 2 created" not in response.get_data(as_text=True)
    first = current(app, world["draft"])[0]
    assert (first.id, first.kind, first.prompt) == (q1, QuestionKind.CES, "How easy?")
    assert first.required is True
    assert list(versions(app, world["draft"])) == [1]
    assert last_audit(app).action == "question.update"


def test_reorder_and_delete(app: Flask, client: FlaskClient, world: Ids) -> None:
    login(client, "manager@example.test")
    q1, q2, q3 = (q.id for q in current(app, world["draft"]))
    assert client.post(f"/staff/surveys/questions/{q1}/move/down").status_code == 303
    assert [q.id for q in current(app, world["draft"])] == [q2, q1, q3]
    assert last_audit(app).action == "question.move"
    assert client.post(f"/staff/surveys/questions/{q3}/move/up").status_code == 303
    assert [q.id for q in current(app, world["draft"])] == [q2, q3, q1]
    # Past the end: a notice, no change, no audit row.
    edge = client.post(f"/staff/surveys/questions/{q2}/move/up", follow_redirects=True)
    assert "The question is already first." in edge.get_data(as_text=True)
    assert [q.id for q in current(app, world["draft"])] == [q2, q3, q1]
    assert client.post(f"/staff/surveys/questions/{q3}/delete").status_code == 303
    remaining = current(app, world["draft"])
    assert [(q.id, q.position) for q in remaining] == [(q2, 0), (q1, 1)]
    event = last_audit(app)
    assert (event.action, event.target_id) == ("question.delete", q3)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("question.move") == 2


def test_objective_implies_its_aspect(
    app: Flask, client: FlaskClient, world: Ids
) -> None:
    login(client, "admin@example.test")
    url = f"/staff/surveys/{world['empty']}/questions/new"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{world["first_response"]}">Acme SLA: First response' in page
    assert (
        client.post(url, data=question(objective=str(world["uptime"]))).status_code
        == 303
    )
    (tied,) = current(app, world["empty"])
    with app.app_context():
        availability = aspect("Availability").id
        communication = aspect("Communication").id
    assert (tied.objective_id, tied.aspect_id) == (world["uptime"], availability)
    editor = client.get(f"/staff/surveys/{world['empty']}/edit").get_data(as_text=True)
    assert "Corporate: Uptime" in editor
    # A different aspect contradicts the objective.
    clash = client.post(
        url, data=question(objective=str(world["uptime"]), aspect=str(communication))
    )
    assert clash.status_code == 200
    assert "The objective is about Availability" in clash.get_data(as_text=True)
    # An aspect alone.
    plain = question(aspect=str(communication), prompt="Updates?")
    assert client.post(url, data=plain).status_code == 303
    second = current(app, world["empty"])[1]
    assert (second.aspect_id, second.objective_id) == (communication, None)


def test_manager_cannot_attach_another_customers_objective(
    app: Flask, client: FlaskClient, world: Ids
) -> None:
    login(client, "manager@example.test")
    url = f"/staff/surveys/{world['empty']}/questions/new"
    page = client.get(url).get_data(as_text=True)
    assert "Globex SLA: Restore" not in page
    assert "Acme SLA: First response" in page
    refused = client.post(url, data=question(objective=str(world["restore"])))
    assert refused.status_code == 200
    assert "Not a valid choice" in refused.get_data(as_text=True)
    assert current(app, world["empty"]) == []
    # Positive control: their own customer's objective.
    own = question(objective=str(world["first_response"]))
    assert client.post(url, data=own).status_code == 303
    (tied,) = current(app, world["empty"])
    assert tied.objective_id == world["first_response"]


@pytest.fixture
def answered(app: Flask) -> dict[str, Any]:
    """An open survey with two questions and a response to version 1."""
    with app.app_context():
        s = make_survey("Pulse", kinds=("csat", "text"), status="open")
        response = make_survey_response(s.current)
        db.session.commit()
        return {
            "survey": s.id,
            "v1": s.current.id,
            "q": [q.id for q in s.current.questions],
            "response": response.id,
        }


def test_editing_an_open_survey_creates_a_version(
    app: Flask, client: FlaskClient, world: Ids, answered: dict[str, Any]
) -> None:
    login(client, "admin@example.test")
    q1 = answered["q"][0]
    result = client.post(
        f"/staff/surveys/questions/{q1}/edit",
        data=question("csat", prompt="Changed?"),
        follow_redirects=True,
    )
    page = result.get_data(as_text=True)
    assert "Version 2 created; responses keep the version they answered." in page
    assert versions(app, answered["survey"]) == {
        1: ["Question 1 (csat)", "Question 2 (text)"],
        2: ["Changed?", "Question 2 (text)"],
    }
    new_ids = [q.id for q in current(app, answered["survey"])]
    assert not set(new_ids) & set(answered["q"])
    with app.app_context():
        response = db.session.get(Response, answered["response"])
        assert response is not None
        assert response.version_id == answered["v1"]
        assert [q.id for q in response.version.questions] == answered["q"]
    event = last_audit(app)
    assert (event.action, event.target_id) == ("question.update", new_ids[0])
    assert event.details["new_version"] is True
    # The old question id now answers with a notice, never a change to version 1.
    stale = client.post(f"/staff/surveys/questions/{q1}/delete", follow_redirects=True)
    assert "belongs to version 1, which is frozen" in stale.get_data(as_text=True)
    assert len(versions(app, answered["survey"])) == 2


@pytest.mark.parametrize("change", ["add", "delete", "move"])
def test_every_change_to_a_closed_survey_makes_a_version(
    app: Flask, client: FlaskClient, world: Ids, answered: dict[str, Any], change: str
) -> None:
    with app.app_context():
        s = db.session.get(Survey, answered["survey"])
        assert s is not None
        s.close()
        db.session.commit()
    login(client, "manager@example.test")
    q1, q2 = answered["q"]
    url, data = {
        "add": (f"/staff/surveys/{answered['survey']}/questions/new", question()),
        "delete": (f"/staff/surveys/questions/{q1}/delete", {}),
        "move": (f"/staff/surveys/questions/{q2}/move/up", {}),
    }[change]
    assert client.post(url, data=data).status_code == 303
    expected = {
        "add": ["Question 1 (csat)", "Question 2 (text)", "How satisfied are you?"],
        "delete": ["Question 2 (text)"],
        "move": ["Question 2 (text)", "Question 1 (csat)"],
    }[change]
    assert versions(app, answered["survey"]) == {
        1: ["Question 1 (csat)", "Question 2 (text)"],
        2: expected,
    }


def test_service_copy_on_write_keeps_the_answered_version(
    app: Flask, answered: dict[str, Any]
) -> None:
    with app.app_context():
        s = db.session.get(Survey, answered["survey"])
        assert s is not None
        edit = service.delete_question(s.current.questions[1])
        assert edit.new_version is not None
        assert edit.new_version.number == 2
        again = service.add_question(
            s,
            service.QuestionData(
                kind=QuestionKind.SINGLE,
                prompt="Channel?",
                help_text="",
                required=True,
                options=["Mail", "Phone"],
                aspect=None,
                objective=None,
            ),
        )
        assert again.new_version is not None
        assert again.new_version.number == 3
        db.session.commit()
        numbers = db.session.scalars(
            select(SurveyVersion.number).where(SurveyVersion.survey_id == s.id)
        ).all()
        assert sorted(numbers) == [1, 2, 3]
        response = db.session.get(Response, answered["response"])
        assert response is not None
        assert [q.prompt for q in response.version.questions] == [
            "Question 1 (csat)",
            "Question 2 (text)",
        ]
        assert [q.prompt for q in s.current.questions] == [
            "Question 1 (csat)",
            "Channel?",
        ]
