"""Impact = volume x (perception gap + breach gap), by hand (engage.analysis.impact)."""

from __future__ import annotations

import pytest

from engage.analysis.impact import Impact, impact, rank


def test_perception_gap_below_the_floor() -> None:
    # 40 comments at -0.30, met every month: 40 x 0.30 = 12.
    result = impact(40, -0.30, met=12, measured=12)
    assert result.perception_gap == pytest.approx(0.30)
    assert result.breach_gap == 0
    assert result.score == pytest.approx(12.0)


def test_breach_gap_adds_to_a_content_clause() -> None:
    # 10 comments at +0.20, 3 of 12 months missed: 10 x 0.25 = 2.5.
    assert impact(10, 0.20, met=9, measured=12).score == pytest.approx(2.5)


def test_baseline_above_the_floor_is_the_reference() -> None:
    # SLA mean +0.40, this aspect +0.10: gap 0.30, 20 comments: 6.0.
    assert impact(20, 0.10, baseline=0.40).score == pytest.approx(6.0)
    # A baseline below the floor does not lower the reference.
    assert impact(20, 0.10, baseline=-0.5).score == 0


def test_too_few_comments_claim_no_perception_gap() -> None:
    assert impact(4, -0.9).perception_gap == 0
    assert impact(0, None, met=0, measured=2).score == 0  # no volume, no impact


def test_rank_orders_by_score_and_numbers_from_one() -> None:
    a, b, c = Impact(10, 0.1, 0), Impact(5, 1.0, 0), Impact(1, 0, 0)
    assert rank([("a", a), ("b", b), ("c", c)]) == [
        (1, "b", b),
        (2, "a", a),
        (3, "c", c),
    ]
