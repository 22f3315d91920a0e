"""Aspect tagging: which SLA aspects a piece of feedback talks about, and by which words.

A keyword map gives each aspect its words and phrases (edited by staff in Admin >
Aspects). A keyword matches whole words, case-insensitively; a phrase matches its words
in order ("service desk", "on hold"). Pure functions: the map is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@dataclass(frozen=True)
class AspectMatch:
    """An aspect found in a text, with the keywords that found it (in text order)."""

    aspect_id: int
    aspect: str
    words: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "aspect_id": self.aspect_id,
            "aspect": self.aspect,
            "words": list(self.words),
        }


@dataclass(frozen=True)
class KeywordMap:
    """Keywords compiled for matching: first word -> [(phrase words, aspect)]."""

    index: dict[str, list[tuple[tuple[str, ...], int, str]]]
    order: dict[int, int]


def tokens(text: str) -> list[str]:
    """The lower-cased words of ``text`` as the matcher sees them."""
    return _WORD.findall(text.lower())


def normalise_keyword(keyword: str) -> str:
    """A keyword as it is stored: its words, lower case, single-spaced."""
    return " ".join(tokens(keyword))


def compile_map(aspects: Iterable[tuple[int, str, Iterable[str]]]) -> KeywordMap:
    """Compile ``(aspect id, name, keywords)`` triples; earlier aspects win ties."""
    index: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}
    order: dict[int, int] = {}
    for position, (aspect_id, name, keywords) in enumerate(aspects):
        order[aspect_id] = position
        for keyword in keywords:
            words = tuple(tokens(keyword))
            if words:
                index.setdefault(words[0], []).append((words, aspect_id, name))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))  # longest phrase first
    return KeywordMap(index, order)


def match_aspects(text: str, keyword_map: KeywordMap) -> list[AspectMatch]:
    """The aspects ``text`` mentions, most-mentioned first, each with its words."""
    words = tokens(text)
    found: dict[int, tuple[str, list[str]]] = {}
    i = 0
    while i < len(words):
        step = 1
        for phrase, aspect_id, name in keyword_map.index.get(words[i], ()):
            n = len(phrase)
            if tuple(words[i : i + n]) == phrase:
                found.setdefault(aspect_id, (name, []))[1].append(" ".join(phrase))
                step = n
                break
        i += step
    ranked = sorted(
        found.items(), key=lambda kv: (-len(kv[1][1]), keyword_map.order[kv[0]])
    )
    return [
        AspectMatch(aspect_id, name, tuple(dict.fromkeys(hits)))
        for aspect_id, (name, hits) in ranked
    ]
