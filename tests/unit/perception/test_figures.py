"""Figures and verdicts from plain values: no app, no database."""

from __future__ import annotations

from datetime import date

import pytest

from engage.analysis.metrics import Estimate
from engage.analysis.trends import Direction, TrendTest
from engage.analysis.watermelon import Alignment
from engage.perception.figures import STYLE, portfolio_scatter, sla_trend
from engage.perception.portfolio import Compliance, Verdict
from engage.perception.queries import Point, Sums
from engage.perception.vendor import bundled_style_ids, plotly_css

NONE = Estimate(None, 0)


def _point(month: int, value: float | None, n: int) -> Point:
    sentiment = Estimate(value, n, None if value is None else value - 0.1, None)
    if value is not None and n >= 5:
        sentiment = Estimate(value, n, value - 0.1, value + 0.1)
    return Point(date(2026, month, 1), sentiment, NONE, NONE)


def test_too_few_responses_are_never_drawn_as_the_confident_line() -> None:
    points = [_point(1, 0.2, 8), _point(2, -0.4, 2), _point(3, None, 0)]
    figure = sla_trend(points, [100.0, 50.0, None], [("2026-02-01", "v2")])
    traces = {t.get("name"): t for t in figure["data"]}
    assert traces["Mean sentiment"]["y"] == [0.2, None, None]
    assert traces["Mean sentiment"]["customdata"] == [8, 2, 0]
    assert traces["Too few responses (n < 5)"]["y"] == [None, -0.4, None]
    assert traces["95 % interval"]["y"] == [pytest.approx(0.1), None, None]
    assert traces["Clauses met (%)"]["yaxis"] == "y2"
    assert figure["layout"]["shapes"][0]["x0"] == "2026-02-01"
    assert figure["layout"]["annotations"][0]["text"] == "v2"


def test_scatter_gives_each_alignment_its_own_shape_and_legend() -> None:
    rows = [
        {"alignment": a, "x": 90.0, "y": 0.1, "name": a.value, "n": 9, "url": "/x"}
        for a in (Alignment.WATERMELON, Alignment.REVERSE, Alignment.GREEN)
    ]
    figure = portfolio_scatter(rows)
    symbols = {t["name"]: t["marker"]["symbol"] for t in figure["data"]}
    assert symbols == {
        STYLE[Alignment.WATERMELON][2]: "diamond",
        STYLE[Alignment.REVERSE][2]: "triangle-up",
        STYLE[Alignment.GREEN][2]: "circle",
    }
    assert figure["data"][0]["customdata"] == [["/x", 9]]


def test_sums_add_up_and_give_estimates() -> None:
    a = Sums((2, 1.0, 0.5, 0, 0, 0, 0, 0, 0))
    b = Sums((3, -1.0, 0.5, 2, 0, 0, 0, 0, 0))
    total = a + b
    assert total.text_n == 5
    assert total.sentiment.value == 0
    assert total.negative_share == pytest.approx(0.4)
    assert Sums().sentiment.value is None


def test_compliance_share_and_threshold() -> None:
    assert Compliance(9, 10).compliant is True
    assert Compliance(8, 10).compliant is False
    assert Compliance(0, 0).compliant is None


def test_verdict_says_why() -> None:
    trend = TrendTest(6, -9, 28.3, -2.1, 0.03, -0.05, Direction.FALLING)
    verdict = Verdict(
        Compliance(6, 6), Estimate(-0.2, 30, -0.3, -0.1), trend, Alignment.WATERMELON
    )
    assert verdict.why == (
        "Targets met in 6 of 6 measured months (100 %; compliant from 90 %);"
        " mean sentiment -0.20 (n = 30, 95 % CI -0.30 to -0.10; unhappy below -0.05);"
        " trend falling (Mann-Kendall p = 0.030)."
    )


def test_plotly_stylesheet_comes_from_the_installed_package() -> None:
    css = plotly_css()
    assert ".js-plotly-plot .plotly .modebar" in css
    assert "X," not in css.splitlines()[0]
    assert all(len(i) >= 16 for i in bundled_style_ids())
