"""Rules that keep questions, answers and requests from counting as praise.

A question asks about what it names ("Is there a good time to call?"), an answer
assents ("Yes, I sent it"), "would like" requests and "looks like" compares, and in a
comment that complains or asks, "thanks" and "please" are courtesy. A question about
whether something failed ("Is there an outage?") is not a complaint either.
"""

from __future__ import annotations

from engage.analysis.rules.sentence import Sentence
from engage.analysis.rules.vocabulary import (
    ANSWERS,
    INTERROGATIVES,
    LIKE_COMPARE,
    LIKE_REQUEST,
    POLITE,
    QUESTION_LEADS,
    REQUEST_OPENERS,
    STATUS_OPENERS,
)


def question_damping(s: Sentence) -> None:
    """A question asks rather than praises: its positive words count half, and none
    at all in a request for information.

    A question that opens with a question word or an auxiliary ("Is there a good time
    to call?", "Can I get a free upgrade?", "When will the new version be ready?")
    asserts nothing about the service: its positive words name what the customer
    asks about. Other questions ("Love the new portal?") keep half their praise.
    """
    if not s.is_question:
        return
    words = s.words
    k = 0
    while k < len(words) - 1 and words[k] in QUESTION_LEADS:
        k += 1
    asks = bool(words) and words[k] in INTERROGATIVES
    for i, v in enumerate(s.sentiments):
        if v > 0:
            if asks:
                s.sentiments[i] = 0.0
                s.labels[i] = f"rule: question ({words[i]})"
            else:
                s.sentiments[i] = v * 0.5


def answer_particle(s: Sentence) -> None:
    """ "Yes, I sent it.", "OK I will try that." -> an answer, not praise.

    In a service conversation the customer answers the provider's questions: a "yes",
    "ok" or "sure" opening a sentence that goes on is assent, not satisfaction (VADER
    scores "yes" +1.7). A "Yes!" on its own stays as VADER scores it.
    """
    words = s.words
    if len(words) > 1 and words[0] in ANSWERS and s.sentiments[0] > 0:
        # "I sure hope": VADER drops the "I", the sentence does not open with "sure".
        first = next((t for t in s.text.split() if t[0] != "@"), "")
        if first.strip(".,!?:;-").lower() != words[0]:
            return
        s.sentiments[0] = 0.0
        s.labels[0] = f"rule: answer ({words[0]})"


def like_not_liking(s: Sentence) -> None:
    """ "would like a copy", "looks like it failed" -> "like" is not praise.

    VADER scores every "like" +1.5. After "would" it makes a request; after "looks",
    "seems", "feels" it compares. Neither says the customer likes anything.
    """
    if "like" not in s.vocabulary:
        return
    words = s.words
    for i in range(1, len(words)):
        if words[i] != "like" or s.sentiments[i] <= 0:
            continue
        prev = words[i - 1]
        if prev in LIKE_REQUEST:
            s.sentiments[i] = 0.0
            s.labels[i] = "rule: request (would like)"
        elif prev in LIKE_COMPARE:
            s.sentiments[i] = 0.0
            s.labels[i] = f"rule: comparison ({prev} like)"


def status_question(s: Sentence, failure_words: frozenset[str]) -> None:
    """ "Is there an outage in my area?", "Any delays today?" -> a question, not a
    complaint.

    A question that opens with an auxiliary or "any" asks whether a failure happened:
    the failure words (the service lexicon's negative words) are its topic, not the
    customer's experience. Questions that already complain ("why", "how come") and
    failures found by a rule ("is it down again?") keep their weight.
    """
    if not s.is_question or not s.words or s.vocabulary.isdisjoint(failure_words):
        return
    words = s.words
    k = 0
    while k < len(words) - 1 and words[k] in QUESTION_LEADS:
        k += 1
    if words[k] not in STATUS_OPENERS or "again" in s.vocabulary:
        return
    for i, w in enumerate(words):
        if (
            w in failure_words
            and s.sentiments[i] < 0
            and not s.labels[i].startswith("rule:")
        ):
            s.sentiments[i] = 0.0
            s.labels[i] = f"rule: asks about ({w})"


def is_request(sentences: list[Sentence]) -> bool:
    """Whether a comment asks for something: a question, or "please"/"can you" ..."""
    for s in sentences:
        if s.is_question or "please" in s.vocabulary:
            return True
        words = s.words
        if tuple(words[:1]) in REQUEST_OPENERS or tuple(words[:2]) in REQUEST_OPENERS:
            return True
    return False


def neutralise_politeness(sentences: list[Sentence]) -> None:
    """In a complaint, "thanks", "please", "help", "hope" are courtesy: valence 0."""
    for s in sentences:
        for i, w in enumerate(s.words):
            if w in POLITE and s.sentiments[i] > 0:
                s.sentiments[i] = 0.0
                s.labels[i] = f"rule: polite complaint ({w})"
