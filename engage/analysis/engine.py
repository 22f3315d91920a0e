"""Engage's sentiment engine: VADER plus a service lexicon and service-language rules.

Pure functions over text, explainable: :func:`score_text` splits a comment into
sentences with NLTK's Punkt tokenizer (untrained: nothing is downloaded), scores each
sentence with NLTK's VADER, whose lexicon is updated with ``service_lexicon.tsv``,
applies the rules of :mod:`engage.analysis.service_rules`, and keeps for every sentence
the words and rules that moved its score.

A comment's score is VADER's own combination over all its sentences: the valences of
every word and rule are summed and normalised (``compound``), with the punctuation
emphasis of the whole comment, so a comment of one plain sentence scores as VADER
would. Negative valences count ``NEGATIVE_WEIGHT`` (1.3) times: a complaint beside a
pleasantry is still a complaint, and missing one costs a provider more than missing
praise. 1.3 lifts negative recall on service feedback while keeping Pearson r on
VADER's general-domain ground truth within 0.01 of stock (bench/sentiment_accuracy.py).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache

from nltk.sentiment.vader import SentimentIntensityAnalyzer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from engage.analysis import sentiment, service_rules
from engage.analysis.lexicon import LEXICON_VERSION, load_lexicon
from engage.analysis.service_rules import Sentence, words_set

#: Stored with every score: a change of rules, lexicon or VADER can be found and rescored.
ENGINE_VERSION = f"engage-sentiment-1+{LEXICON_VERSION}+{sentiment.SCORER_VERSION}"

#: How much more a negative valence counts than a positive one in a comment's score.
NEGATIVE_WEIGHT = 1.3

#: Abbreviations Punkt would otherwise take for sentence ends (it is untrained).
_ABBREVIATIONS = words_set("mr mrs ms dr st vs etc e.g i.e approx min hr hrs no")
#: Only texts with a possible sentence end inside them go through Punkt.
_MAYBE_SPLIT = re.compile(r"[.!?][\"')\]]*\s+\S|\n")
_HASHTAG = re.compile(r"#(\w)")
_PUNCT = frozenset(string.punctuation)
_NO_PUNCT = re.compile(f"[{re.escape(string.punctuation)}]")


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence, its compound score and what drove it (word or rule, valence)."""

    text: str
    compound: float
    drivers: list[tuple[str, float]]


@dataclass(frozen=True)
class Scored:
    """A text's scores (VADER's compound in -1..1 and polarity shares) by sentence."""

    compound: float
    pos: float
    neu: float
    neg: float
    sentences: list[ScoredSentence]
    version: str = ENGINE_VERSION


class _SentiText:
    """VADER's ``SentiText`` computed without its punctuation cross-product.

    Same words and the same all-caps flag as ``nltk.sentiment.vader.SentiText``: a word
    keeps leading or trailing punctuation only when stripping it does not leave a
    punctuation-free word of the text. Quicker on long texts, which keeps the engine's
    extra work (sentences, rules) within the budget of stock VADER's speed.
    """

    __slots__ = ("text", "words_and_emoticons", "is_cap_diff")

    def __init__(self, text: str, punc: frozenset[str]) -> None:
        self.text = text
        # "@support" addresses the comment; it is not a word of it.
        words = [w for w in text.split() if len(w) > 1 and w[0] != "@"]
        known: set[str] | None = None
        for i, w in enumerate(words):
            if w[0] in _PUNCT or w[-1] in _PUNCT:
                if known is None:
                    known = {x for x in _NO_PUNCT.sub("", text).split() if len(x) > 1}
                stripped = w.lstrip(string.punctuation)
                if (
                    stripped != w
                    and w[: len(w) - len(stripped)] in punc
                    and stripped in known
                ):
                    words[i] = stripped
                    continue
                stripped = w.rstrip(string.punctuation)
                if stripped != w and w[len(stripped) :] in punc and stripped in known:
                    words[i] = stripped
        self.words_and_emoticons = words
        caps = sum(1 for w in words if w.isupper())
        self.is_cap_diff = 0 < len(words) - caps < len(words)


