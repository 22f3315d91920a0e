"""Themes against hand-counted phrases (engage.analysis.themes)."""

from __future__ import annotations

import pytest

from engage.analysis.themes import Doc, phrases, themes


def test_phrases_skip_stop_words_digits_and_cross_no_punctuation() -> None:
    found = phrases("The outage lasted 3 hours, no update from the desk.")
    # "outage lasted" is a pair; "lasted 3" ends in digits; "3 hours" too ("hours" is
    # a stop word); the comma ends the clause so "hours no" is no pair.
    assert found == {"outage", "lasted", "outage lasted", "no update", "update", "desk"}


def test_still_may_lead_a_pair_but_is_never_a_theme_alone() -> None:
    assert phrases("Still waiting.") == {"still waiting", "waiting"}


def test_a_phrase_counts_once_per_document() -> None:
    docs = [Doc("slow slow slow", -0.5)] * 2 + [Doc("fine", 0.5)]
    assert themes(docs) == []  # "slow" is in 2 documents only


def test_themes_counts_sentiment_aspects_and_rank() -> None:
    docs = [
        Doc("The VPN is slow again.", -0.4, ("Availability",)),
        Doc("VPN slow every morning", -0.6, ("Availability",)),
        Doc("Billing errors on the invoice", -0.2, ("Cost",)),
        Doc("Billing errors again", -0.4, ()),
        Doc("billing errors, still", -0.3, ("Cost",)),
        Doc("Friendly engineers", 0.8, ("Staff expertise",)),
        Doc("friendly engineers who know the vpn", 0.6, ()),
        Doc("Friendly engineers", 0.7, ()),
    ]
    found = {t.phrase: t for t in themes(docs, covered={"Availability"})}
    # "billing errors" is in docs 3, 4, 5: mean (-0.2 - 0.4 - 0.3) / 3 = -0.3.
    billing = found["billing errors"]
    assert billing.n == 3
    assert billing.sentiment == pytest.approx(-0.3)
    # "Cost" is tagged on 2 of 3 documents (at least half): kept.
    assert billing.aspects == ("Cost",)
    # Negative, and Cost is covered by no objective: an unmet need.
    assert billing.unmet
    # "billing" and "errors" alone cover the same documents as the pair: dropped.
    assert "billing" not in found
    assert "errors" not in found
    # "vpn" is in 3 documents (1, 2, 7) with mean (-0.4 - 0.6 + 0.6) / 3.
    vpn = found["vpn"]
    assert vpn.sentiment == pytest.approx(-0.4 / 3)
    assert vpn.aspects == ("Availability",)  # 2 of 3 documents
    assert not vpn.unmet  # Availability is covered
    # "vpn slow" is only in 2 documents.
    assert "vpn slow" not in found
    friendly = found["friendly engineers"]
    assert friendly.n == 3
    assert friendly.sentiment == pytest.approx(0.7)
    assert not friendly.unmet  # positive themes are never needs
    # One phrase per identical document set: the pair beats its words.
    assert "friendly" not in found
    assert "engineers" not in found
    # Rank by n x |mean|: friendly 2.1, billing 0.9, vpn 0.4.
    assert [t.phrase for t in themes(docs)] == [
        "friendly engineers",
        "billing errors",
        "vpn",
    ]


def test_negative_theme_without_aspect_is_unmet_and_keyword_maps_aspect() -> None:
    docs = [Doc(f"no update on ticket {i}", -0.5) for i in range(3)]
    found = {
        t.phrase: t
        for t in themes(docs, covered=(), aspect_keywords={"Communication": ["update"]})
    }
    theme = found["no update"]
    assert theme.aspects == ("Communication",)  # from the keyword, not tags
    assert theme.unmet
    assert found["no update"].example == "no update on ticket 0"


def test_neutral_theme_is_not_negative() -> None:
    docs = [Doc("portal login", -0.04)] * 3
    (theme,) = themes(docs)
    assert theme.phrase == "portal login"
    assert not theme.negative
    assert not theme.unmet
