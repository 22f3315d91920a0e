"""build_evidence: per-clause watermelons, themes, unmet needs, quotes, rollups, effect."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from flask import Flask

from engage.extensions import db
from engage.models import Agreement, Customer, Direction, Role, User
from engage.perception import timeline
from engage.perception.evidence import build_evidence
from engage.perception.texts import recent_texts
from engage.sla.versions import publish
from tests.factories import make_measurement, make_objective, make_user
from tests.feedback_factories import make_text_feedback
from tests.integration.perception.conftest import END, MONTHS, Ids, at

OUTAGE = "The outage lasted all day and nobody called."
BILLING = "Billing errors on every invoice again."
PRAISE = "Friendly engineers who fixed it fast, thank you."


def add_story(hosting: Agreement) -> None:
    """Two outage comments a month for 3 months (Availability: covered by a clause),
    3 billing complaints (Cost: no clause) and 3 compliments."""
    for month in MONTHS[-3:]:
        for day in (20, 21):
            make_text_feedback(
                OUTAGE, hosting, received_at=at(month, day), compound=-0.7
            )
    for day in (22, 23, 24):
        make_text_feedback(BILLING, hosting, received_at=at(END, day), compound=-0.5)
        make_text_feedback(PRAISE, hosting, received_at=at(END, day), compound=0.8)


@pytest.fixture
def story(app: Flask, tree: Ids) -> Ids:
    with app.app_context():
        add_story(db.session.get_one(Agreement, tree["hosting"]))
        # A corporate clause measured over the same months, so the corporate and
        # customer pages judge the same period as the service page.
        corporate = db.session.get_one(Agreement, tree["corporate"])
        notify = make_objective(
            corporate,
            "Incident notification",
            24,
            Direction.AT_MOST,
            "hours",
            aspect_name="Security",
        )
        for month in MONTHS:
            make_measurement(corporate, notify, month, 12)
        db.session.commit()
    return tree


def evidence(agreement_id: int, user: User | None = None) -> dict[str, Any]:
    agreement = db.session.get(Agreement, agreement_id)
    assert agreement is not None
    result = build_evidence(agreement, user, months=6)
    json.dumps(result)  # frozen into a version as JSON
    return result


def test_service_sla_evidence_tells_why(app: Flask, story: Ids) -> None:
    with app.app_context():
        found = evidence(story["hosting"])
    assert found["alignment"] == "watermelon"
    assert found["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert found["compliance"] == {"met": 6, "measured": 6}
    # 18 comments "comment i" + 6 outage + 3 billing + 3 praise = 30.
    assert found["perception"]["n"] == 30
    clause, notify = found["objectives"]
    # Inherited from the corporate SLA: met, but nobody talks about security.
    assert notify["aspect"] == "Security"
    assert notify["alignment"] == "unknown"
    assert notify["impact"] == 0
    assert clause["aspect"] == "Availability"
    assert clause["alignment"] == "watermelon"  # met 6 of 6, feeling -0.70
    assert clause["n"] == 6
    assert clause["perception"] == pytest.approx(-0.7)
    # Impact = 6 comments x (0 - (-0.7)) + no breach = 4.2.
    assert clause["impact"] == pytest.approx(4.2)
    assert "met in 6 of 6" in clause["why"]
    themes = {t["phrase"]: t for t in found["themes"]}
    outage = themes["outage lasted"]
    assert outage["n"] == 6
    assert outage["sentiment"] == pytest.approx(-0.7)
    assert outage["aspects"] == ["Availability"]
    assert outage["unmet"] is False  # a clause covers availability
    billing = themes["billing errors"]
    assert billing["aspects"] == ["Cost"]
    assert billing["unmet"] is True
    unmet = [t["phrase"] for t in found["unmet_needs"]]
    assert "billing errors" in unmet
    assert "outage lasted" not in unmet
    quotes = found["quotes"]
    # Most negative first; six identical outage comments are quoted once; of equal
    # scores (-0.5) the newest wins.
    negative = [q["text"] for q in quotes["negative"]]
    assert negative == [OUTAGE, "comment 0", BILLING]
    assert quotes["positive"][0]["text"] == PRAISE
    assert quotes["positive"][0]["date"] == "2026-06-24"  # newest of equals


def test_corporate_rolls_up_each_comment_once(app: Flask, story: Ids) -> None:
    with app.app_context():
        corporate = evidence(story["corporate"])
    themes = {t["phrase"]: t for t in corporate["themes"]}
    assert themes["outage lasted"]["n"] == 6
    # The service SLA's availability clause covers it below: not an unmet need.
    assert themes["outage lasted"]["unmet"] is False
    assert corporate["subtree"] == 6
    assert corporate["texts_read"] == 30 + 12 + 2 + 1  # hosting, globex, desk, acme
    # Objectives roll up too: the corporate clause is judged on the whole subtree.
    (notify,) = corporate["objectives"]
    assert notify["met"] == 6


def test_a_manager_sees_only_their_customers_texts(app: Flask, story: Ids) -> None:
    with app.app_context():
        globex = db.session.get_one(Customer, story["globex"])
        manager = make_user(Role.MANAGER, customers=[globex])
        found = evidence(story["corporate"], manager)
    phrases = {t["phrase"] for t in found["themes"]}
    assert "outage lasted" not in phrases
    assert found["texts_read"] == 12  # Globex's two comments a month


def test_texts_are_read_from_the_latest_days_only(app: Flask, story: Ids) -> None:
    with app.app_context():
        rows = recent_texts([story["hosting"]], MONTHS[0], date(2026, 6, 30), limit=4)
    # Bounded by the limit, newest first, and the days before the cut never read.
    assert len(rows) == 4
    dates = [quote.received_at for quote, _ in rows]
    assert dates == sorted(dates, reverse=True)
    assert all(d.date() >= date(2026, 6, 23) for d in dates)
    with app.app_context():
        # The same cut found from the page's monthly series (then June's days only).
        ids = [story["hosting"]]
        months = timeline.series(ids, MONTHS[0], date(2026, 6, 30))
        again = recent_texts(ids, MONTHS[0], date(2026, 6, 30), 4, months)
        assert [q.feedback_id for q, _ in again] == [q.feedback_id for q, _ in rows]
        # More than June holds: the cut falls back into May's days.
        wider = recent_texts(ids, MONTHS[0], date(2026, 6, 30), 14, months)
        assert len(wider) == 14
        # June holds 11 (3 + 2 outage + 3 billing + 3 praise); May adds 21, 20 and 4.
        assert min(q.received_at for q, _ in wider).date() == date(2026, 5, 4)


def test_before_and_after_a_renegotiation(app: Flask, story: Ids) -> None:
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        hosting.start_review()
        publish(hosting, on=date(2026, 4, 1), note="Tighter availability", by=None)
        db.session.flush()
        found = evidence(story["hosting"])
    (effect,) = found["effects"]
    assert effect["version"] == "v2"
    assert effect["test"] == "Welch's t-test on per-comment sentiment"
    # Before: Jan-Mar, 9 comments at -0.6/-0.4/-0.5 (mean -0.5); after: the rest.
    assert effect["before"]["n"] == 9
    assert effect["before"]["value"] == pytest.approx(-0.5)
    assert effect["p"] is not None
    assert effect["low"] < effect["diff"] < effect["high"]
