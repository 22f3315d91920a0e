"""The VADER wrapper: lexicon from an installed package, no download, versioned."""

from __future__ import annotations

import nltk
import pytest

from engage.analysis import sentiment


def test_scores_like_stock_vader() -> None:
    # The figure bench-data/README.md reports for stock VADER on this complaint.
    assert sentiment.score(
        "Still waiting for a response from support."
    ).compound == pytest.approx(0.4019, abs=1e-4)
    assert sentiment.score("The engineer was brilliant and friendly.").compound > 0.5
    assert sentiment.score("Terrible, the outage ruined our week.").compound < -0.5


def test_lexicon_is_provisioned_into_an_nltk_data_dir(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGE_NLTK_DATA", str(tmp_path))
    root = sentiment.provision_lexicon()
    assert root == tmp_path
    assert (tmp_path / "sentiment" / "vader_lexicon.zip").is_file()
    assert nltk.data.find("sentiment/vader_lexicon.zip")


def test_no_download_is_attempted(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("nltk.download must never be called")

    monkeypatch.setattr(nltk, "download", refuse)
    sentiment._analyzer.cache_clear()
    assert sentiment.score("Great service").compound > 0


def test_scorer_version_names_engine_and_lexicon() -> None:
    assert sentiment.SCORER_VERSION.startswith("nltk-vader-")
    assert "vadersentiment" in sentiment.SCORER_VERSION
