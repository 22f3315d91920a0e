"""Staff results pages: survey list counts, per-survey figures, responses, scoping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import event, select

from engage.analysis import engine
from engage.extensions import db
from engage.models import Feedback, Level, Role
from tests.factories import make_agreement, make_customer, signed_in
from tests.survey_factories import (
    answer_invitation,
    make_results_invitation,
    make_survey,
)

XSS = "<script>alert(1)</script>"
MULTILINE = "Slow.\n\n    Very slow and frustrating."


@dataclass
class Data:
    survey_id: int
    empty_survey_id: int
    customer_a: int
    customer_b: int
    sla_a: int
    sla_b: int
    response_a: int
    response_b: int
    response_a2: int


@pytest.fixture
def data(app: Flask) -> Data:
    """Customer A: 4 sent, 3 opened, 2 answered. B: 2 sent, 2 opened, 1 answered."""
    with app.app_context():
        a, b = make_customer("Alpha Ltd"), make_customer("Beta plc")
        corporate = make_agreement(Level.CORPORATE)
        sla_a = make_agreement(Level.CUSTOMER, "Alpha SLA", corporate, a)
        sla_b = make_agreement(Level.CUSTOMER, "Beta SLA", corporate, b)
        survey = make_survey("Pulse", ("csat", "happiness", "text"), "open")
        empty = make_survey("Unused", ("csat",), "draft")
        inv_a = [make_results_invitation(survey, sla_a, opened=i < 3) for i in range(4)]
        inv_b = [make_results_invitation(survey, sla_b, opened=True) for _ in range(2)]
        make_results_invitation(survey, sla_b, sent=False)  # not sent: not counted
        r_a = answer_invitation(inv_a[0], {"csat": 5, "happiness": 10, "text": XSS})
        r_a2 = answer_invitation(
            inv_a[1], {"csat": 2, "happiness": 3, "text": MULTILINE}
        )
        r_b = answer_invitation(inv_b[0], {"csat": 4, "happiness": 9})
        db.session.commit()
        return Data(
            survey.id, empty.id, a.id, b.id, sla_a.id, sla_b.id, r_a.id, r_b.id, r_a2.id
        )


def test_index_counts_and_rates(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    page = client.get("/staff/surveys/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html[html.index(">Pulse<") :].split("</tr>")[0]
    # sent 6, opened 5 (83 %), answered 3 (50 %); the unsent invitation is not counted.
    assert '<td data-label="Sent" class="num">6</td>' in row
    assert ">5 <span class" in row
    assert "(83 %)" in row
    assert ">3 <span class" in row
    assert "(50 %)" in row
    unused = html[html.index(">Unused<") :].split("</tr>")[0]
    assert '<td data-label="Sent" class="num">0</td>' in unused
    assert "(–)" in unused
    assert f"/staff/surveys/{data.survey_id}/results" in html


def test_index_counts_only_the_managers_customers(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[data.customer_a])
    html = client.get("/staff/surveys/").get_data(as_text=True)
    row = html[html.index(">Pulse<") :].split("</tr>")[0]
    assert '<td data-label="Sent" class="num">4</td>' in row
    assert ">3 <span class" in row
    assert "(75 %)" in row
    assert ">2 <span class" in row
    assert "(50 %)" in row


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_index_query_count_does_not_grow_with_surveys(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    with count_queries(app) as before:
        assert client.get("/staff/surveys/").status_code == 200
    with app.app_context():
        for _ in range(5):
            survey = make_survey(kinds=("csat",), status="open")
            make_results_invitation(survey, make_agreement(Level.CUSTOMER))
        db.session.commit()
    with count_queries(app) as after:
        html = client.get("/staff/surveys/").get_data(as_text=True)
    assert html.count('data-label="Sent" class="num">1<') == 5
    assert len(after) == len(before)


def test_results_figures_and_too_few(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.VIEWER)
    html = client.get(f"/staff/surveys/{data.survey_id}/results").get_data(as_text=True)
    # 3 answers per figure: below the minimum of 5.
    assert html.count("Too few responses") == 5
    assert html.count("n = 3") == 2  # CSAT and NPS
    assert html.count("n = 2") == 1  # two comments
    assert html.count("n = 0") == 2  # no CES or lost-time question
    assert "3 responses" in html


def test_results_with_enough_answers_show_value_and_interval(app: Flask) -> None:
    with app.app_context():
        agreement = make_agreement(Level.CUSTOMER)
        survey = make_survey("Five", ("csat",), "open")
        for score in (5, 4, 3, 2, 1):
            answer_invitation(
                make_results_invitation(survey, agreement), {"csat": score}
            )
        db.session.commit()
        survey_id = survey.id
    client, _ = signed_in(app, Role.ADMIN)
    html = client.get(f"/staff/surveys/{survey_id}/results").get_data(as_text=True)
    # CSAT 2/5 = 40 %, Wilson 95 % interval 11.8 % to 76.9 %.
    assert '<p class="stat">40 %</p>' in html
    assert "95 % CI 12 to 77 %" in html
    assert "n = 5" in html


def test_agreement_filter_narrows_results(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    url = f"/staff/surveys/{data.survey_id}/results?agreement={data.sla_b}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1 response." in html
    assert "Beta plc" in html.split("Responses")[-1]
    assert "Alpha Ltd" not in html.split("Responses")[-1]


@pytest.mark.parametrize(
    "payload",
    [
        "created_at desc;--",
        "(select 1)",
        "1 OR 1=1",
        "' OR 1=1--",
        "2024-01-01' --",
        "sla_id,(select 1)",
        "1;--",
        "-1",
        "999999",
        "١",
        "0x1",
        "0",
    ],
)
def test_bad_agreement_filter_is_400(app: Flask, data: Data, payload: str) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    url = f"/staff/surveys/{data.survey_id}/results"
    assert client.get(url, query_string={"agreement": payload}).status_code == 400
    if payload != "999999":  # a page past the end is an empty page, not an error
        assert client.get(url, query_string={"page": payload}).status_code == 400


def test_manager_cannot_filter_by_another_customers_agreement(
    app: Flask, data: Data
) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[data.customer_a])
    url = f"/staff/surveys/{data.survey_id}/results"
    assert client.get(f"{url}?agreement={data.sla_b}").status_code == 400
    own = client.get(f"{url}?agreement={data.sla_a}")
    assert own.status_code == 200
    assert "2 responses" in own.get_data(as_text=True)
    # Without a filter a manager still sees only their customers' responses.
    html = client.get(url).get_data(as_text=True)
    assert "2 responses" in html
    assert "Beta plc" not in html


def test_free_text_is_escaped_in_list_and_detail(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    listing = client.get(f"/staff/surveys/{data.survey_id}/results")
    detail = client.get(f"/staff/surveys/responses/{data.response_a}")
    for page in (listing, detail):
        html = page.get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert XSS not in html


def test_response_detail_shows_every_answer(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.VIEWER)
    html = client.get(f"/staff/surveys/responses/{data.response_a}").get_data(
        as_text=True
    )
    assert "Alpha SLA" in html
    assert "Alpha Ltd" in html
    assert "5 <span" in html
    assert "10 <span" in html
    assert "Sentiment:" in html
    multiline = client.get(f"/staff/surveys/responses/{data.response_a2}").get_data(
        as_text=True
    )
    assert f'<blockquote class="answer-text">{MULTILINE}</blockquote>' in multiline
    assert "Sentiment: negative" in multiline


def test_manager_gets_404_outside_their_customers(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[data.customer_a])
    assert client.get(f"/staff/surveys/responses/{data.response_b}").status_code == 404
    # Positive control: the same manager reads their own customer's response.
    assert client.get(f"/staff/surveys/responses/{data.response_a}").status_code == 200
    viewer, _ = signed_in(app, Role.VIEWER)
    assert viewer.get(f"/staff/surveys/responses/{data.response_b}").status_code == 200


def test_unknown_survey_and_response_are_404(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    assert client.get("/staff/surveys/99999/results").status_code == 404
    assert client.get("/staff/surveys/responses/99999").status_code == 404


def test_pages_need_login(client: object, data: Data) -> None:
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    for url in ("/staff/surveys/", f"/staff/surveys/{data.survey_id}/results"):
        assert client.get(url).status_code in (302, 303)


def test_response_detail_explains_the_comment_score(app: Flask, data: Data) -> None:
    """Each sentence with its score and the words and rules that drove it."""
    client, _ = signed_in(app, Role.VIEWER)
    with app.app_context():
        stored = db.session.scalar(
            select(Feedback.scorer_version).where(Feedback.text == MULTILINE)
        )
    assert stored == engine.ENGINE_VERSION
    html = client.get(f"/staff/surveys/responses/{data.response_a2}").get_data(
        as_text=True
    )
    assert "Why this score" in html
    explained = engine.score_text(MULTILINE)
    assert len(explained.sentences) == 2
    for sentence in explained.sentences:
        assert f"{sentence.compound:+.2f}</span> {sentence.text.strip()}" in html
        for label, _ in sentence.drivers:
            assert f'<span class="driver-label">{label}</span>' in html
    assert any(s.drivers for s in explained.sentences)
    assert "Stored by an earlier scorer" not in html
