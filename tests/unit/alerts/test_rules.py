"""Which changes of a verdict raise which alerts (plain values, no app)."""

from __future__ import annotations

import pytest

from engage.alerts.rules import message, raised
from engage.analysis.trends import Direction
from engage.analysis.watermelon import Alignment
from engage.models import AlertKind

W, F = AlertKind.WATERMELON, AlertKind.FALLING


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        # First sight: whatever is wrong already is news.
        ((None, None), (Alignment.WATERMELON, Direction.FLAT), [W]),
        ((None, None), (Alignment.RED, Direction.FALLING), [F]),
        ((None, None), (Alignment.GREEN, Direction.FLAT), []),
        ((None, None), (Alignment.UNKNOWN, Direction.FLAT), []),
        # A change raises ...
        (("green", "flat"), (Alignment.WATERMELON, Direction.FLAT), [W]),
        (("unknown", "flat"), (Alignment.WATERMELON, Direction.FLAT), [W]),
        (("red", "flat"), (Alignment.RED, Direction.FALLING), [F]),
        (("green", "rising"), (Alignment.WATERMELON, Direction.FALLING), [W, F]),
        # ... staying the same does not.
        (("watermelon", "flat"), (Alignment.WATERMELON, Direction.FLAT), []),
        (("watermelon", "falling"), (Alignment.WATERMELON, Direction.FALLING), []),
        (("watermelon", "flat"), (Alignment.WATERMELON, Direction.FALLING), [F]),
        # Getting better never alerts.
        (("watermelon", "falling"), (Alignment.GREEN, Direction.FLAT), []),
        (("red", "falling"), (Alignment.REVERSE, Direction.RISING), []),
    ],
)
def test_raised(
    before: tuple[str | None, str | None],
    now: tuple[Alignment, Direction],
    expected: list[AlertKind],
) -> None:
    assert raised(*before, *now) == expected


def test_message_says_what_changed_and_why() -> None:
    why = "Targets met in 6 of 6 measured months; mean sentiment -0.50."
    text = message(AlertKind.WATERMELON, "Acme / Hosting", why)
    assert text.startswith("Acme / Hosting turned watermelon:")
    assert text.endswith(why)
    falling = message(AlertKind.FALLING, "Acme / Hosting", why)
    assert "perception of Acme / Hosting is falling significantly" in falling
