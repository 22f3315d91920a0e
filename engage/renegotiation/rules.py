"""Pure renegotiation rules: whether a changed target is valid, and how targets read."""

from __future__ import annotations

import math

from engage.models import Direction, DomainError, Measure, Objective, ProposalAction
from engage.sla.perception_targets import RANGES


def stricter(direction: Direction, before: float, after: float) -> bool:
    """Whether ``after`` asks more than ``before``: higher for >=, lower for <=."""
    return after > before if direction is Direction.AT_LEAST else after < before


def check_change(
    action: ProposalAction,
    direction: Direction,
    before: float,
    after: float | None,
    measure: Measure = Measure.METRIC,
) -> None:
    """A tightened target must be stricter than the current one, a relaxed looser.

    :raise DomainError: with a message for the target field.
    """
    if action not in (ProposalAction.TIGHTEN, ProposalAction.RELAX):
        return
    if after is None or not math.isfinite(after):
        raise DomainError(f"Enter the new target to {action.value} it to.")
    check_range(measure, after)
    if after == before:
        raise DomainError(f"The new target equals the current one ({before:g}).")
    higher = "higher" if direction is Direction.AT_LEAST else "lower"
    lower = "lower" if direction is Direction.AT_LEAST else "higher"
    if action is ProposalAction.TIGHTEN and not stricter(direction, before, after):
        raise DomainError(
            f"Tightening {direction.value} {before:g} needs a {higher} target."
        )
    if action is ProposalAction.RELAX and not stricter(direction, after, before):
        raise DomainError(
            f"Relaxing {direction.value} {before:g} needs a {lower} target."
        )


def check_range(measure: Measure, target: float) -> None:
    """A perception target must lie in its measure's range (happiness -100..100 ...).

    :raise DomainError: outside the range.
    """
    if measure in RANGES:
        low, high = RANGES[measure]
        if not low <= target <= high:
            raise DomainError(
                f"A {measure.value} target lies between {low:g} and {high:g}."
            )


def default_metric(measure: Measure, aspect: str) -> str:
    """The name of a perception target, e.g. ``Happiness (service desk)``."""
    names = {
        Measure.HAPPINESS: "Happiness",
        Measure.CSAT: "CSAT",
        Measure.SENTIMENT: "Sentiment",
    }
    return f"{names.get(measure, 'Metric')} ({aspect.lower()})"


def target_text(
    measure: Measure, direction: Direction, target: float, unit: str = ""
) -> str:
    """``happiness >= 40, from feedback`` or ``>= 99.9 %``."""
    text = f"{direction.value} {target:g}{' ' + unit if unit else ''}"
    if measure.is_perception:
        return f"{measure.value} {text}, from feedback"
    return text


def objective_text(objective: Objective) -> str:
    measure = objective.measure or Measure.METRIC
    return target_text(measure, objective.direction, objective.target, objective.unit)
