"""Aspect tagging by keyword map: whole words, phrases, overlaps and ranking."""

from __future__ import annotations

import pytest

from engage.analysis.aspects import (
    AspectMatch,
    compile_map,
    match_aspects,
    normalise_keyword,
    tokens,
)

MAP = compile_map(
    [
        (1, "Availability", ["outage", "down", "went down"]),
        (2, "Response time", ["hold", "on hold", "waiting"]),
        (3, "Service desk", ["service desk", "desk", "support"]),
        (4, "Cost", ["invoice", "price"]),
    ]
)


def names(text: str) -> list[str]:
    return [m.aspect for m in match_aspects(text, MAP)]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  Service   Desk ", "service desk"),
        ("ON-HOLD", "on hold"),
        ("Don’t", "don’t"),
        ("status page!", "status page"),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_normalise_keyword(raw: str, stored: str) -> None:
    assert normalise_keyword(raw) == stored


def test_tokens_lower_case_and_strip_punctuation() -> None:
    assert tokens("The OUTAGE, again!") == ["the", "outage", "again"]


def test_whole_words_only() -> None:
    # "down" is a keyword; "download" and "countdown" are other words.
    assert names("The download page and the countdown work.") == []
    assert names("Everything was down.") == ["Availability"]


def test_case_and_punctuation_do_not_matter() -> None:
    assert names("OUTAGE!!! Again...") == ["Availability"]


def test_phrase_matches_its_words_in_order() -> None:
    matches = match_aspects("We called the Service Desk twice.", MAP)
    assert matches == [AspectMatch(3, "Service desk", ("service desk",))]
    # The same words in another order are not the phrase (only "desk" matches).
    assert match_aspects("The desk service was fine.", MAP) == [
        AspectMatch(3, "Service desk", ("desk",))
    ]


def test_longest_phrase_wins_over_its_first_word() -> None:
    matches = match_aspects("I was on hold for an hour.", MAP)
    assert matches == [AspectMatch(2, "Response time", ("on hold",))]
    # "went down" is one phrase: "down" is not counted again inside it.
    assert match_aspects("The portal went down.", MAP) == [
        AspectMatch(1, "Availability", ("went down",))
    ]


def test_most_mentioned_aspect_first_then_list_order() -> None:
    text = (
        "The invoice arrived during the outage; the price is high, the invoice wrong."
    )
    matches = match_aspects(text, MAP)
    assert [m.aspect for m in matches] == ["Cost", "Availability"]
    # Each keyword is listed once, in text order.
    assert matches[0].words == ("invoice", "price")
    # A tie is broken by the map's order.
    assert names("The price during the outage.") == ["Availability", "Cost"]


def test_no_match_and_empty_text() -> None:
    assert match_aspects("Lovely weather today.", MAP) == []
    assert match_aspects("", MAP) == []
    assert match_aspects("anything", compile_map([])) == []


def test_shared_keyword_goes_to_the_first_aspect() -> None:
    shared = compile_map([(1, "First", ["support"]), (2, "Second", ["support"])])
    assert match_aspects("Support was great.", shared) == [
        AspectMatch(1, "First", ("support",))
    ]


def test_as_json_round_trip_shape() -> None:
    match = AspectMatch(4, "Cost", ("invoice",))
    assert match.as_json() == {"aspect_id": 4, "aspect": "Cost", "words": ["invoice"]}


def test_blank_keywords_are_ignored() -> None:
    keyword_map = compile_map([(1, "A", ["", "  ", "x"])])
    assert [m.aspect for m in match_aspects("x marks the spot", keyword_map)] == ["A"]
