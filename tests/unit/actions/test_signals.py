"""Which answers and feedback rows deserve an action item: negatives and detractors."""

from __future__ import annotations

import pytest

from engage.actions.signals import is_detractor, is_negative


@pytest.mark.parametrize(
    ("kind", "number", "compound", "negative"),
    [
        ("happiness", 6, None, True),
        ("happiness", 0, None, True),
        ("happiness", 7, None, False),
        ("happiness", 10, None, False),
        ("csat", 2, None, True),
        ("csat", 1, None, True),
        ("csat", 3, None, False),
        ("text", None, -0.05, True),
        ("text", None, -0.8, True),
        ("text", None, -0.049, False),
        ("text", None, 0.6, False),
        ("text", None, None, False),
        ("happiness", None, None, False),
        ("ces", 1, None, False),
        ("lost_time", 40, None, False),
    ],
)
def test_is_negative(
    kind: str, number: float | None, compound: float | None, negative: bool
) -> None:
    assert is_negative(kind, number, compound) is negative


def test_a_response_is_a_detractor_if_any_answer_is_negative() -> None:
    content = [("happiness", 9, None), ("csat", 5, None), ("text", None, 0.4)]
    assert not is_detractor(content)
    assert is_detractor([*content, ("text", None, -0.3)])
    assert is_detractor([("happiness", 5, None), ("csat", 5, None)])
    assert is_detractor([("csat", 2, None)])
    assert not is_detractor([])
