"""Needs: recurring key phrases in feedback text, their sentiment and aspects.

DESIGN.md section 5. A plain, explainable extractor rather than a model, so that a
service manager can check every theme against the comments behind it:

1. Text is lower-cased and cut at punctuation into clauses; a clause is split into
   word tokens (letters, digits, inner apostrophes and hyphens: "month-end").
2. Candidate phrases are single words and pairs of adjacent words in one clause.
   A phrase may not start or end with a stop word (:data:`STOP_WORDS`, built in: no
   NLTK corpus download), nor be made of digits only. Negations ("no", "not",
   "never") may *start* a pair, because "no update" is exactly what IT customers
   complain about, but are never a theme on their own.
3. A phrase counts once per document, however often that document repeats it; it is
   a theme when it occurs in at least :data:`MIN_DOCS` documents.
4. A single word is dropped when a kept pair containing it covers nearly the same
   documents (at least :data:`SUBSUMED` of them): "outage" adds nothing next to
   "outage lasted" when almost every outage comment says so. Of phrases found in
   exactly the same documents (the words of one recurring sentence), only one is
   kept: a pair before a word, then the one said first.
5. A theme's sentiment is the mean compound score of its documents; its aspects are
   those tagged on at least half of its documents, plus any aspect whose keyword
   the phrase contains.
6. A theme is negative below :data:`NEGATIVE` (VADER's neutral band ends at -0.05).
   A negative theme none of whose aspects is covered by an objective in force is an
   *unmet need* (a candidate clause), and so is a negative theme with no aspect.
7. Themes are ranked by ``n x |mean sentiment|``: what many people feel strongly.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

#: A phrase must recur in this many documents to be a theme.
MIN_DOCS = 3
#: A word goes when a kept pair containing it covers this share of its documents.
SUBSUMED = 0.8
#: Mean sentiment below this makes a theme negative.
NEGATIVE = -0.05
#: Examples are cut to this many characters.
EXAMPLE_CHARS = 240

#: Words that may start a pair but are never a theme alone ("no update",
#: "still waiting").
LEADERS = frozenset({"no", "not", "never", "nothing", "without", "still"})

_STOP_TEXT = """
    a about above after again against all also am an and any are aren't as at be
    because been before being below between both but by can can't cannot could
    couldn't did didn't do does doesn't doing don't down during each even ever every
    few for from further get gets got had hadn't has hasn't have haven't having he
    her here hers herself him himself his how i i'm i've if in into is isn't it it's
    its itself just let's like lot lots many may me might more most much must
    mustn't my myself nor of off on once one only or other ought our ours ourselves
    out over own quite rather really same shall she should shouldn't so some such
    than that that's the their theirs them themselves then there there's these they
    they're this those through to too under until up upon us very was wasn't we
    we're we've were weren't what when where which while who whom why will with
    won't would wouldn't you you're your yours yourself yourselves i'd we'll it'll
    they've you've
    already day days first felt go going good great hour hours last made make makes
    month months next nice please said say says see seems since still thank thanks
    think told took twice want went week weeks well within yet
