"""Engage's sentiment engine: service lexicon, rules, explanations, splitting, versions."""

from __future__ import annotations

import nltk
import pytest

from engage.analysis import engine, sentiment
from engage.analysis.lexicon import LEXICON_VERSION, load_lexicon, parse_lexicon


def stock(text: str) -> float:
    return sentiment.score(text).compound


def engage(text: str) -> float:
    return engine.score_text(text).compound


def drivers(text: str) -> list[tuple[str, float]]:
    return [d for s in engine.score_text(text).sentences for d in s.drivers]


# Before (stock VADER) and after (Engage): each rule and idiom turns a wrong sign right.
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Still waiting for a response from support.", "rule: still waiting"),
        ("The help desk never answered my ticket.", "rule: never answered"),
        ("Nobody responded to my request, please help.", "rule: nobody responded"),
        ("Thanks, but my issue has not been resolved.", "rule: not resolved"),
        (
            "Thanks for the help, it took two days to get a reply.",
            "rule: took two days",
        ),
        ("Why is it still down? Please advise.", "rule: why ...?"),
        ("Thank you, the laptop crashed again.", "rule: failing again"),
    ],
)
def test_complaints_stock_reads_as_praise_score_negative(text: str, rule: str) -> None:
    assert stock(text) > 0
    assert engage(text) <= -0.05
    assert rule in dict(drivers(text))


@pytest.mark.parametrize(
    "text",
    [
        "No problem at all.",
        "No issues since the upgrade.",
        "No complaints about the migration.",
        "No worries.",
    ],
)
def test_no_problem_idioms_are_positive(text: str) -> None:
    assert stock(text) < 0.05
    assert engage(text) >= 0.05


def test_polite_words_are_neutral_in_a_complaint_only() -> None:
    complaint = "Thanks for nothing, the VPN is down again."
    assert stock(complaint) > -0.05
    assert engage(complaint) < -0.5
    praise = "Thanks, the engineer was great."
    assert engage(praise) > 0.5
    assert dict(drivers(praise))["Thanks"] > 0
    assert "rule: polite complaint (thanks)" in dict(
        drivers("Thanks, but the server is still slow.")
    )


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("outage", "There was an outage this morning."),
        ("slow", "The portal is slow."),
        ("unresponsive", "The app is unresponsive."),
        ("downtime", "We had downtime during business hours."),
        ("not working", "Email is not working."),
    ],
)
def test_service_lexicon_words_are_negative(word: str, text: str) -> None:
    assert stock(text) > -0.05
    assert engage(text) <= -0.05
    # A phrase is reported under its longest entry ("is not working").
    assert any(word in label and v < 0 for label, v in drivers(text))


def test_plain_sentences_score_as_stock_vader() -> None:
    for text in ["The engineer was brilliant and friendly.", "I love it, it is great!"]:
        assert engage(text) == pytest.approx(stock(text), abs=1e-4)
    # Negative valences weigh NEGATIVE_WEIGHT times: same sign, stronger.
    for text in [
        "Terrible, the movie was boring!",
        "I love it, but the price is awful.",
    ]:
        assert engage(text) < stock(text) < 0


def test_explanation_lists_sentences_scores_and_drivers() -> None:
    result = engine.score_text("Great service. The help desk never answered my ticket!")
    assert [s.text for s in result.sentences] == [
        "Great service.",
        "The help desk never answered my ticket!",
    ]
    first, second = result.sentences
    assert first.compound > 0.5
    assert first.drivers == [("Great", 3.1)]
    assert second.compound < 0
    assert ("rule: never answered", -1.8) in second.drivers
    text = engine.explain("Still waiting for a response from support.")
    assert "rule: still waiting: -1.50" in text
    assert engine.ENGINE_VERSION in text


def test_negative_sentence_outweighs_pleasantry() -> None:
    assert engage("Hi team, hope you are well. Our server has been down for hours.") < 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Still waiting for a response from support.", "negative"),
        ("Thanks, the outage was fixed within the hour.", "positive"),
        ("Can you please send me the invoice?", "neutral"),
        ("No problem at all.", "positive"),
        ("No issues since the upgrade.", "positive"),
        ("The help desk never answered my ticket.", "negative"),
        ("Thanks, but my issue has not been resolved.", "negative"),
        ("Thanks again for the help!", "positive"),
    ],
)
def test_service_examples_score_in_their_class(text: str, expected: str) -> None:
    compound = engage(text)
    actual = (
        "positive"
        if compound >= 0.05
        else "negative"
        if compound <= -0.05
        else "neutral"
    )
    assert actual == expected


