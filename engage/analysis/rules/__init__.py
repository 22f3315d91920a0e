"""Sentence rules for service language that a word lexicon alone cannot express.

Each rule reads one sentence's lower-cased words and the valences VADER gave them, and
either rewrites a word's valence (relabelling it ``rule: ...``) or adds a valence of
its own. All vocabulary here is generic service language (answers, fixes, waiting,
time spent, promises, repeat contacts); nothing names an industry, a company or a
product.

Rules read ``Sentence.words``: lower-cased, without the punctuation around each word
(``"hold..."`` is ``hold``), with typographic apostrophes made plain (``didn’t`` is
``didn't``). ``Sentence.breaks`` marks the words after which a clause ends (a comma,
a semicolon, a dash ...): negation and lead-ins do not reach across a clause.

The rules live in :mod:`.complaints` (what makes a sentence a complaint) and
:mod:`.questions` (what keeps questions, answers and requests from counting as
praise); their words in :mod:`.vocabulary`, the sentence in :mod:`.sentence`. The
engine runs :data:`SENTENCE_RULES`, then :func:`failure_fixed` and
:func:`status_question` with the service lexicon's failure words, and looks each up
here by name: patch or filter them on this package.
"""

from __future__ import annotations

from engage.analysis.rules.complaints import (
    again_failing,
    complaint_question,
    effort,
    failure_fixed,
    fix_demanded,
    improvement_demanded,
    is_complaint,
    negated_action,
    negated_outcome,
    never_again,
    service_down,
    still_unfinished,
    time_lost,
    told_so,
)
from engage.analysis.rules.questions import (
    answer_particle,
    is_request,
    like_not_liking,
    neutralise_politeness,
    question_damping,
    status_question,
)
from engage.analysis.rules.sentence import Sentence, negator_before
from engage.analysis.rules.vocabulary import NEGATORS, words_set

#: The sentence rules, in the order they run.
SENTENCE_RULES = (
    answer_particle,
    like_not_liking,
    service_down,
    negated_outcome,
    still_unfinished,
    again_failing,
    effort,
    time_lost,
    complaint_question,
    told_so,
    improvement_demanded,
    never_again,
    fix_demanded,
    negated_action,
    question_damping,
)

__all__ = [
    "NEGATORS",
    "SENTENCE_RULES",
    "Sentence",
    "again_failing",
    "answer_particle",
    "complaint_question",
    "effort",
    "failure_fixed",
    "fix_demanded",
    "improvement_demanded",
    "is_complaint",
    "is_request",
    "like_not_liking",
    "negated_action",
    "negated_outcome",
    "negator_before",
    "neutralise_politeness",
    "never_again",
    "question_damping",
    "service_down",
    "status_question",
    "still_unfinished",
    "time_lost",
    "told_so",
    "words_set",
]