"""
#: Function words and fillers: never at either end of a phrase.
STOP_WORDS = frozenset(_STOP_TEXT.split()) | LEADERS

_CLAUSES = re.compile(r"[.,;:!?()\[\]\"/\n\r\t]+|\s[-–—]\s")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+|-[a-z0-9]+)*")


@dataclass(frozen=True)
class Doc:
    """One piece of feedback text, its compound sentiment and its tagged aspects."""

    text: str
    compound: float
    aspects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    """A recurring phrase: in how many documents, how it felt, what it is about."""

    phrase: str
    n: int
    sentiment: float
    aspects: tuple[str, ...]
    example: str
    unmet: bool = False

    @property
    def negative(self) -> bool:
        return self.sentiment < NEGATIVE

    @property
    def weight(self) -> float:
        """The ranking key: ``n x |mean sentiment|``."""
        return self.n * abs(self.sentiment)

    def as_json(self) -> dict[str, object]:
        return {
            "phrase": self.phrase,
            "n": self.n,
            "sentiment": round(self.sentiment, 3),
            "aspects": list(self.aspects),
            "unmet": self.unmet,
            "example": self.example,
        }


def tokens(clause: str) -> list[str]:
    """Lower-case word tokens of one clause (curly apostrophes made straight)."""
    return [t.replace("’", "'") for t in _TOKEN.findall(clause.lower())]


def _end_ok(word: str) -> bool:
    return word not in STOP_WORDS and not word.isdigit()


def phrases(text: str) -> set[str]:
    """The candidate phrases of one document, each once."""
    found: set[str] = set()
    for clause in _CLAUSES.split(text.lower()):
        words = tokens(clause)
        for i, word in enumerate(words):
            if _end_ok(word):
                found.add(word)
            if i + 1 < len(words):
                second = words[i + 1]
                if (_end_ok(word) or word in LEADERS) and _end_ok(second):
                    found.add(f"{word} {second}")
    return found


def _keyword_aspects(
    phrase: str, aspect_keywords: Mapping[str, Collection[str]]
) -> list[str]:
    """Aspects one of whose keywords occurs in ``phrase`` as whole words."""
    padded = f" {phrase} "
    return [
        aspect
        for aspect, keywords in aspect_keywords.items()
        if any(f" {k.strip().lower()} " in padded for k in keywords if k.strip())
    ]


def _example(docs: list[Doc], negative: bool) -> str:
    """The document that shows the theme's feeling most strongly."""
    doc = min(docs, key=lambda d: d.compound if negative else -d.compound)
    text = " ".join(doc.text.split())
    if len(text) > EXAMPLE_CHARS:
        text = text[: EXAMPLE_CHARS - 1].rstrip() + "…"
    return text


def _one_per_document_set(
    kept: dict[str, list[int]], docs: list[Doc]
) -> dict[str, list[int]]:
    """Keep one phrase per identical set of documents: a pair, then the earliest."""
    best: dict[tuple[int, ...], str] = {}
    for phrase, indexes in kept.items():
        key = tuple(indexes)
        if key not in best or _preferred(phrase, best[key], docs[indexes[0]].text):
            best[key] = phrase
    return {phrase: list(key) for key, phrase in best.items()}


def _preferred(phrase: str, other: str, text: str) -> bool:
    """Whether ``phrase`` names a shared set of documents better than ``other``."""
    if (" " in phrase) != (" " in other):
        return " " in phrase
    lowered = " ".join(tokens(text))
    here, there = lowered.find(phrase), lowered.find(other)
    return (here, phrase) < (there, other)


def themes(
    docs: Iterable[Doc],
    covered: Collection[str] = (),
    aspect_keywords: Mapping[str, Collection[str]] | None = None,
    min_docs: int = MIN_DOCS,
) -> list[Theme]:
    """Recurring phrases of ``docs``, most weighty first (see the module docstring).

    :param covered: names of the aspects an objective in force covers.
    :param aspect_keywords: aspect name -> its keywords, to map phrases to aspects.
    """
    docs = list(docs)
    where: dict[str, list[int]] = defaultdict(list)
    for index, doc in enumerate(docs):
        for phrase in phrases(doc.text):
            where[phrase].append(index)
    kept = {p: ix for p, ix in where.items() if len(ix) >= min_docs}
    pairs = [p for p in kept if " " in p]
    for word in [p for p in kept if " " not in p]:
        docs_of_word = set(kept[word])
        for pair in pairs:
            if word in pair.split() and len(
                docs_of_word & set(kept[pair])
            ) >= SUBSUMED * len(docs_of_word):
                del kept[word]
                break
    kept = _one_per_document_set(kept, docs)
    covered_set = set(covered)
    out: list[Theme] = []
    for phrase, indexes in kept.items():
        members = [docs[i] for i in indexes]
        mean = sum(d.compound for d in members) / len(members)
        tagged = Counter(a for d in members for a in set(d.aspects))
        aspects = [a for a, c in tagged.most_common() if 2 * c >= len(members)]
        for aspect in _keyword_aspects(phrase, aspect_keywords or {}):
            if aspect not in aspects:
                aspects.append(aspect)
        negative = mean < NEGATIVE
        out.append(
            Theme(
                phrase=phrase,
                n=len(members),
                sentiment=mean,
                aspects=tuple(aspects),
                example=_example(members, negative),
                unmet=negative and not covered_set.intersection(aspects),
            )
        )
    out.sort(key=lambda t: (-t.weight, -t.n, t.phrase))
    return out
