"""Survey figures against values computed by hand."""

from __future__ import annotations

import math

import pytest

from engage.analysis import metrics
from engage.analysis.metrics import Estimate

approx = pytest.approx


def test_csat_share_of_four_and_five_with_wilson_interval() -> None:
    # p = 2/5, z^2 = 3.841459: centre = (0.4 + 0.384146) / 1.768292 = 0.443448,
    # half = 1.959964 / 1.768292 * sqrt(0.048 + 0.038415) = 0.325827.
    est = metrics.csat([5, 4, 3, 2, 1])
    assert est.value == approx(0.4)
    assert est.n == 5
    assert est.low == approx(0.117621, abs=1e-6)
    assert est.high == approx(0.769275, abs=1e-6)
    assert est.enough


def test_csat_all_satisfied_interval_stays_inside_zero_one() -> None:
    est = metrics.csat([5] * 10)
    assert est.value == 1.0
    assert est.high == approx(1.0)
    # Wilson for 10/10: n / (n + z^2) = 10 / 13.841459 = 0.722467.
    assert est.low == approx(0.722467, abs=1e-6)


def test_nps_with_standard_variance() -> None:
    values = [10, 10, 9, 8, 7, 6, 3, 0, 10, 9]
    # promoters 0.5, detractors 0.3 -> 20; var = 0.8 - 0.04 = 0.76,
    # se = sqrt(0.076) = 0.275681, z * se = 0.540324.
    est = metrics.nps(values)
    assert est.value == approx(20.0)
    assert est.n == 10
    assert est.low == approx(20 - 54.0324, abs=1e-3)
    assert est.high == approx(20 + 54.0324, abs=1e-3)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([9, 10, 9, 10], 100.0), ([0, 6, 5], -100.0), ([7, 8, 7], 0.0), ([10, 0], 0.0)],
)
def test_nps_known_lists(values: list[int], expected: float) -> None:
    assert metrics.nps(values).value == approx(expected)


def test_nps_interval_is_clipped_to_the_scale() -> None:
    est = metrics.nps([10, 10, 0])
    assert est.low is not None
    assert est.high is not None
    assert est.value is not None
    assert -100 <= est.low < est.value < est.high <= 100


def test_ces_mean_with_t_interval() -> None:
    # mean 3, sd = sqrt(2.5) = 1.581139, se = 0.707107, t(4) = 2.776 -> 1.962929
    est = metrics.ces([1, 2, 3, 4, 5])
    assert est.value == approx(3.0)
    assert est.low == approx(3 - 1.962929, abs=1e-5)
    assert est.high == approx(3 + 1.962929, abs=1e-5)


def test_lost_time_mean_hours_and_single_value_has_no_interval() -> None:
    assert metrics.lost_time([0.5, 1.5, 4]).value == approx(2.0)
    one = metrics.lost_time([3])
    assert one == Estimate(3.0, 1, None, None)
    assert not one.enough
    assert metrics.lost_time([0, 0, 0, 10]).low == 0  # clipped, not negative


@pytest.mark.parametrize(
    "fn", [metrics.csat, metrics.nps, metrics.ces, metrics.lost_time, metrics.sentiment]
)
def test_no_answers_gives_no_value(fn: object) -> None:
    assert callable(fn)
    assert fn([]) == Estimate(None, 0, None, None)


@pytest.mark.parametrize(
    ("fn", "bad"),
    [
        (metrics.csat, 0),
        (metrics.csat, 6),
        (metrics.nps, -1),
        (metrics.nps, 11),
        (metrics.ces, 8),
        (metrics.lost_time, -0.5),
        (metrics.csat, math.nan),
    ],
)
def test_values_off_the_scale_are_rejected(fn: object, bad: float) -> None:
    assert callable(fn)
    with pytest.raises(ValueError, match="outside"):
        fn([3, bad])


def test_t_critical_table_and_large_sample_approximation() -> None:
    assert metrics.t_critical(1) == 12.706
    assert metrics.t_critical(30) == 2.042
    # Exact t(0.975) values: 40 -> 2.021075, 60 -> 2.000298, 120 -> 1.979930.
    assert metrics.t_critical(40) == approx(2.021075, abs=3e-4)
    assert metrics.t_critical(60) == approx(2.000298, abs=2e-4)
    assert metrics.t_critical(120) == approx(1.979930, abs=1e-4)
    with pytest.raises(ValueError, match="degree"):
        metrics.t_critical(0)


def test_too_few_threshold() -> None:
    assert not metrics.csat([5, 5, 5, 5]).enough
    assert metrics.csat([5, 5, 5, 5, 5]).enough


@pytest.mark.parametrize(
    ("compound", "word"),
    [(0.6, "positive"), (0.05, "positive"), (0.0, "neutral"), (-0.05, "negative")],
)
def test_sentiment_word(compound: float, word: str) -> None:
    assert metrics.sentiment_word(compound) == word
    assert metrics.sentiment_word(None) == "not scored"


def test_figures_from_rollup_sums_match_figures_from_values() -> None:
    values = [0.5, -0.25, 0.75, 0.1, -0.6, 0.3]
    direct = metrics.sentiment(values)
    from_sums = metrics.sentiment_from_sums(
        len(values), sum(values), sum(v * v for v in values)
    )
    assert from_sums.value == pytest.approx(direct.value)
    assert from_sums.low == pytest.approx(direct.low)
    assert from_sums.high == pytest.approx(direct.high)
    ratings = [9, 10, 6, 7, 3, 9, 8]
    assert metrics.nps_from_counts(3, 2, 7) == metrics.nps(ratings)
    assert metrics.csat_from_counts(3, 5) == metrics.csat([5, 4, 4, 2, 1])
    assert metrics.mean_from_sums(0, 0, 0).value is None
    assert metrics.mean_from_sums(1, 3.0, 9.0).low is None
