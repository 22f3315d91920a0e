"""The SLA page tells why: clauses, themes, unmet needs, quotes, sessions, actions."""

from __future__ import annotations

from datetime import date

from flask import Flask

from engage.extensions import db
from engage.models import ActionStatus, Agreement, Customer, Feedback, Role
from engage.sla.versions import publish
from tests.factories import signed_in
from tests.integration.perception.conftest import Ids
from tests.integration.perception.test_evidence import OUTAGE, story  # noqa: F401
from tests.session_factories import add_item, add_session


def test_sla_page_shows_clauses_themes_quotes_and_follow_up(
    app: Flask,
    story: Ids,  # noqa: F811
) -> None:
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        acme = db.session.get_one(Customer, story["acme"])
        add_session(
            acme,
            None,
            title="Outage review call",
            held_on=date(2026, 6, 25),
            agreements=[hosting],
        )
        add_item(
            acme,
            None,
            date(2026, 7, 10),
            title="Send the outage root cause",
            agreement_id=hosting.id,
        )
        add_item(
            acme,
            None,
            date(2026, 5, 1),
            title="An item already done",
            status=ActionStatus.DONE,
            agreement_id=hosting.id,
        )
        hosting.start_review()
        publish(hosting, on=date(2026, 4, 1), note="Tighter availability", by=None)
        outage_id = db.session.scalar(
            db.select(Feedback.id).where(Feedback.text == OUTAGE).limit(1)
        )
        db.session.commit()
    client, _ = signed_in(app, Role.ADMIN)
    response = client.get(f"/staff/agreements/{story['hosting']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    clauses = html[html.index("Clauses: contract against feeling") :]
    clauses = clauses[: clauses.index("</table>")]
    assert "badge-align-watermelon" in clauses  # the availability clause
    assert "Target met in 6 of 6 measured months" in clauses
    themes = html[html.index("Themes and unmet needs") :]
    themes = themes[: themes.index("</table>")]
    assert "“outage lasted”" in themes
    billing = themes[themes.index("“billing errors”") :]
    assert "Unmet need" in billing[: billing.index("</tr>")]
    assert "/staff/feedback/" in html
    assert outage_id is not None
    assert "Outage review call" in html
    assert "Send the outage root cause" in html
    assert "An item already done" not in html  # open items only
    assert "Before and after each renegotiation" in html
    assert "Welch's t-test on per-comment sentiment" in html
    effects = html[html.index("Before and after each renegotiation") :]
    assert ">v2 <" in effects[: effects.index("</table>")]


def test_sla_page_without_feedback_says_so(app: Flask, tree: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    html = client.get(f"/staff/agreements/{tree['desk']}").get_data(as_text=True)
    assert "Clauses: contract against feeling" in html
    assert "No phrase recurs in 3 or more comments" in html
    assert "No listening session discussed this SLA." in html
