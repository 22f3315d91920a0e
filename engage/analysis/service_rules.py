"""Sentence rules for service language that a word lexicon alone cannot express.

Each rule reads one sentence's lower-cased words and the valences VADER gave them, and
either rewrites a word's valence (relabelling it ``rule: ...``) or adds a valence of
its own. All vocabulary here is generic service language (answers, fixes, waiting,
time spent); nothing names an industry, a company or a product.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nltk.sentiment.vader import VaderConstants


def words_set(text: str) -> frozenset[str]:
    """The distinct words of a space-separated list."""
    return frozenset(text.split())


#: Words that negate what follows (VADER's list, plus the ones customers use about
#: people who never came back to them).
NEGATORS = frozenset(VaderConstants.NEGATE) | {"nobody", "noone", "yet"}

#: What a customer expects a provider to do. Negated ("never answered", "not fixed",
#: "no one called back") it is a complaint, however polite the rest of the sentence.
OUTCOMES = words_set(
    "answer answered answering respond responded response responses reply replied "
    "replies call called calls callback update updated updates resolve resolved "
    "solve solved fix fixed fixes helped work works worked working arrive arrived "
    "receive received refunded contacted return returned heard acknowledged "
    "processed sorted delivered showed fixing resolving get got getting reach "
    "reached connect connected access load loads loading login log find found "
    "speak talk spoke talked spoken hear notify notified contact"
)

#: Words that, after "still", say the customer is waiting on an unfinished job.
WAITING = words_set("waiting wait waited pending hold")

#: Words that say a failure repeats.
REPEATS = ("again", "keeps", "keep", "repeatedly", "constantly")

#: Before "trying"/"tried", words that make it a struggle rather than an experiment.
EFFORT_LEADS = words_set("been keep keeps kept still i've we've have has")

#: Units of time: with a lead-in ("for hours", "took 3 days") they complain about delay.
TIME_UNITS = words_set("minutes mins hour hours hrs day days week weeks month months")
TIME_LEAD_INS = words_set(
    "for after over took taking take takes waited waiting wait spent been "
    "another almost nearly than wasted"
)

#: Polite words that VADER scores as praise; in a comment that also complains they
#: are courtesy ("please help", "thanks in advance"), not satisfaction.
POLITE = words_set(
    "help helping please pls plz thanks thank thx ty hope hoping appreciate "
    "appreciated care kindly advise"
)

#: Words that mark a complaint even where no word in the sentence is negative.
COMPLAINT_MARKERS = words_set("still again yet never nobody")

#: Openings of a request ("can you reset my password").
REQUEST_OPENERS = frozenset(
    {("can", "you"), ("could", "you"), ("would", "you"), ("can", "someone")}
)

#: Openings of a question that is a complaint ("Why is it still down?").
QUESTION_OPENERS = (("why",), ("how", "come"), ("how", "long"), ("what", "happened"))


@dataclass
class Sentence:
    """One sentence being scored: words, their valences and the rules' additions."""

    words: list[str]
    sentiments: list[float]
    labels: list[str]
    is_question: bool
    extra: list[tuple[str, float]] = field(default_factory=list)

    def negative(self) -> bool:
        """Whether anything in the sentence pulls it down."""
        return any(v < 0 for v in self.sentiments) or any(v < 0 for _, v in self.extra)


def _negator_before(words: list[str], i: int, span: int = 3) -> str | None:
    for j in range(max(0, i - span), i):
        w = words[j]
        if w in NEGATORS or "n't" in w:
            return w
        if w == "one" and j > 0 and words[j - 1] == "no":
            return "no one"
    return None


def negated_outcome(s: Sentence) -> None:
    """ "never answered", "not resolved", "no one called back" -> negative."""
    for i, w in enumerate(s.words):
        if w in OUTCOMES:
            neg = _negator_before(s.words, i)
            if neg is not None and s.sentiments[i] > -1.8:
                s.sentiments[i] = -1.8
                s.labels[i] = f"rule: {neg} {w}"


