"""The respondent's page: links, storing once, scoring on arrival (SECURITY.md 1, 6-8, 11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from engage.analysis.engine import ENGINE_VERSION
from engage.extensions import db
from engage.models import (
    Answer,
    Feedback,
    FeedbackKind,
    Invitation,
    Response,
    Survey,
    SurveyStatus,
)
from tests.integration.surveys.respond_helpers import counts, make_link
from tests.survey_factories import make_respondent_link, make_respondent_survey


def test_get_shows_the_survey_and_records_the_first_opening(
    app: Flask, client: FlaskClient
) -> None:
    link = make_link(app, title="Quarterly check-in", intro="Two minutes, promised.")
    page = client.get(link.url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Quarterly check-in" in html
    assert "Two minutes, promised." in html
    assert html.count("<h1") == 1
    assert '<html lang="en">' in html
    assert "2 of 7 questions are required" in html
    assert "Very dissatisfied" in html
    assert "Extremely likely" in html
    with app.app_context():
        opened = db.session.get(Invitation, link.invitation_id).opened_at
    assert opened is not None
    client.get(link.url)
    with app.app_context():
        assert db.session.get(Invitation, link.invitation_id).opened_at == opened


def test_neutral_page_is_identical_for_every_unusable_link(
    app: Flask, client: FlaskClient
) -> None:
    """SECURITY.md 6 [ASVS 11.5.1, 2.4.1; LimeSurvey #15239]: nothing tells them apart."""
    with app.app_context():
        expired_survey = make_respondent_survey(title="Secret expired survey")
        _, expired = make_respondent_link(
            expired_survey, expires_at=datetime.now(UTC) - timedelta(minutes=1)
        )
        closed_survey = make_respondent_survey(
            title="Secret closed survey", status=SurveyStatus.CLOSED
        )
        _, closed = make_respondent_link(closed_survey)
        draft_survey = make_respondent_survey(
            title="Secret draft", status=SurveyStatus.DRAFT
        )
        _, draft = make_respondent_link(draft_survey)
        db.session.commit()
    unknown = "A" * 43
    bodies = set()
    for token in (unknown, expired, closed, draft, "short", "x" * 44, "%00" * 5):
        for method in ("get", "post"):
            page = getattr(client, method)(f"/s/{token}")
            assert page.status_code == 404, (token, method)
            bodies.add(page.get_data())
    thanks = client.get(f"/s/{unknown}/thanks")
    assert thanks.status_code == 404
    bodies.add(thanks.get_data())
    assert len(bodies) == 1
    body = bodies.pop().decode()
    assert "This link is not valid any more" in body
    assert "Secret" not in body
    # positive control: a valid link works
    link = make_link(app)
    assert client.get(link.url).status_code == 200


def test_token_is_bound_to_its_invitation_and_survey(
    app: Flask, client: FlaskClient
) -> None:
    """SECURITY.md 7 [ASVS 8.2.2]: answering link A can only ever store on A."""
    a = make_link(app, title="Survey A")
    b = make_link(app, title="Survey B")
    # B's questions posted through A's link, claiming B's version: stored on A only.
    posted = b.answers()
    posted.update(a.answers())
    posted["version_id"] = str(b.version_id)
    assert client.post(a.url, data=posted).status_code == 303
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.invitation_id == a.invitation_id
        assert response.version_id == a.version_id
        assert {x.question_id for x in response.answers} <= set(a.q.values())
    # positive control: B's own link still opens B
    page = client.get(b.url)
    assert page.status_code == 200
    assert "Survey B" in page.get_data(as_text=True)
    assert client.get(f"/s/{a.token}/thanks").status_code == 200
    assert client.get(f"/s/{b.token}/thanks").status_code == 404


def test_guessing_links_is_rate_limited_per_ip(app: Flask, client: FlaskClient) -> None:
    """SECURITY.md 6 and L10: 429 after the limit; another IP is unaffected."""
    app.config["SURVEY_LINK_GUESS_LIMIT"] = "5 per minute"
    link = make_link(app)
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    for n in range(5):
        page = client.get(f"/s/{'B' * 42}{n}", environ_base=guesser)
        assert page.status_code == 404
    blocked = client.get(f"/s/{'C' * 43}", environ_base=guesser)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert "Customer feedback" in blocked.get_data(as_text=True)  # no staff layout
    respondent = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get(link.url, environ_base=respondent).status_code == 200
    for _ in range(8):  # valid links are not counted as guesses
        assert client.get(link.url, environ_base=respondent).status_code == 200


def test_submission_is_stored_with_answers_and_scored_feedback(
    app: Flask, client: FlaskClient
) -> None:
    """DESIGN.md 4: response, answers and feedback rows in one transaction."""
    link = make_link(app, thank_you="Thanks, Pat!")
    page = client.post(link.url, data=link.answers())
    assert page.status_code == 303
    assert page.headers["Location"].endswith(f"/s/{link.token}/thanks")
    thanks = client.get(page.headers["Location"])
    assert thanks.status_code == 200
    assert "Thanks, Pat!" in thanks.get_data(as_text=True)
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.version_id == link.version_id
        by_q = {a.question_id: a for a in response.answers}
        assert by_q[link.q["csat"]].number == 4
        assert by_q[link.q["happiness"]].number == 9
        assert by_q[link.q["ces"]].number == 6
        assert by_q[link.q["lost_time"]].number == 1.5
        assert by_q[link.q["single"]].choices == ["Email"]
        assert by_q[link.q["multiple"]].choices == ["Speed", "Knowledge"]
        assert by_q[link.q["text"]].text == "The engineer was great, thank you!"
        feedback = {f.kind: f for f in db.session.scalars(select(Feedback))}
        assert set(feedback) == {
            FeedbackKind.CSAT,
            FeedbackKind.HAPPINESS,
            FeedbackKind.CES,
            FeedbackKind.LOST_TIME,
            FeedbackKind.TEXT,
        }
        text = feedback[FeedbackKind.TEXT]
        assert text.compound is not None
        assert text.compound > 0.3
        assert text.scorer_version == ENGINE_VERSION
        assert feedback[FeedbackKind.CSAT].score == 4
        assert feedback[FeedbackKind.LOST_TIME].score == 1.5
        invitation = db.session.get(Invitation, link.invitation_id)
        assert invitation.responded_at is not None


def _snapshot(app: Flask) -> list[tuple[object, ...]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                Answer.id,
                Answer.question_id,
                Answer.number,
                Answer.choices,
                Answer.text,
            ).order_by(Answer.id)
        ).all()
        submitted = db.session.scalars(select(Response.submitted_at)).all()
        return [tuple(r) for r in rows] + [tuple(submitted)]


