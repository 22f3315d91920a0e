"""Each service-language rule: what it catches, what it leaves alone, and that removing
it changes the verdict (so a rule cannot silently stop working)."""

from __future__ import annotations

import pytest

from engage.analysis import engine
from engage.analysis import rules as service_rules


def engage(text: str) -> float:
    return engine.score_text(text).compound


def verdict(text: str) -> str:
    compound = engage(text)
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"


def labels(text: str) -> list[str]:
    return [label for s in engine.score_text(text).sentences for label, _ in s.drivers]


def without(monkeypatch: pytest.MonkeyPatch, rule: str) -> None:
    """Score as if ``rule`` did not exist."""
    names = [r.__name__ for r in service_rules.SENTENCE_RULES]
    if rule in names:
        monkeypatch.setattr(
            service_rules,
            "SENTENCE_RULES",
            tuple(r for r in service_rules.SENTENCE_RULES if r.__name__ != rule),
        )
    else:  # rules the engine calls by name
        monkeypatch.setattr(service_rules, rule, lambda *args, **kwargs: None)


# (rule, text, verdict with the rule, the label the rule leaves, verdict without it)
FLIPS = [
    (
        "answer_particle",
        "Yes, I sent the form yesterday.",
        "neutral",
        "rule: answer (yes)",
        "positive",
    ),
    (
        "like_not_liking",
        "I would like a copy of my contract.",
        "neutral",
        "rule: request (would like)",
        "positive",
    ),
    (
        "like_not_liking",
        "Looks like the upgrade changed my settings.",
        "neutral",
        "rule: comparison (looks like)",
        "positive",
    ),
    ("service_down", "The portal is down.", "negative", "rule: is down", "neutral"),
    ("service_down", "Is the website down?", "negative", "rule: is down", "neutral"),
    (
        "negated_outcome",
        "I never received the replacement, thanks.",
        "negative",
        "rule: never received",
        "neutral",
    ),
    (
        "still_unfinished",
        "Thanks, I am still without internet.",
        "negative",
        "rule: still without",
        "neutral",
    ),
    (
        "still_unfinished",
        "Hi, still nothing from your team, thanks.",
        "negative",
        "rule: still nothing",
        "neutral",
    ),
    (
        "effort",
        "I have been trying to get through all morning, thanks.",
        "negative",
        "rule: been trying",
        "positive",
    ),
    (
        "time_lost",
        "Thanks, I spent 2 hours on the phone today.",
        "negative",
        "rule: spent 2 hours",
        "positive",
    ),
    (
        "time_lost",
        "Thanks, I have been with the same agent for an hour.",
        "negative",
        "rule: for an hour",
        "positive",
    ),
    (
        "complaint_question",
        "Where is my engineer? Thanks.",
        "negative",
        "rule: where is ...?",
        "neutral",
    ),
    (
        "complaint_question",
        "Why is my account locked?",
        "negative",
        "rule: why ...?",
        "neutral",
    ),
    (
        "complaint_question",
        "What is going on with my order",
        "negative",
        "rule: what is going on ...?",
        "neutral",
    ),
    (
        "told_so",
        "I was told someone would call me back today.",
        "negative",
        "rule: was told",
        "neutral",
    ),
    (
        "improvement_demanded",
        "You need a better system.",
        "negative",
        "rule: should be better",
        "positive",
    ),
    (
        "improvement_demanded",
        "Do better.",
        "negative",
        "rule: should be better",
        "positive",
    ),
    (
        "never_again",
        "I won't be renewing again, thanks.",
        "negative",
        "rule: never again",
        "positive",
    ),
    ("fix_demanded", "Please fix this.", "negative", "rule: fix this", "neutral"),
    (
        "negated_action",
        "They didn't send the replacement.",
        "negative",
        "rule: didn't send",
        "neutral",
    ),
    (
        "negated_action",
        "The engineer did not show.",
        "negative",
        "rule: not show",
        "neutral",
    ),
    (
        "question_damping",
        "Is there a good time to call?",
        "neutral",
        "rule: question (good)",
        "positive",
    ),
    (
        "question_damping",
        "Can I get a free upgrade?",
        "neutral",
        "rule: question (free)",
        "positive",
    ),
    (
        "failure_fixed",
        "Thanks, the outage was fixed within the hour.",
        "positive",
        "rule: fixed (outage)",
        "negative",
    ),
    (
        "status_question",
        "Is there an outage in my area?",
        "neutral",
        "rule: asks about (outage)",
        "negative",
    ),
    (
        "neutralise_politeness",
        "Can you please send me the invoice? Thanks",
        "neutral",
        "rule: polite complaint (thanks)",
        "positive",
    ),
]