def still_unfinished(s: Sentence) -> None:
    """ "still waiting", "still no reply", "still down" -> add a complaint."""
    words = s.words
    for i, w in enumerate(words):
        if w != "still":
            continue
        for j in range(i + 1, min(len(words), i + 4)):
            nxt = words[j]
            if (
                nxt in WAITING
                or nxt in NEGATORS
                or "n't" in nxt
                or nxt == "nothing"
                or s.sentiments[j] < 0
            ):
                s.extra.append((f"rule: still {nxt}", -1.5))
                return


def again_failing(s: Sentence) -> None:
    """ "down again", "keeps crashing" -> a repeat failure weighs more."""
    words = s.words
    repeat = next((w for w in REPEATS if w in words), None)
    if repeat is not None and any(v < 0 for v in s.sentiments):
        s.extra.append((f"rule: failing {repeat}", -1.0))


def effort(s: Sentence) -> None:
    """ "been trying to reach someone", "keep trying" -> wasted customer effort."""
    words = s.words
    for i in range(1, len(words)):
        if words[i] in ("trying", "tried") and words[i - 1] in EFFORT_LEADS:
            s.extra.append((f"rule: {words[i - 1]} {words[i]}", -1.0))
            return


def time_lost(s: Sentence) -> None:
    """ "for hours", "took 3 days", "after two weeks" -> a complaint about delay."""
    words = s.words
    for i, w in enumerate(words):
        if w in TIME_UNITS:
            for j in range(max(0, i - 3), i):
                if words[j] in TIME_LEAD_INS:
                    s.extra.append(
                        (f"rule: {words[j]} {' '.join(words[j + 1 : i + 1])}", -1.5)
                    )
                    return


def complaint_question(s: Sentence) -> None:
    """ "Why is it still down?", "how long for a reply" -> a complaint ("why" only in
    a question: "why" also explains)."""
    if not s.words:
        return
    for opener in QUESTION_OPENERS:
        if opener == ("why",) and not s.is_question:
            continue
        if tuple(s.words[: len(opener)]) == opener:
            s.extra.append((f"rule: {' '.join(opener)} ...?", -1.0))
            return


def question_damping(s: Sentence) -> None:
    """A question asks rather than praises: its positive words count half."""
    if s.is_question:
        for i, v in enumerate(s.sentiments):
            if v > 0:
                s.sentiments[i] = v * 0.5


#: The sentence rules, in the order they run.
SENTENCE_RULES = (
    negated_outcome,
    still_unfinished,
    again_failing,
    effort,
    time_lost,
    complaint_question,
    question_damping,
)


def is_complaint(sentences: list[Sentence], service_negatives: frozenset[str]) -> bool:
    """Whether a comment complains: a rule fired, a clearly negative word (<= -1), or
    a service-failure word or complaint marker ("still", "again", "never")."""
    for s in sentences:
        if any(v <= -1.0 for v in s.sentiments):
            return True
        if any(v < 0 for _, v in s.extra):
            return True
        for w, label in zip(s.words, s.labels, strict=True):
            if (
                w in service_negatives
                or w in COMPLAINT_MARKERS
                or label.startswith("rule:")
            ):
                return True
    return False


def is_request(sentences: list[Sentence]) -> bool:
    """Whether a comment asks for something: a question, or "please"/"can you" ..."""
    for s in sentences:
        if (
            s.is_question
            or "please" in s.words
            or tuple(s.words[:2]) in REQUEST_OPENERS
        ):
            return True
    return False


def neutralise_politeness(sentences: list[Sentence]) -> None:
    """In a complaint, "thanks", "please", "help", "hope" are courtesy: valence 0."""
    for s in sentences:
        for i, w in enumerate(s.words):
            if w in POLITE and s.sentiments[i] > 0:
                s.sentiments[i] = 0.0
                s.labels[i] = f"rule: polite complaint ({w})"