def test_second_submission_shows_thanks_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    """SECURITY.md 8 [ASVS 2.3.4; Formbricks PR #5780]."""
    link = make_link(app)
    assert client.post(link.url, data=link.answers()).status_code == 303
    before, stored = _snapshot(app), counts(app)
    again = client.post(
        link.url, data=link.answers(csat="1", text="Actually, terrible.")
    )
    assert again.status_code == 303
    assert again.headers["Location"].endswith("/thanks")
    assert client.get(link.url).status_code == 303
    assert _snapshot(app) == before
    assert counts(app) == stored == (1, 7, 5)


def test_mass_assignment_fields_are_ignored(app: Flask, client: FlaskClient) -> None:
    """SECURITY.md 11 [ASVS 15.3.3; Formbricks PR #8681, CTFd 3.7.5]."""
    link = make_link(app)
    other = make_link(app)
    data = link.answers()
    data.update(
        survey_id=str(other.survey_id),
        invitation_id=str(other.invitation_id),
        customer_email="evil@example.test",
        created_at="2001-01-01",
        submitted_at="2001-01-01",
        sentiment="1.0",
        compound="1.0",
        is_finished="1",
        sla_id="999",
        staff_note="hi",
        verified="1",
    )
    assert client.post(link.url, data=data).status_code == 303
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.invitation_id == link.invitation_id
        assert response.submitted_at.year >= 2025
        text = db.session.scalars(
            select(Feedback).where(Feedback.kind == FeedbackKind.TEXT)
        ).one()
        assert text.compound != 1.0
        assert db.session.get(Invitation, other.invitation_id).responded_at is None


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "{{ 7*7 }} {% raw %}",
        "😀 مرحبا e\u0301 𝄞",
    ],
)
def test_free_text_is_stored_and_shown_literally(
    app: Flask, client: FlaskClient, payload: str
) -> None:
    """SECURITY.md 1 and 15: stored unchanged, re-rendered as text, never markup."""
    link = make_link(app)
    # Re-rendered on a validation error (CSAT missing) ...
    page = client.post(link.url, data=link.answers(csat="", text=payload))
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert str(escape(payload)) in html
    # ... and stored byte for byte.
    assert client.post(link.url, data=link.answers(text=payload)).status_code == 303
    with app.app_context():
        assert (
            db.session.scalars(
                select(Answer.text).where(Answer.text.is_not(None))
            ).one()
            == payload
        )


def test_survey_closed_after_opening_refuses_the_post(
    app: Flask, client: FlaskClient
) -> None:
    link = make_link(app)
    assert client.get(link.url).status_code == 200
    with app.app_context():
        db.session.get(Survey, link.survey_id).close()
        db.session.commit()
    assert client.post(link.url, data=link.answers()).status_code == 404
    assert counts(app) == (0, 0, 0)
