"""Rules that find a complaint where the words alone do not say one.

A negated outcome ("never answered"), an unfinished job ("still waiting"), a repeat
failure, wasted effort or time, a complaining question, a broken promise, a customer
leaving, an outage; and :func:`failure_fixed`, which takes a failure back when the
sentence says it was fixed.
"""

from __future__ import annotations

from engage.analysis.rules.sentence import Sentence, is_negator, negator_before
from engage.analysis.rules.vocabulary import (
    COMPLAINT_MARKERS,
    DEMANDS,
    DETERMINERS,
    DOWN_LEADS,
    EFFORT_LEADS,
    GET_UNDERSTAND,
    GLUED_TIME,
    NEVER_AGAIN_VERBS,
    NOT_A_COUNT,
    NOT_AN_ACTION,
    NUMBER,
    OPENER_WORDS,
    OUTCOMES,
    QUANTITIES,
    QUESTION_OPENERS,
    QUICK_TIME,
    REPEATS,
    RESOLUTIONS,
    SPAN_WORDS,
    TIME_LEAD_INS,
    TIME_PLACED,
    TIME_UNITS,
    TOLD_LEADS,
    WAITING,
    WRONG_QUESTIONS,
)


def negated_outcome(s: Sentence) -> None:
    """ "never answered", "not resolved", "no one called back" -> negative.

    What a customer expects a provider to do (answer, fix, call back, deliver), when
    it did not happen, is the complaint itself, in any service. Negation stops at a
    clause boundary ("If not, fix it" is advice), and "don't get why" is about
    understanding, not about getting an answer.
    """
    words = s.words
    if s.vocabulary.isdisjoint(OUTCOMES):
        return
    for i, w in enumerate(words):
        if w in OUTCOMES and i not in s.phrased:
            neg = negator_before(words, i, s.breaks, sentiments=s.sentiments)
            if neg is None or s.sentiments[i] <= -1.8:
                continue
            understand = i + 1 < len(words) and words[i + 1] in GET_UNDERSTAND
            if w in ("get", "got") and understand:
                continue
            s.sentiments[i] = -1.8
            s.labels[i] = f"rule: {neg} {w}"


def still_unfinished(s: Sentence) -> None:
    """ "still waiting", "still no reply", "still down" -> add a complaint.

    "still" before waiting, a negation or a failure word says a job the customer is
    owed is unfinished. A positive word in between ("still a damn good ...") makes it
    "nevertheless", not "not yet".
    """
    if "still" not in s.vocabulary:
        return
    words = s.words
    for i, w in enumerate(words):
        if w != "still":
            continue
        for j in range(i + 1, min(len(words), i + 4)):
            nxt = words[j]
            if s.sentiments[j] > 0:
                break
            if (
                nxt in WAITING
                or is_negator(words, j)
                or nxt == "nothing"
                or s.sentiments[j] < 0
            ):
                s.extra.append((f"rule: still {nxt}", -1.5))
                return
            if j in s.breaks:
                break


def again_failing(s: Sentence) -> None:
    """ "down again", "keeps crashing", "failed twice" -> a repeat failure weighs more.

    A failure that comes back is worse than one that happens once: the fix did not
    hold or the customer had to ask again.
    """
    repeat = next((w for w in REPEATS if w in s.vocabulary), None)
    if repeat is not None and any(v < 0 for v in s.sentiments):
        s.extra.append((f"rule: failing {repeat}", -1.0))


def effort(s: Sentence) -> None:
    """ "been trying to reach someone", "keep trying" -> wasted customer effort.

    Work the customer had to repeat is the provider's failure, whatever it was for.
    """
    words = s.words
    for i in range(1, len(words)):
        if words[i] in ("trying", "tried") and words[i - 1] in EFFORT_LEADS:
            s.extra.append((f"rule: {words[i - 1]} {words[i]}", -1.5))
            return


def _quantity(word: str) -> bool:
    return word.isdigit() or word in QUANTITIES or NUMBER.match(word) is not None