@pytest.mark.parametrize(
    ("rule", "text", "expected", "label", "before"),
    FLIPS,
    ids=[f"{rule}: {text}" for rule, text, *_ in FLIPS],
)
def test_rule_decides_the_verdict(
    monkeypatch: pytest.MonkeyPatch,
    rule: str,
    text: str,
    expected: str,
    label: str,
    before: str,
) -> None:
    assert verdict(text) == expected
    assert label in labels(text)
    without(monkeypatch, rule)
    assert verdict(text) == before


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Still waiting for a response from support.", "rule: still waiting"),
        ("Still no word from anyone.", "rule: still no"),
        ("The help desk never answered my ticket.", "rule: never answered"),
        ("Nobody responded to my request, please help.", "rule: nobody responded"),
        ("Thanks, but my issue has not been resolved.", "rule: not resolved"),
        ("Day 3 and the line is still dead.", "rule: day 3"),
        ("Four hours and nobody came, thanks.", "rule: four hours"),
        ("2 more hours and counting", "rule: hours and counting"),
        ("I will never use this company again.", "rule: never again"),
        (
            "Thanks in advance, my account is locked and the portal is slow.",
            "rule: polite complaint (thanks)",
        ),
    ],
)
def test_complaints_are_negative_with_their_rule(text: str, label: str) -> None:
    assert verdict(text) == "negative"
    assert label in labels(text)


def test_a_repeat_failure_weighs_more() -> None:
    text = "Thank you, the laptop crashed again."
    assert "rule: failing again" in labels(text)
    assert engage(text) < engage("Thank you, the laptop crashed.") < 0


@pytest.mark.parametrize(
    "text",
    [
        "She came down the corridor to meet us.",  # a direction, not an outage
        "I booked it 3 days ago.",  # a time placed, not a delay
        "It doesn't matter which engineer comes.",  # an idiom, not a failure
        "I don't get why it works now, but it does!",  # understanding, not a reply
        "For the month of May we are away.",  # a period, not a wait
        "Can't wait to hear the new release.",  # "wait" takes the negation
        "If not, call us back.",  # the negation ends at the comma
    ],
)
def test_rules_leave_ordinary_sentences_alone(text: str) -> None:
    assert not [label for label in labels(text) if label.startswith("rule:")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fixed in under 2 hours, thanks.", "positive"),  # quick, not lost time
        ("Yes!", "positive"),  # a "yes" on its own is VADER's
        ("I sure hope the engineer is as good as last time.", "positive"),
        ("Thanks again for the help!", "positive"),  # "again" alone is no complaint
        ("Love the new portal?", "positive"),  # not an information request
    ],
)
def test_praise_survives_the_rules(text: str, expected: str) -> None:
    assert verdict(text) == expected


def test_a_fix_that_did_not_happen_stays_a_complaint() -> None:
    text = "The outage is not resolved."
    assert verdict(text) == "negative"
    assert "rule: fixed (outage)" not in labels(text)


def test_a_status_question_that_repeats_stays_a_complaint() -> None:
    assert verdict("Is there an outage again?") == "negative"
