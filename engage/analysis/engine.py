"""Engage's sentiment engine: VADER plus a service lexicon and service-language rules.

Pure functions over text, explainable: :func:`score_text` splits a comment into
sentences (:func:`split_sentences`: Punkt's rules for an untrained model, in one
regular expression; nothing is downloaded), scores each sentence with NLTK's VADER,
whose lexicon is updated with ``service_lexicon.tsv``, applies the rules of
:mod:`engage.analysis.rules`, and keeps for every sentence the words and rules
that moved its score.

A comment's score is VADER's own combination over all its sentences: the valences of
every word and rule are summed and normalised (``compound``), with the punctuation
emphasis of the whole comment, so a comment of one plain sentence scores as VADER
would. Negative valences count ``NEGATIVE_WEIGHT`` (1.3) times: a complaint beside a
pleasantry is still a complaint, and missing one costs a provider more than missing
praise. 1.3 lifts negative recall on service feedback while keeping Pearson r on
VADER's general-domain ground truth within 0.01 of stock (bench/sentiment_accuracy.py).
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass
from functools import cache

from nltk.sentiment.vader import SentimentIntensityAnalyzer

from engage.analysis import rules as service_rules
from engage.analysis import sentiment
from engage.analysis.lexicon import LEXICON_VERSION, load_lexicon
from engage.analysis.rules import Sentence, words_set

#: Stored with every score: a change of rules, lexicon or VADER can be found and rescored.
ENGINE_VERSION = f"engage-sentiment-2+{LEXICON_VERSION}+{sentiment.SCORER_VERSION}"

#: How much more a negative valence counts than a positive one in a comment's score.
NEGATIVE_WEIGHT = 1.3

#: Words whose full stop does not end a sentence ("Dr. Smith", "approx. 2 hours").
_ABBREVIATIONS = words_set("mr mrs ms dr st vs etc e.g i.e approx min hr hrs no")
#: Only texts with a possible sentence end inside them are split.
_MAYBE_SPLIT = re.compile(r"[.!?][\"')\]]*\s+\S|\n")
#: A possible sentence end: end marks, closing quotes or brackets, then white space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]\u201d\u2019]*\s+")
_CLOSERS = "\"')]\u201d\u2019"
_HASHTAG = re.compile(r"#(\w)")
_PUNCT = frozenset(string.punctuation)
_NO_PUNCT = re.compile(f"[{re.escape(string.punctuation)}]")
_NEGATORS = service_rules.NEGATORS
#: A word ending in one of these ends a clause: negation does not reach past it.
_CLAUSE_ENDS = frozenset(",;:.!?-")
_EDGE_PUNCT = string.punctuation + "\u201c\u201d\u2018\u2019\u2026"


def _plain(word: str) -> str:
    """A lower-cased word without the punctuation around it, apostrophes plain."""
    if "\u2019" in word:
        word = word.replace("\u2019", "'")
    return word.strip(_EDGE_PUNCT) or word


def _is_question(text: str) -> bool:
    """Whether a sentence ends as a question ("?", "?!", "??!!" with closers after)."""
    end = text.rstrip().rstrip(_CLOSERS)
    marks = end[len(end.rstrip("!?")) :]
    return "?" in marks


def _ends_sentence(line: str, end: int, start: int) -> bool:
    """Whether the end marks just before ``line[end]`` close a sentence.

    Punkt's rules without training data: "?" and "!" always do; a full stop does
    unless its word is a known abbreviation, an initial ("J."), part of an ellipsis
    ("...", which an untrained Punkt never splits on), or a number before a
    lower-case word ("at 5. then").
    """
    token = line[line.rfind(" ", 0, end) + 1 : end].rstrip(_CLOSERS)
    stem = token.rstrip(".!?")
    marks = token[len(stem) :]
    if "?" in marks or "!" in marks:
        return True
    if len(marks) > 1 or stem.endswith("\u2026"):
        return False
    word = stem.lower().lstrip("(\"'")
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    following = line[start : start + 1]
    return not (word.replace(",", "").isdigit() and following.islower())


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``: split at line breaks and at sentence ends."""
    stripped = text.strip()
    if not _MAYBE_SPLIT.search(stripped):
        return [stripped] if stripped else []
    out: list[str] = []
    for line in stripped.splitlines():
        begin = 0
        for m in _SENTENCE_END.finditer(line):
            if _ends_sentence(line, m.start(), m.end()):
                part = line[begin : m.end()].strip()
                if part:
                    out.append(part)
                begin = m.end()
        part = line[begin:].strip()
        if part:
            out.append(part)
    return out


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

    __slots__ = ("text", "words_and_emoticons", "is_cap_diff", "caps", "breaks")

    def __init__(self, text: str, punc: frozenset[str]) -> None:
        self.text = text
        # "@support" addresses the comment; it is not a word of it.
        # One-letter words carry nothing for VADER ("a", "I"); a digit is kept for the
        # rules ("for 2 hours"): VADER has no valence for it either.
        words = [w for w in text.split() if (len(w) > 1 or w.isdigit()) and w[0] != "@"]
        #: the words after which a clause ends, before VADER strips the punctuation
        self.breaks = frozenset(i for i, w in enumerate(words) if w[-1] in _CLAUSE_ENDS)
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
        self.caps = caps = sum(1 for w in words if w.isupper())
        self.is_cap_diff = 0 < len(words) - caps < len(words)