def time_lost(s: Sentence) -> None:
    """ "for hours", "took 3 days", "over 2hrs", "day 11" -> a complaint about delay.

    A customer who counts the time something took is, in service feedback, reporting
    a delay. It has to be a span ("for hours", "for an hour", "the last 3 days"), not
    a time of its own ("for the month", "last week"); and not when it is quick
    ("within the hour", "in under 5 minutes", "only took 2 days"), placed ("3 days
    ago", "24 hours before") or denied ("didn't take 5 minutes").
    """
    words = s.words
    n = len(words)
    for i in range(n):
        w = words[i]
        glued = w[0].isdigit() and GLUED_TIME.match(w) is not None
        if not glued and w not in TIME_UNITS:
            continue
        if i + 1 < n and words[i + 1] in TIME_PLACED:
            continue
        # "day 11", "hour 4": counting the days or hours gone by.
        if (
            w in TIME_UNITS
            and i + 1 < n
            and words[i + 1].isdigit()
            and (i == 0 or words[i - 1] not in NOT_A_COUNT)
            and (i == 0 or not words[i - 1].isdigit())
        ):
            s.extra.append((f"rule: {w} {words[i + 1]}", -1.5))
            return
        # "2 more hours and counting"
        if i + 2 < n and words[i + 1] == "and" and words[i + 2] == "counting":
            s.extra.append((f"rule: {w} and counting", -1.5))
            return
        # The words between the lead-in and the unit must count ("for 3 hours",
        # "for an hour", "for the last 2 days"), not place ("for the month"). VADER
        # drops the word "a": "for a week" reads "for week", which counts.
        counted = glued or w.endswith("s")
        implied = not DETERMINERS.intersection(words[max(0, i - 3) : i])
        start = i
        for j in range(i - 1, max(-1, i - 5), -1):
            if j in s.breaks:
                break
            x = words[j]
            if x in QUICK_TIME or is_negator(words, j):
                start = -1
                break
            if x in TIME_LEAD_INS and (counted or (implied and x != "another")):
                if negator_before(words, j, s.breaks, 2) is not None:
                    start = -1
                    break
                span = " ".join(words[j + 1 : i + 1])
                s.extra.append((f"rule: {x} {span}", -1.5))
                return
            if _quantity(x):
                counted = True
            elif x not in SPAN_WORDS:
                start = -1
                break
            start = j
        # A sentence that opens with a span of time ("Four hours on hold.",
        # "45 minutes and nobody answered") counts it.
        if start == 0 and counted and i + 1 < n:
            s.extra.append((f"rule: {' '.join(words[: i + 1])}", -1.5))
            return


def complaint_question(s: Sentence) -> None:
    """ "Why is it still down?", "where is my refund?", "what is going on with ..."
    -> a complaint.

    "why" and "where is" count only in a question ("why" also explains); "what is
    going on" and "what's up with" ask what went wrong wherever they stand.
    """
    words = s.words
    if not words:
        return
    if words[0] in OPENER_WORDS and _question_opener(s):
        return
    if "going" in s.vocabulary or "up" in s.vocabulary:
        for phrase in WRONG_QUESTIONS:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i : i + n]) == phrase:
                    s.extra.append((f"rule: {' '.join(phrase)} ...?", -1.0))
                    return


def _question_opener(s: Sentence) -> bool:
    words = s.words
    for opener in QUESTION_OPENERS:
        if not s.is_question and opener[0] in ("why", "where", "where's"):
            continue
        if tuple(words[: len(opener)]) == opener:
            s.extra.append((f"rule: {' '.join(opener)} ...?", -1.0))
            return True
    return False


def improvement_demanded(s: Sentence) -> None:
    """ "you need a better system", "do better", "should improve" -> a complaint.

    "better" and "improve" praise only what is already better: asked of the provider
    they say the service falls short.
    """
    v = s.vocabulary
    if "better" not in v and "improve" not in v:
        return
    words = s.words
    for i, w in enumerate(words):
        if w not in ("better", "improve") or s.sentiments[i] <= 0:
            continue
        if (i > 0 and words[i - 1] == "do") or any(
            x in DEMANDS for x in words[max(0, i - 3) : i]
        ):
            s.sentiments[i] = -1.0
            s.labels[i] = f"rule: should be {w}" if w == "better" else "rule: improve"
            return


def told_so(s: Sentence) -> None:
    """ "I was told it would be fixed", "we were told to wait" -> a complaint.

    A customer quoting what staff told them is, in feedback, almost always setting up
    a broken promise or a wrong answer.
    """
    if "told" not in s.vocabulary:
        return
    words = s.words
    for i in range(1, len(words)):
        if words[i] == "told" and words[i - 1] in TOLD_LEADS:
            s.extra.append((f"rule: {words[i - 1]} told", -1.0))
            return


