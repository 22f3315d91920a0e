"""What counts as a customer signal worth an action item: negative text, detractors.

Plain functions over values: a kind (``"happiness"``, ``"csat"``, ``"text"``, as both
question and feedback kinds spell it), a number and a sentiment compound.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Text at or below this VADER compound is negative (VADER's usual cut-off).
NEGATIVE_COMPOUND = -0.05
#: Happiness (0-10, NPS-style) at or below this is a detractor.
DETRACTOR_HAPPINESS = 6
#: CSAT (1-5) at or below this is dissatisfied.
DETRACTOR_CSAT = 2

Signal = tuple[str, float | None, float | None]


def is_negative(kind: str, number: float | None, compound: float | None) -> bool:
    """Whether one answer or feedback row is negative.

    A happiness score of 0-6 (an NPS detractor), a CSAT of 1-2, or text whose compound
    is -0.05 or lower. Other kinds (effort, lost time, choices) never are on their own.
    """
    if kind == "happiness":
        return number is not None and number <= DETRACTOR_HAPPINESS
    if kind == "csat":
        return number is not None and number <= DETRACTOR_CSAT
    if kind == "text":
        return compound is not None and compound <= NEGATIVE_COMPOUND
    return False


def is_detractor(answers: Iterable[Signal]) -> bool:
    """Whether a survey response is a detractor: any of its answers is negative."""
    return any(
        is_negative(kind, number, compound) for kind, number, compound in answers
    )
