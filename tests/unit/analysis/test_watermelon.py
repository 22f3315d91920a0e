"""Watermelon and reverse classification of SLAs."""

from __future__ import annotations

import pytest

from engage.analysis.metrics import Estimate
from engage.analysis.trends import mann_kendall
from engage.analysis.watermelon import Alignment, classify, unhappy

HAPPY = Estimate(0.4, 30, 0.3, 0.5)
UNHAPPY = Estimate(-0.2, 30, -0.3, -0.1)
FEW = Estimate(-0.9, 2)


@pytest.mark.parametrize(
    ("compliant", "perception", "expected"),
    [
        (True, UNHAPPY, Alignment.WATERMELON),
        (True, HAPPY, Alignment.GREEN),
        (False, HAPPY, Alignment.REVERSE),
        (False, UNHAPPY, Alignment.RED),
        (None, UNHAPPY, Alignment.UNKNOWN),
        (True, FEW, Alignment.UNKNOWN),
    ],
)
def test_classify(
    compliant: bool | None, perception: Estimate, expected: Alignment
) -> None:
    assert classify(compliant, perception) is expected


def test_a_significant_fall_is_unhappy_even_above_the_floor() -> None:
    falling = mann_kendall([0.6, 0.55, 0.5, 0.4, 0.35, 0.3, 0.2, 0.15])
    assert unhappy(HAPPY, falling) is True
    assert classify(True, HAPPY, falling) is Alignment.WATERMELON
    rising = mann_kendall([0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.55, 0.6])
    assert classify(True, HAPPY, rising) is Alignment.GREEN


def test_the_floor_is_configurable() -> None:
    assert classify(True, HAPPY, floor=0.5) is Alignment.WATERMELON
    assert unhappy(FEW, None) is None
    assert Alignment.WATERMELON.mismatch
    assert not Alignment.GREEN.mismatch
