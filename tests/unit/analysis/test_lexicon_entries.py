"""The service lexicon's idioms and neutral words, and what may not be in it."""

from __future__ import annotations

import re

import pytest

from engage.analysis import engine, sentiment
from engage.analysis.lexicon import load_lexicon


def drivers(text: str) -> dict[str, float]:
    return {
        label: value
        for s in engine.score_text(text).sentences
        for label, value in s.drivers
    }


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("hung up", "The agent hung up on me."),
        ("is a joke", "Your support is a joke."),
        ("no signal", "No signal since Monday."),
        ("no internet", "No internet in the whole building."),
        ("locked out", "I am locked out of my account."),
        ("unable to", "Unable to log in this morning."),
        ("gave up", "I gave up and went elsewhere."),
        ("charged twice", "I was charged twice this month."),
        ("transferred", "I was transferred to three departments."),
        ("former customer", "You can call me a former customer."),
    ],
)
def test_service_failure_idioms_are_negative(term: str, text: str) -> None:
    assert engine.score_text(text).compound < min(sentiment.score(text).compound, -0.05)
    assert drivers(text)[term] < 0


@pytest.mark.parametrize(
    "text",
    [
        "My ticket number is 4411.",  # stock: number +0.3
        "The credit was applied to the account.",  # stock: credit +1.6
        "I want to change my plan.",  # stock: want +0.3
        "Make sure the router is plugged in.",  # stock: sure +1.3
        "Please send the form as well.",  # stock: well +1.1
    ],
)
def test_transactional_words_are_neutral(text: str) -> None:
    assert sentiment.score(text).compound >= 0.05
    assert engine.score_text(text).compound == pytest.approx(0.0, abs=0.049)


def test_fixes_are_praise() -> None:
    assert engine.score_text("Service restored in minutes.").compound >= 0.05


def test_every_entry_has_a_generic_reason_and_no_industry_words() -> None:
    """The lexicon is for service language in general, not for one data set."""
    banned = re.compile(
        r"\b(flights?|luggage|baggage|bags?|gate|seats?|crew|pilots?|boarding|"
        r"airlines?|airport|plane|tarmac|layover)\b"
    )
    lexicon = load_lexicon()
    for entry in lexicon.entries:
        assert len(entry.reason) >= 8, entry.term
        assert not banned.search(entry.term), entry.term
        assert not entry.term.startswith(("@", "#")), entry.term