def negated_action(s: Sentence) -> None:
    """ "they didn't say", "you won't give me", "has not been sent" -> a complaint.

    A statement that the provider did not do something, with no sentiment word of its
    own, reports a failure in service feedback. Questions ask rather than report, and
    idioms of reassurance or degree ("doesn't matter", "not only", "don't hesitate")
    are not actions.
    """
    if s.is_question or s.negative():
        return
    words = s.words
    for j, w in enumerate(words):
        if not ("n't" in w or w in ("not", "never", "cannot", "nobody")):
            continue
        if j in s.breaks or j + 1 >= len(words):
            continue
        k = j + 1
        # skip auxiliaries: "didn't even", "has not been", "won't be"
        while k < len(words) - 1 and words[k] in ("even", "been", "be", "ever"):
            k += 1
        target = words[k]
        if target in NOT_AN_ACTION or not target.isalpha():
            continue
        if (
            target in ("get", "got")
            and words[k + 1 : k + 2]
            and words[k + 1] in (GET_UNDERSTAND)
        ):
            continue
        lo, hi = max(0, j - 3), min(len(words), k + 4)
        if any(v != 0 for v in s.sentiments[lo:hi]):
            continue
        s.extra.append((f"rule: {w} {target}", -1.0))
        return


def never_again(s: Sentence) -> None:
    """ "never again", "I will never use them again", "won't be ordering again" ->
    the customer is leaving, the strongest complaint there is."""
    v = s.vocabulary
    if "again" not in v and "never" not in v:
        return
    words = s.words
    for i, w in enumerate(words):
        if w == "never" and (
            "again" in words[i + 1 :]
            or (i + 1 < len(words) and words[i + 1] in NEVER_AGAIN_VERBS)
        ):
            s.extra.append(("rule: never again", -2.0))
            return
        if w == "again" and negator_before(words, i, s.breaks, 6) in (
            "won't",
            "wont",
            "not",
        ):
            s.extra.append(("rule: never again", -2.0))
            return


def fix_demanded(s: Sentence) -> None:
    """ "fix this", "please fix it", "fix your app" -> the customer reports a fault.

    A customer who asks for a repair has something broken, whatever it is; only the
    imperative counts ("able to fix it" or "will fix it" are not demands).
    """
    if "fix" not in s.vocabulary:
        return
    words = s.words
    for i, w in enumerate(words):
        if w != "fix" or i + 1 >= len(words):
            continue
        prev = words[i - 1] if i > 0 else ""
        if prev in ("to", "will", "can", "could", "would", "you'll", "we'll", "i'll"):
            continue
        if words[i + 1] in ("it", "this", "that", "your", "the", "my", "our"):
            s.extra.append((f"rule: fix {words[i + 1]}", -1.0))
            return


def service_down(s: Sentence) -> None:
    """ "the server is down", "the site went down again", "still down" -> an outage.

    "down" means unavailable only as a state of something: after a form of "be",
    "go" or "still" ("is down", "has been down", "went down"). Elsewhere it is a
    direction ("come down the road", "sit down", "down to the wire") and stays neutral.
    """
    if "down" not in s.vocabulary:
        return
    words = s.words
    for i, w in enumerate(words):
        if w != "down" or s.sentiments[i] != 0 or i in s.phrased:
            continue
        # "is down", "has been down", "is the website down?"
        for j in range(i - 1, max(-1, i - 4), -1):
            if j in s.breaks:
                break
            if words[j] in DOWN_LEADS:
                s.sentiments[i] = -1.5
                s.labels[i] = f"rule: {words[j]} down"
                return


def failure_fixed(s: Sentence, failure_words: frozenset[str]) -> None:
    """ "the outage was fixed within the hour", "the server was down but it is
    resolved" -> the failure is what got fixed: praise, not a complaint.

    When a sentence says a fix happened (a resolution word such as "fixed",
    "resolved" or "restored", not negated), its service-failure words name what was
    fixed. A negated fix ("not resolved") has already been turned into a complaint.
    """
    if s.vocabulary.isdisjoint(RESOLUTIONS):
        return
    words = s.words
    if not any(
        w in RESOLUTIONS and v > 0 for w, v in zip(words, s.sentiments, strict=True)
    ):
        return
    for i, w in enumerate(words):
        v = s.sentiments[i]
        if v < 0 and (w in failure_words or s.labels[i].endswith(" down")):
            s.sentiments[i] = 0.0
            s.labels[i] = f"rule: fixed ({w})"


def is_complaint(sentences: list[Sentence], service_negatives: frozenset[str]) -> bool:
    """Whether a comment complains: a rule fired, a clearly negative word (<= -1), or
    a service-failure word or complaint marker ("still", "again", "never")."""
    for s in sentences:
        if any(v <= -1.0 for v in s.sentiments):
            return True
        if any(v < 0 for _, v in s.extra):
            return True
        for w, v in zip(s.words, s.sentiments, strict=True):
            if (w in service_negatives and v < 0) or w in COMPLAINT_MARKERS:
                return True
    return False
