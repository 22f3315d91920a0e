"""NLTK's VADER, with its lexicon provisioned from an installed package.

Nothing is downloaded: the ``vadersentiment`` package ships ``vader_lexicon.txt``; on
first use it is zipped into an NLTK data directory inside the environment, exactly where
``nltk.data.load`` looks for ``sentiment/vader_lexicon.zip`` (NLTK 3.10 refuses to read
lexicons from arbitrary paths).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import nltk
import vaderSentiment
from nltk.sentiment.vader import SentimentIntensityAnalyzer

LEXICON_RESOURCE = "sentiment/vader_lexicon.zip"
#: Stored with every score, so a change of engine or lexicon can be found and rescored.
_LEXICON_VERSION = metadata.version("vadersentiment")
SCORER_VERSION = (
    f"nltk-vader-{nltk.__version__}+lexicon-vadersentiment-{_LEXICON_VERSION}"
)
_lock = threading.Lock()


@dataclass(frozen=True)
class Sentiment:
    """VADER's scores: ``compound`` in -1..1, and the shares of each polarity."""

    compound: float
    pos: float
    neu: float
    neg: float


def _data_dirs() -> list[Path]:
    configured = os.environ.get("ENGAGE_NLTK_DATA")
    dirs = [Path(configured)] if configured else []
    dirs.append(Path(sys.prefix) / "share" / "nltk_data")
    dirs.append(Path(tempfile.gettempdir()) / "engage-nltk-data")
    return dirs


def provision_lexicon() -> Path:
    """Place VADER's lexicon where NLTK loads it; return the data directory used."""
    source = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    with _lock:
        for root in _data_dirs():
            target = root / LEXICON_RESOURCE
            try:
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    partial = target.with_suffix(f".{os.getpid()}.tmp")
                    with zipfile.ZipFile(partial, "w") as archive:
                        archive.write(source, "vader_lexicon/vader_lexicon.txt")
                    partial.replace(target)
            except OSError:
                continue
            if str(root) not in nltk.data.path:
                nltk.data.path.insert(0, str(root))
            return root
    raise RuntimeError("No writable directory for NLTK's VADER lexicon")


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    provision_lexicon()
    return SentimentIntensityAnalyzer()


def score(text: str) -> Sentiment:
    """Stock VADER's sentiment of ``text`` (the baseline Engage's engine is measured by)."""
    result = _analyzer().polarity_scores(text)
    return Sentiment(result["compound"], result["pos"], result["neu"], result["neg"])
