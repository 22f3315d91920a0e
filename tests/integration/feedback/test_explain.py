"""The explanation page of one feedback item: source, score, sentences, drivers, aspects."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from engage.analysis import engine
from engage.analysis.aspects import match_aspects
from engage.extensions import db
from engage.feedback import load_keyword_map
from engage.models import (
    Feedback,
    FeedbackKind,
    FeedbackSource,
    Level,
    QuestionKind,
    Role,
)
from tests.factories import make_agreement, make_customer, make_objective, signed_in
from tests.feedback_factories import make_score_feedback, make_text_feedback
from tests.survey_factories import (
    answer_invitation,
    make_respondent_link,
    make_respondent_survey,
)

COMMENT = (
    "The engineer was great. But the outage lasted all day and the invoice is wrong."
)
XSS = "<script>alert(1)</script> & <b>bold</b>"


@dataclass
class Data:
    customer_id: int
    other_customer_id: int
    text_id: int
    xss_id: int
    csat_id: int
    survey_id: int
    answer_id: int
    response_id: int
    other_id: int


@pytest.fixture
def data(app: Flask) -> Data:
    with app.app_context():
        customer = make_customer("Alpha Ltd")
        agreement = make_agreement(Level.CUSTOMER, "Alpha SLA", customer=customer)
        make_objective(agreement, metric="Platform availability")
        text = make_text_feedback(COMMENT, agreement)
        xss = make_text_feedback(XSS, agreement)
        csat = make_score_feedback(FeedbackKind.CSAT, 4, agreement)
        survey = make_respondent_survey(
            [{"kind": QuestionKind.TEXT, "prompt": "What could we do better?"}],
            title="Quarterly pulse",
        )
        invitation, _ = make_respondent_link(survey, agreement)
        response = answer_invitation(invitation, {"text": "Support never answered."})
        answer = response.answers[0]
        from_survey = db.session.scalars(
            select(Feedback).where(Feedback.answer_id == answer.id)
        ).one()
        other = make_customer("Beta plc")
        other_row = make_text_feedback(
            "Beta's comment.", make_agreement(Level.CUSTOMER, customer=other)
        )
        db.session.commit()
        return Data(
            customer.id,
            other.id,
            text.id,
            xss.id,
            csat.id,
            from_survey.id,
            answer.id,
            response.id,
            other_row.id,
        )


def _html(app: Flask, url: str, role: Role = Role.VIEWER, **kw: list[int]) -> str:
    client, _ = signed_in(app, role, **kw)
    page = client.get(url)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_explains_sentences_drivers_and_aspects(app: Flask, data: Data) -> None:
    html = _html(app, f"/staff/feedback/{data.text_id}")
    scored = engine.score_text(COMMENT)
    assert len(scored.sentences) == 2
    assert (
        f'<blockquote class="answer-text feedback-text">{COMMENT}</blockquote>' in html
    )
    assert f"{scored.compound:+.2f}" in html
    with app.app_context():
        keyword_map = load_keyword_map()
        for sentence in scored.sentences:
            assert f"{sentence.compound:+.2f}</span> {sentence.text}" in html
            for label, value in sentence.drivers:
                assert f'<span class="driver-label">{label}</span>' in html
                assert f'<span class="score">{value:+.1f}</span>' in html
            for match in match_aspects(sentence.text, keyword_map):
                words = ", ".join(match.words)
                tag = f'{match.aspect} <span class="aspect-words">({words})</span>'
                assert tag in html
    # Per sentence: the first names staff, the second availability and cost.
    first, second = html.split('<ol class="sentences">')[1].split("</li>\n  \n  <li>")
    assert "Staff expertise" in first
    assert "Availability" not in first
    assert "Availability" in second
    assert "Cost" in second
    # The stored overall tags and the facts about the item.
    assert '<ul class="aspect-list">' in html
    assert "Alpha SLA" in html
    assert "Alpha Ltd" in html
    assert f'<code class="version">{engine.ENGINE_VERSION}</code>' in html
    assert "scored by an older version" not in html.lower()


def test_older_scorer_version_is_flagged(app: Flask, data: Data) -> None:
    with app.app_context():
        row = db.session.get(Feedback, data.text_id)
        assert row is not None
        row.scorer_version, row.compound = "engage-sentiment-0", 0.5
        db.session.commit()
    html = _html(app, f"/staff/feedback/{data.text_id}", Role.ADMIN)
    assert "Scored by an older version; rescore to update." in html
    assert '<code class="version">engage-sentiment-0</code>' in html
    assert "+0.50" in html  # the stored score is what the page reports as stored
    assert 'href="/staff/admin/aspects#rescore"' in html  # admins may rescore
    viewer = _html(app, f"/staff/feedback/{data.text_id}")
    assert 'href="/staff/admin/aspects#rescore"' not in viewer


def test_comment_is_shown_as_text_never_markup(app: Flask, data: Data) -> None:
    html = _html(app, f"/staff/feedback/{data.xss_id}")
    assert "<script>alert(1)</script>" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    listing = _html(app, "/staff/feedback")
    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_score_item_shows_its_score(app: Flask, data: Data) -> None:
    html = _html(app, f"/staff/feedback/{data.csat_id}")
    assert (
        '<span class="score-value">4 <span class="muted">on 1–5</span></span>' in html
    )
    assert "Satisfaction (CSAT)" in html
    assert "Why this score" not in html


def test_survey_item_links_to_its_response_and_back(app: Flask, data: Data) -> None:
    html = _html(app, f"/staff/feedback/{data.survey_id}")
    assert (
        f'<a href="/staff/surveys/responses/{data.response_id}">Quarterly pulse</a>'
        in html
    )
    assert "Question: What could we do better?" in html
    response_page = _html(app, f"/staff/surveys/responses/{data.response_id}")
    link = f"/staff/feedback/answers/{data.answer_id}"
    assert f'<a href="{link}">Full explanation' in response_page
    client, _ = signed_in(app, Role.VIEWER)
    redirect = client.get(link)
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == f"/staff/feedback/{data.survey_id}"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VIEWER])
def test_every_reading_role_sees_any_customer(
    app: Flask, data: Data, role: Role
) -> None:
    _html(app, f"/staff/feedback/{data.other_id}", role)


def test_manager_of_another_customer_gets_404(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[data.other_customer_id])
    assert client.get(f"/staff/feedback/{data.text_id}").status_code == 404
    assert client.get(f"/staff/feedback/answers/{data.answer_id}").status_code == 404
    # Positive control: their own customer's feedback.
    assert client.get(f"/staff/feedback/{data.other_id}").status_code == 200
    listing = client.get("/staff/feedback").get_data(as_text=True)
    assert f"/staff/feedback/{data.other_id}" in listing
    assert f"/staff/feedback/{data.text_id}" not in listing


def test_unknown_items_are_404(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    assert client.get("/staff/feedback/999999").status_code == 404
    assert client.get("/staff/feedback/answers/999999").status_code == 404


def test_pages_need_login(app: Flask, data: Data) -> None:
    client = app.test_client()
    for url in ("/staff/feedback", f"/staff/feedback/{data.text_id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/staff/login" in response.headers["Location"]


def test_session_statement_names_its_session(app: Flask) -> None:
    from datetime import date

    from engage.models import Channel, ListeningSession, StatementKind

    with app.app_context():
        customer = make_customer("Gamma")
        session = ListeningSession(
            customer=customer,
            title="QBR Q3",
            held_on=date(2026, 9, 1),
            channel=Channel.QBR,
        )
        db.session.add(session)
        db.session.flush()
        row = make_text_feedback(
            "Reports arrive late.",
            customer=customer,
            source=FeedbackSource.SESSION,
            session_id=session.id,
            statement_kind=StatementKind.NOTE,
        )
        db.session.commit()
        row_id, session_id = row.id, session.id
    html = _html(app, f"/staff/feedback/{row_id}")
    assert "Listening session" in html
    assert "QBR Q3" in html
    assert "2026-09-01" in html
    if "sessions.detail" in app.view_functions:  # the sessions area links back
        with app.test_request_context():
            url = url_for("sessions.detail", session_id=session_id)
        assert f'<a href="{url}">QBR Q3</a>' in html