class _Engine:
    """One VADER analyzer with the service lexicon, and the sentence splitter."""

    def __init__(self) -> None:
        sentiment.provision_lexicon()
        self.vader = SentimentIntensityAnalyzer()
        lexicon = load_lexicon()
        self.vader.lexicon.update(lexicon.words)
        self.phrases: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        for words, valence in sorted(lexicon.phrases.items(), key=lambda p: -len(p[0])):
            self.phrases.setdefault(words[0], []).append((words, valence))
        self.service_negatives = frozenset(w for w, v in lexicon.words.items() if v < 0)
        self.punc = frozenset(self.vader.constants.PUNC_LIST)
        self.boosters = frozenset(self.vader.constants.BOOSTER_DICT)
        params = PunktParameters()
        params.abbrev_types = set(_ABBREVIATIONS)
        self.splitter = PunktSentenceTokenizer(params)

    def split(self, text: str) -> list[str]:
        # "#fail" is the word "fail": VADER's authors suggest dropping the mark.
        if "#" in text:
            text = _HASHTAG.sub(r"\1", text)
        if not _MAYBE_SPLIT.search(text.strip()):
            return [text.strip()] if text.strip() else []
        out: list[str] = []
        for line in text.splitlines():
            out.extend(s.strip() for s in self.splitter.tokenize(line) if s.strip())
        return out

    def sentence(self, text: str) -> Sentence:
        """VADER's word valences for one sentence, with the service phrases applied."""
        st = _SentiText(text, self.punc)
        words = st.words_and_emoticons
        lower = [w.lower() for w in words]
        vader = self.vader
        lexicon = vader.lexicon
        sentiments: list[float] = []
        first_index: dict[str, int] = {}
        for idx, w in enumerate(words):
            first_index.setdefault(w, idx)
        for idx, (item, low) in enumerate(zip(words, lower, strict=True)):
            kind_of = low == "kind" and idx < len(words) - 1 and lower[idx + 1] == "of"
            if low not in lexicon or low in self.boosters or kind_of:
                sentiments.append(0.0)
            else:
                # VADER looks words up by their first occurrence: keep its behaviour.
                vader.sentiment_valence(0, st, item, first_index[item], sentiments)
        labels = list(words)
        for idx, low in enumerate(lower):
            for phrase, valence in self.phrases.get(low, ()):
                n = len(phrase)
                if tuple(lower[idx : idx + n]) == phrase:
                    sentiments[idx] = valence
                    labels[idx] = " ".join(phrase)
                    for k in range(idx + 1, idx + n):
                        sentiments[k] = 0.0
                    break
        sentiments = vader._but_check(words, sentiments)
        return Sentence(lower, sentiments, labels, text.rstrip().endswith("?"))

    def score(self, text: str) -> Scored:
        raws = self.split(text)
        sentences = [self.sentence(t) for t in raws]
        for s in sentences:
            for rule in service_rules.SENTENCE_RULES:
                rule(s)
        if service_rules.is_complaint(
            sentences, self.service_negatives
        ) or service_rules.is_request(sentences):
            service_rules.neutralise_politeness(sentences)
        scored: list[ScoredSentence] = []
        valences: list[float] = []
        score_valence = self.vader.score_valence
        for s, raw in zip(sentences, raws, strict=True):
            values = s.sentiments + [v for _, v in s.extra]
            drivers = [
                (label, round(v, 3))
                for label, v in zip(s.labels, s.sentiments, strict=True)
                if v != 0 or label.startswith("rule:")
            ]
            drivers.extend(s.extra)
            scored.append(
                ScoredSentence(raw, score_valence(values, raw)["compound"], drivers)
            )
            valences.extend(values)
        if NEGATIVE_WEIGHT != 1.0:
            valences = [v * NEGATIVE_WEIGHT if v < 0 else v for v in valences]
        total = score_valence(valences, text)
        return Scored(
            total["compound"], total["pos"], total["neu"], total["neg"], scored
        )


@cache
def _engine() -> _Engine:
    return _Engine()


def score_text(text: str) -> Scored:
    """Engage's sentiment of ``text``, sentence by sentence, with its drivers."""
    return _engine().score(text)


def explain(text: str) -> str:
    """A readable account of :func:`score_text`: one line per sentence and driver."""
    result = score_text(text)
    lines = [f"{result.compound:+.3f}  {text!r}  [{result.version}]"]
    for s in result.sentences:
        lines.append(f"  {s.compound:+.3f}  {s.text}")
        lines.extend(f"          {label}: {value:+.2f}" for label, value in s.drivers)
    return "\n".join(lines)
