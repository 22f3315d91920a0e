"""Engage's service-language lexicon: ``service_lexicon.tsv``, read once, versioned.

The TSV ships beside this module. Each line is ``term<TAB>valence<TAB>reason``; a
term with spaces is a phrase matched on consecutive words. The first line names the
version (``# engage-service-lexicon<TAB>N``), which becomes part of ENGINE_VERSION.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

_RESOURCE = "service_lexicon.tsv"
_VERSION_TAG = "# engage-service-lexicon"


@dataclass(frozen=True)
class Entry:
    """One lexicon line: a word or phrase, its valence (-4..+4) and why."""

    term: str
    valence: float
    reason: str


@dataclass(frozen=True)
class ServiceLexicon:
    """The parsed lexicon: its version, single words and multi-word phrases."""

    version: str
    entries: tuple[Entry, ...]

    @property
    def words(self) -> dict[str, float]:
        """Single-word entries, ready to update VADER's lexicon with."""
        return {e.term: e.valence for e in self.entries if " " not in e.term}

    @property
    def phrases(self) -> dict[tuple[str, ...], float]:
        """Multi-word entries keyed by their words."""
        return {tuple(e.term.split()): e.valence for e in self.entries if " " in e.term}


def parse_lexicon(text: str) -> ServiceLexicon:
    """Parse the TSV text of a service lexicon.

    :raise ValueError: on a missing version line, a malformed line, a valence outside
        -4..+4, an entry without a reason or a duplicate term.
    """
    lines = text.splitlines()
    if not lines or not lines[0].startswith(_VERSION_TAG):
        raise ValueError("lexicon must start with '# engage-service-lexicon<TAB>N'")
    version = lines[0].split("\t")[-1].strip()
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#") or line.startswith("term\t"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].strip():
            raise ValueError(f"line {number}: want term, valence, reason: {line!r}")
        term = " ".join(parts[0].lower().split())
        valence = float(parts[1])
        if not -4.0 <= valence <= 4.0:
            raise ValueError(f"line {number}: valence {valence} outside -4..+4")
        if term in seen:
            raise ValueError(f"line {number}: duplicate term {term!r}")
        seen.add(term)
        entries.append(Entry(term, valence, parts[2].strip()))
    return ServiceLexicon(f"service-lexicon-{version}", tuple(entries))


@cache
def load_lexicon() -> ServiceLexicon:
    """Engage's packaged service lexicon (parsed once)."""
    source = resources.files(__package__).joinpath(_RESOURCE)
    return parse_lexicon(source.read_text(encoding="utf-8"))


LEXICON_VERSION = load_lexicon().version
