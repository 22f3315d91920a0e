"""The sentence the rules read and rewrite, and how far a negation reaches in it."""

from __future__ import annotations

from dataclasses import dataclass, field

from engage.analysis.rules.vocabulary import CLAUSE_OPENERS, NEGATORS


@dataclass
class Sentence:
    """One sentence being scored: words, their valences and the rules' additions."""

    words: list[str]
    sentiments: list[float]
    labels: list[str]
    is_question: bool
    extra: list[tuple[str, float]] = field(default_factory=list)
    #: indices of the words after which a clause ends ("Thanks, ..." -> {0})
    breaks: frozenset[int] = frozenset()
    #: the sentence as written (for marks such as "?!")
    text: str = ""
    #: indices of words inside a lexicon phrase (after its first word): taken
    phrased: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self.vocabulary = frozenset(self.words)

    def negative(self) -> bool:
        """Whether anything in the sentence pulls it down."""
        return any(v < 0 for v in self.sentiments) or any(v < 0 for _, v in self.extra)


def is_negator(words: list[str], j: int) -> bool:
    w = words[j]
    if w in NEGATORS or "n't" in w:
        return True
    return w == "yet" and j + 1 < len(words) and words[j + 1] == "to"


def negator_before(
    words: list[str],
    i: int,
    breaks: frozenset[int] = frozenset(),
    span: int = 3,
    sentiments: list[float] | None = None,
) -> str | None:
    """The nearest negator within ``span`` words before ``i``, in the same clause
    (a comma or a word such as "why" or "when" opens another one).

    With ``sentiments``, a word with a valence of its own in between takes the
    negation ("can't wait to hear": "wait" is negated, not "hear").
    """
    for j in range(i - 1, max(-1, i - span - 1), -1):
        if j in breaks:
            return None
        w = words[j]
        if w in CLAUSE_OPENERS:
            return None
        if w == "one" and j > 0 and words[j - 1] == "no":
            return "no one"
        if is_negator(words, j):
            return w
        if sentiments is not None and sentiments[j] != 0:
            return None
    return None
