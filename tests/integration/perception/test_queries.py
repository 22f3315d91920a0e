"""Perception read from rollups: series, subtrees and the portfolio's verdicts."""

from __future__ import annotations

import math
from datetime import date

import pytest
from flask import Flask

from engage.analysis.trends import Period
from engage.analysis.watermelon import Alignment
from engage.extensions import db
from engage.models import Agreement, FeedbackKind, Level, Role
from engage.perception import queries, timeline
from engage.perception.portfolio import portfolio
from tests.factories import make_agreement, make_customer, make_user
from tests.feedback_factories import make_score_feedback
from tests.integration.perception.conftest import END, MONTHS, Ids, at, comments


def test_series_matches_hand_computed_figures(app: Flask) -> None:
    with app.app_context():
        sla = make_agreement(Level.CUSTOMER, "Hand SLA")
        jan, mar = date(2026, 1, 1), date(2026, 3, 1)
        comments(sla, jan, 0.5, -0.5, 0.2, 0.1, 0.7)
        comments(sla, mar, -0.3)
        for score in (10, 9, 3):
            make_score_feedback(FeedbackKind.HAPPINESS, score, sla, received_at=at(jan))
        for score in (5, 4, 2, 1):
            make_score_feedback(FeedbackKind.CSAT, score, sla, received_at=at(jan))
        points = timeline.series([sla.id], jan, date(2026, 3, 31), Period.MONTH)

    assert [p.start for p in points] == [jan, date(2026, 2, 1), mar]
    january = points[0]
    assert january.n == 5
    assert january.sentiment.value == pytest.approx(0.2)
    # t interval by hand: squared deviations .09 + .49 + 0 + .01 + .25 = .84, t(4) = 2.776
    half = 2.776 * math.sqrt(0.84 / 4) / math.sqrt(5)
    assert january.sentiment.low == pytest.approx(0.2 - half)
    assert january.sentiment.high == pytest.approx(0.2 + half)
    assert january.happiness.value == pytest.approx(100 * (2 - 1) / 3)
    assert january.csat.value == pytest.approx(0.5)
    assert january.sentiment.enough
    assert points[1].n == 0
    assert points[1].sentiment.value is None
    # One comment is "too few responses": a value, but not enough to draw.
    assert points[2].sentiment.value == pytest.approx(-0.3)
    assert not points[2].sentiment.enough


def test_subtree_sums_its_children_once(app: Flask, tree: Ids) -> None:
    with app.app_context():
        corporate = db.session.get(Agreement, tree["corporate"])
        assert corporate is not None
        ids = queries.subtree_ids(corporate)
        agreements = ("corporate", "acme_sla", "hosting", "desk", "globex_sla")
        assert ids == sorted(tree[k] for k in (*agreements, "globex_hosting"))
        start, end = MONTHS[0], date(2026, 6, 30)
        whole = queries.period_sums(ids, start, end)
        parts = [queries.period_sums([i], start, end) for i in ids]

    assert whole.text_n == sum(p.text_n for p in parts) == 18 + 2 + 1 + 12
    assert whole.text_sum == pytest.approx(sum(p.text_sum for p in parts))
    assert whole.text_sum == pytest.approx(-9 + 0.5 + 0.1 + 6.6)


def test_subtree_keeps_to_what_the_reader_may_see(app: Flask, tree: Ids) -> None:
    with app.app_context():
        corporate = db.session.get(Agreement, tree["corporate"])
        assert corporate is not None
        allowed = {tree["corporate"], tree["acme_sla"], tree["hosting"], tree["desk"]}
        ids = queries.subtree_ids(corporate, allowed)
    assert ids == sorted(allowed)


def test_portfolio_flags_watermelon_reverse_and_too_few(app: Flask, tree: Ids) -> None:
    with app.app_context():
        admin = make_user(Role.ADMIN)
        rows = {r.agreement.name: r.verdict for r in portfolio(admin, 6, end=END).rows}

    hosting = rows["Acme / Hosting"]
    assert hosting.alignment is Alignment.WATERMELON
    assert (hosting.compliance.met, hosting.compliance.measured) == (6, 6)
    assert hosting.perception.value == pytest.approx(-0.5)
    assert hosting.perception.n == 18
    assert "Targets met in 6 of 6" in hosting.why

    reverse = rows["Globex / Hosting"]
    assert reverse.alignment is Alignment.REVERSE
    assert (reverse.compliance.met, reverse.compliance.measured) == (3, 6)
    assert reverse.perception.value == pytest.approx(0.55)

    desk = rows["Acme / Desk"]
    assert desk.alignment is Alignment.UNKNOWN
    assert desk.perception.n == 2
    assert "too few responses" in desk.why

    # The customer SLA counts its services' feedback too, once.
    assert rows["Acme SLA"].perception.n == 21
    assert rows["Acme SLA"].perception.value == pytest.approx(-8.4 / 21)


def test_portfolio_filters_by_customer_and_level(app: Flask, tree: Ids) -> None:
    with app.app_context():
        admin = make_user(Role.ADMIN)
        acme = portfolio(admin, 6, customer_id=tree["acme"], end=END)
        services = portfolio(admin, 3, level=Level.SERVICE, end=END)
        other = make_customer("Initech")
        nothing = portfolio(admin, 6, customer_id=other.id, end=END)

    assert {r.agreement.name for r in acme.rows} == {
        "Acme SLA",
        "Acme / Hosting",
        "Acme / Desk",
    }
    assert len(services.months) == 3
    assert {r.agreement.level for r in services.rows} == {Level.SERVICE}
    assert nothing.rows == []