class _Engine:
    """One VADER analyzer with the service lexicon, and the sentence splitter."""

    def __init__(self) -> None:
        sentiment.provision_lexicon()
        self.vader = SentimentIntensityAnalyzer()
        lexicon = load_lexicon()
        self.vader.lexicon.update(lexicon.words)
        self.phrases: dict[str, list[tuple[tuple[str, ...], float, str]]] = {}
        for phrase, valence in sorted(
            lexicon.phrases.items(), key=lambda p: -len(p[0])
        ):
            # VADER drops one-letter words ("a", "I"): match phrases the same way
            # ("is a joke" is matched as "is joke").
            words = tuple(w for w in phrase if len(w) > 1)
            label = " ".join(phrase)
            self.phrases.setdefault(words[0], []).append((words, valence, label))
        self.service_negatives = frozenset(w for w, v in lexicon.words.items() if v < 0)
        # Words the service lexicon makes neutral: VADER would still turn a neutral
        # word in capitals into a negative one ("PLEASE" -0.7).
        self.zero = frozenset(w for w, v in lexicon.words.items() if v == 0)
        self.punc = frozenset(self.vader.constants.PUNC_LIST)
        self.boosters = frozenset(self.vader.constants.BOOSTER_DICT)

    def split(self, text: str) -> list[str]:
        # "#fail" is the word "fail": VADER's authors suggest dropping the mark.
        if "#" in text:
            text = _HASHTAG.sub(r"\1", text)
        return split_sentences(text)

    def sentence(self, st: _SentiText) -> Sentence:
        """VADER's word valences for one sentence, with the service phrases applied."""
        text = st.text
        words = st.words_and_emoticons
        lower = [w.lower() for w in words]
        vader = self.vader
        lexicon = vader.lexicon
        sentiments: list[float] = []
        boosters, zero = self.boosters, self.zero
        for idx, (item, low) in enumerate(zip(words, lower, strict=True)):
            kind_of = low == "kind" and idx < len(words) - 1 and lower[idx + 1] == "of"
            if low not in lexicon or low in boosters or low in zero or kind_of:
                sentiments.append(0.0)
            else:
                # VADER looks words up by their first occurrence: keep its behaviour.
                vader.sentiment_valence(0, st, item, words.index(item), sentiments)
        labels = list(words)
        # Rules and phrases read words without the punctuation around them.
        plain = [_plain(low) for low in lower]
        breaks = st.breaks
        consumed: set[int] = set()
        for idx, low in enumerate(plain):
            if idx in consumed:
                continue
            for phrase, valence, label in self.phrases.get(low, ()):
                n = len(phrase)
                if tuple(plain[idx : idx + n]) != phrase or breaks.intersection(
                    range(idx, idx + n - 1)
                ):
                    continue
                # "won't be let down": a phrase is negated as VADER negates a word.
                if phrase[0] not in _NEGATORS and service_rules.negator_before(
                    plain, idx, breaks
                ):
                    valence *= self.vader.constants.N_SCALAR
                sentiments[idx] = valence
                labels[idx] = label
                for k in range(idx + 1, idx + n):
                    sentiments[k] = 0.0
                    consumed.add(k)
                break
        sentiments = vader._but_check(words, sentiments)
        return Sentence(
            plain,
            sentiments,
            labels,
            _is_question(text),
            breaks=breaks,
            text=text,
            phrased=frozenset(consumed),
        )

    def score(self, text: str) -> Scored:
        raws = self.split(text)
        texts = [_SentiText(t, self.punc) for t in raws]
        if len(texts) > 1:
            # VADER's all-caps flag belongs to the whole comment: a word in capitals
            # is emphasis only beside words that are not, wherever they are.
            n = sum(len(t.words_and_emoticons) for t in texts)
            caps = sum(t.caps for t in texts)
            for t in texts:
                t.is_cap_diff = 0 < n - caps < n
        sentences = [self.sentence(t) for t in texts]
        failure_words = self.service_negatives
        for s in sentences:
            for rule in service_rules.SENTENCE_RULES:
                rule(s)
            service_rules.failure_fixed(s, failure_words)
            service_rules.status_question(s, failure_words)
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
            scored.append(ScoredSentence(raw, _compound(values, raw), drivers))
            valences.extend(values)
        if NEGATIVE_WEIGHT != 1.0:
            valences = [v * NEGATIVE_WEIGHT if v < 0 else v for v in valences]
        total = score_valence(valences, text)
        return Scored(
            total["compound"], total["pos"], total["neu"], total["neg"], scored
        )


def _compound(values: list[float], text: str) -> float:
    """VADER's compound score of valences (``score_valence``'s, without the shares)."""
    total = sum(values)
    if not values or total == 0:
        return 0.0
    emphasis = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 1:
        emphasis += questions * 0.18 if questions <= 3 else 0.96
    total += emphasis if total > 0 else -emphasis
    return round(total / math.sqrt(total * total + 15), 4)


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
