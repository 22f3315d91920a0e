"""Welch's t-test and the t distribution, by hand and against scipy."""

from __future__ import annotations

import math

import pytest

from engage.analysis.effect import (
    Sample,
    incomplete_beta,
    t_cdf,
    t_quantile,
    t_sf2,
    welch,
)


def sample(values: list[float]) -> Sample:
    return Sample(len(values), sum(values), sum(v * v for v in values))


@pytest.mark.parametrize(
    ("a", "b", "x", "expected"),
    [
        (1, 1, 0.3, 0.3),  # uniform: I_x(1, 1) = x
        (2, 1, 0.5, 0.25),  # I_x(a, 1) = x^a
        (1, 3, 0.2, 1 - 0.8**3),  # I_x(1, b) = 1 - (1 - x)^b
        (0.5, 0.5, 0.5, 0.5),  # symmetric
    ],
)
def test_incomplete_beta_closed_forms(
    a: float, b: float, x: float, expected: float
) -> None:
    assert incomplete_beta(a, b, x) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("t", "df", "p"),
    [
        (2.228, 10, 0.05),  # printed tables: two-sided 5 % critical values
        (12.706, 1, 0.05),
        (2.042, 30, 0.05),
        (2.576, 1e9, 0.01),  # the normal limit
    ],
)
def test_two_sided_tail_matches_printed_tables(t: float, df: float, p: float) -> None:
    assert t_sf2(t, df) == pytest.approx(p, abs=2e-4)


def test_t_with_one_degree_of_freedom_is_cauchy() -> None:
    # Cauchy CDF: 1/2 + atan(t) / pi.
    for t in (-3.0, -0.5, 0.0, 1.0, 7.0):
        assert t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-12)


def test_quantile_inverts_the_cdf() -> None:
    assert t_quantile(0.975, 10) == pytest.approx(2.228139, abs=1e-5)
    assert t_quantile(0.025, 10) == pytest.approx(-2.228139, abs=1e-5)


def test_against_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for df in (1.5, 3, 7.3, 25, 140.2):
        for t in (-4.0, -1.2, 0.3, 2.0, 5.5):
            assert t_cdf(t, df) == pytest.approx(stats.t.cdf(t, df), abs=1e-10)
        assert t_quantile(0.975, df) == pytest.approx(stats.t.ppf(0.975, df), abs=1e-8)
    before = [-0.5, -0.2, -0.4, 0.1, -0.3, -0.6]
    after = [0.2, 0.4, -0.1, 0.3, 0.5, 0.1, 0.0, 0.6]
    ref = stats.ttest_ind(after, before, equal_var=False)
    effect = welch(sample(before), sample(after))
    assert effect is not None
    assert effect.t == pytest.approx(ref.statistic, rel=1e-9)
    assert effect.p == pytest.approx(ref.pvalue, rel=1e-7)


def test_welch_by_hand() -> None:
    # before: 1, 2, 3 (mean 2, var 1); after: 4, 6, 8 (mean 6, var 4).
    effect = welch(sample([1, 2, 3]), sample([4, 6, 8]))
    assert effect is not None
    se2 = 1 / 3 + 4 / 3  # 5/3
    assert effect.diff == pytest.approx(4.0)
    assert effect.t == pytest.approx(4 / math.sqrt(se2))
    # df = (5/3)^2 / ((1/3)^2 / 2 + (4/3)^2 / 2) = (25/9) / (17/18) = 50/17.
    assert effect.df == pytest.approx(50 / 17)
    half = t_quantile(0.975, 50 / 17) * math.sqrt(se2)
    assert effect.low == pytest.approx(4 - half)
    assert effect.high == pytest.approx(4 + half)
    assert effect.test == "Welch's t-test on per-comment sentiment"
    # Just above 5 %, so the 95 % interval just includes 0 (scipy: p = 0.0548).
    assert effect.p == pytest.approx(0.05479, abs=1e-5)
    assert effect.low < 0 < effect.high


def test_welch_needs_two_comments_and_some_spread() -> None:
    assert welch(sample([0.1]), sample([0.2, 0.3])) is None
    assert welch(sample([0.1, 0.1]), sample([0.2, 0.2])) is None