def test_capitals_are_emphasis_across_the_whole_comment() -> None:
    """VADER's all-caps flag belongs to the comment, not to each sentence."""
    alone = engine.score_text("GREAT.").compound
    beside = engine.score_text("It went well. GREAT.").sentences[1].compound
    assert beside > alone


def test_neutralised_words_in_capitals_stay_neutral() -> None:
    """VADER turns a zero-valence word in capitals negative; not the lexicon's."""
    assert engage("PLEASE call me, the ticket NUMBER is 12.") == 0.0


def test_one_letter_words_do_not_break_phrases() -> None:
    """VADER drops "a": "is a joke" is matched on VADER's words."""
    assert dict(drivers("The support is a joke."))["is a joke"] < 0


def test_a_negated_phrase_is_negated() -> None:
    assert dict(drivers("You won't be let down."))["let down"] > 0


def test_sentences_split_without_any_nltk_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("nltk.download must never be called")

    monkeypatch.setattr(nltk, "download", refuse)
    engine._engine.cache_clear()
    result = engine.score_text("Dr. Smith fixed it. Thanks! Is it stable now?\nYes.")
    assert [s.text for s in result.sentences] == [
        "Dr. Smith fixed it.",
        "Thanks!",
        "Is it stable now?",
        "Yes.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("It broke... again. Why?!", ["It broke... again.", "Why?!"]),
        ("Call J. Smith at 5. then wait.", ["Call J. Smith at 5. then wait."]),
        ('He said "fixed." It was not.', ['He said "fixed."', "It was not."]),
        ("Approx. 2 hours, e.g. today", ["Approx. 2 hours, e.g. today"]),
        ("Down!!! Again!!", ["Down!!!", "Again!!"]),
        ("one\ntwo", ["one", "two"]),
        ("", []),
    ],
)
def test_sentence_splitting(text: str, sentences: list[str]) -> None:
    assert engine.split_sentences(text) == sentences


def test_empty_text_is_neutral() -> None:
    result = engine.score_text("   ")
    assert (result.compound, result.sentences) == (0.0, [])


def test_version_names_engine_lexicon_and_vader() -> None:
    assert engine.ENGINE_VERSION.startswith("engage-sentiment-2+service-lexicon-")
    assert LEXICON_VERSION in engine.ENGINE_VERSION
    assert sentiment.SCORER_VERSION in engine.ENGINE_VERSION
    assert engine.score_text("ok").version == engine.ENGINE_VERSION


def test_lexicon_entries_each_have_a_reason_and_a_valid_valence() -> None:
    lexicon = load_lexicon()
    assert lexicon.words["outage"] < 0
    assert lexicon.phrases[("no", "issues")] > 0
    assert all(e.reason and -4 <= e.valence <= 4 for e in lexicon.entries)


@pytest.mark.parametrize(
    "text",
    [
        "term\tvalence\treason\noutage\t-2\tx\n",  # no version line
        "# engage-service-lexicon\t1\noutage\t-2\n",  # no reason
        "# engage-service-lexicon\t1\noutage\t-5\tx\n",  # out of range
        "# engage-service-lexicon\t1\noutage\t-2\tx\noutage\t-1\ty\n",  # duplicate
    ],
)
def test_malformed_lexicons_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=r"lexicon|line"):
        parse_lexicon(text)


def test_lexicon_version_comes_from_the_header() -> None:
    parsed = parse_lexicon(
        "# engage-service-lexicon\t7\nterm\tvalence\treason\nlag\t-1\tx\n"
    )
    assert parsed.version == "service-lexicon-7"
    assert parsed.words == {"lag": -1.0}


def test_engine_version_fits_the_stored_column() -> None:
    """SQLite ignores VARCHAR lengths; PostgreSQL refuses the whole response."""
    from engage.models import Feedback

    assert len(engine.ENGINE_VERSION) <= Feedback.__table__.c.scorer_version.type.length
