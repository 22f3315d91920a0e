"""Renegotiation proposal rules: plain values, no app or database."""

from __future__ import annotations

import pytest

from engage.models import Direction, DomainError, Measure, ProposalAction
from engage.renegotiation.rules import (
    check_change,
    check_range,
    default_metric,
    stricter,
    target_text,
)

AT_LEAST, AT_MOST = Direction.AT_LEAST, Direction.AT_MOST
TIGHTEN, RELAX = ProposalAction.TIGHTEN, ProposalAction.RELAX


@pytest.mark.parametrize(
    ("action", "direction", "before", "after"),
    [
        (TIGHTEN, AT_LEAST, 99.5, 99.9),  # availability: higher asks more
        (TIGHTEN, AT_MOST, 4, 2),  # response hours: lower asks more
        (RELAX, AT_LEAST, 99.5, 99.0),
        (RELAX, AT_MOST, 4, 8),
        (TIGHTEN, AT_LEAST, -10, 0),  # happiness below zero can be tightened
    ],
)
def test_a_change_in_the_right_direction_is_accepted(
    action: ProposalAction, direction: Direction, before: float, after: float
) -> None:
    check_change(action, direction, before, after)


@pytest.mark.parametrize(
    ("action", "direction", "before", "after", "message"),
    [
        (TIGHTEN, AT_LEAST, 99.5, 99.0, "Tightening >= 99.5 needs a higher target."),
        (TIGHTEN, AT_MOST, 4, 6, "Tightening <= 4 needs a lower target."),
        (RELAX, AT_LEAST, 99.5, 99.9, "Relaxing >= 99.5 needs a lower target."),
        (RELAX, AT_MOST, 4, 2, "Relaxing <= 4 needs a higher target."),
        (TIGHTEN, AT_LEAST, 40, 40, "The new target equals the current one (40)."),
        (RELAX, AT_MOST, 4, None, "Enter the new target to relax it to."),
        (TIGHTEN, AT_LEAST, 4, float("nan"), "Enter the new target to tighten it to."),
    ],
)
def test_a_change_the_wrong_way_is_refused_with_a_reason(
    action: ProposalAction,
    direction: Direction,
    before: float,
    after: float | None,
    message: str,
) -> None:
    with pytest.raises(DomainError) as error:
        check_change(action, direction, before, after)
    assert str(error.value) == message


def test_a_drop_has_no_target_to_check() -> None:
    check_change(ProposalAction.DROP, AT_LEAST, 99.5, None)


def test_stricter_follows_the_direction() -> None:
    assert stricter(AT_LEAST, 1, 2)
    assert not stricter(AT_LEAST, 2, 1)
    assert stricter(AT_MOST, 2, 1)
    assert not stricter(AT_MOST, 1, 2)


@pytest.mark.parametrize(
    ("measure", "inside", "outside"),
    [
        (Measure.HAPPINESS, [-100, 0, 40, 100], [-101, 100.5]),
        (Measure.CSAT, [0, 80, 100], [-1, 101]),
        (Measure.SENTIMENT, [-1, 0.2, 1], [-1.1, 1.5]),
        (Measure.METRIC, [-1e9, 1e9], []),  # a measured metric has any range
    ],
)
def test_perception_targets_lie_in_their_measures_range(
    measure: Measure, inside: list[float], outside: list[float]
) -> None:
    for value in inside:
        check_range(measure, value)
    for value in outside:
        with pytest.raises(DomainError, match=f"A {measure.value} target lies"):
            check_range(measure, value)


def test_a_tightened_perception_target_stays_in_range() -> None:
    with pytest.raises(DomainError, match="between -100 and 100"):
        check_change(TIGHTEN, AT_LEAST, 40, 120, Measure.HAPPINESS)


def test_names_and_texts_of_perception_targets() -> None:
    assert default_metric(Measure.HAPPINESS, "Service desk") == (
        "Happiness (service desk)"
    )
    assert target_text(Measure.HAPPINESS, AT_LEAST, 40) == (
        "happiness >= 40, from feedback"
    )
    assert target_text(Measure.METRIC, AT_LEAST, 99.9, "%") == ">= 99.9 %"
