"""Periods and the Mann-Kendall trend test, against hand-computed values and pymannkendall."""

from __future__ import annotations

import random
from datetime import date

import pymannkendall
import pytest

from engage.analysis.trends import (
    Direction,
    Period,
    mann_kendall,
    next_period,
    period_start,
    periods,
)


@pytest.mark.parametrize(
    ("day", "period", "start"),
    [
        (date(2026, 11, 26), Period.WEEK, date(2026, 11, 23)),
        (date(2026, 11, 23), Period.WEEK, date(2026, 11, 23)),
        (date(2026, 11, 26), Period.MONTH, date(2026, 11, 1)),
        (date(2026, 11, 26), Period.QUARTER, date(2026, 10, 1)),
        (date(2026, 3, 31), Period.QUARTER, date(2026, 1, 1)),
    ],
)
def test_period_start(day: date, period: Period, start: date) -> None:
    assert period_start(day, period) == start


def test_periods_cover_the_range_and_cross_years() -> None:
    assert periods(date(2025, 11, 15), date(2026, 2, 1), Period.MONTH) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert next_period(date(2025, 10, 1), Period.QUARTER) == date(2026, 1, 1)
    assert next_period(date(2026, 12, 28), Period.WEEK) == date(2027, 1, 4)


def test_hand_computed_rising_series() -> None:
    # 1 2 3 4 5: every pair rises, S = 10, Var = 5*4*15/18 = 16.667,
    # z = (10 - 1) / 4.0825 = 2.2045, p = 0.0275.
    result = mann_kendall([1, 2, 3, 4, 5])
    assert result.s == 10
    assert result.var_s == pytest.approx(16.6667, abs=1e-4)
    assert result.z == pytest.approx(2.2045, abs=1e-4)
    assert result.p == pytest.approx(0.0275, abs=1e-4)
    assert result.slope == 1
    assert result.direction is Direction.RISING


def test_ties_reduce_the_variance() -> None:
    # 2 2 1 1 0 0: S = -12; ties: three pairs, each 2*1*9 = 18, so
    # Var = (6*5*17 - 54) / 18 = 25.333; z = -11 / 5.0332 = -2.1855.
    result = mann_kendall([2, 2, 1, 1, 0, 0])
    assert result.s == -12
    assert result.var_s == pytest.approx(25.3333, abs=1e-4)
    assert result.z == pytest.approx(-2.1855, abs=1e-4)
    assert result.direction is Direction.FALLING


def test_short_or_constant_series_are_flat() -> None:
    short = mann_kendall([3, 2, 1])
    assert short.direction is Direction.FLAT
    assert short.p is None
    constant = mann_kendall([0.5] * 8)
    assert constant.direction is Direction.FLAT
    assert constant.p == 1.0


def test_noise_is_flat() -> None:
    assert mann_kendall([0.1, -0.2, 0.3, -0.1, 0.2, -0.3, 0.0, 0.1]).direction is (
        Direction.FLAT
    )


def test_agrees_with_pymannkendall_on_random_series() -> None:
    rng = random.Random(7)
    for _ in range(100):
        n = rng.randint(4, 36)
        drift = rng.choice([-0.05, 0.0, 0.05])
        xs = [round(rng.gauss(drift * i, 0.5), 1) for i in range(n)]
        ours = mann_kendall(xs)
        theirs = pymannkendall.original_test(xs)
        assert ours.s == theirs.s
        assert ours.var_s == pytest.approx(theirs.var_s)
        assert ours.z == pytest.approx(theirs.z)
        assert ours.p == pytest.approx(theirs.p)
        assert ours.slope == pytest.approx(theirs.slope)
        expected = {"increasing": "rising", "decreasing": "falling"}.get(
            theirs.trend, "flat"
        )
        assert ours.direction.value == expected
