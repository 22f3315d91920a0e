"""The vocabulary of the service-language rules: word sets, phrases and patterns.

All of it is generic service language (answers, fixes, waiting, time spent, promises,
repeat contacts); nothing names an industry, a company or a product. Words are
lower-cased and plain, as in ``Sentence.words``.
"""

from __future__ import annotations

import re

from nltk.sentiment.vader import VaderConstants


def words_set(text: str) -> frozenset[str]:
    """The distinct words of a space-separated list."""
    return frozenset(text.split())


#: Words that negate what follows (VADER's list, plus the ones customers use about
#: people who never came back to them). "yet" negates only as "yet to" ("have yet to
#: hear back"), see :func:`negator_before`.
NEGATORS = frozenset(VaderConstants.NEGATE) | {"nobody", "noone", "cannot"}

#: Words that open a clause of their own: "I don't know why it works" negates "know".
CLAUSE_OPENERS = words_set("why what how when where who which whether if that because")

#: What a customer expects a provider to do. Negated ("never answered", "not fixed",
#: "no one called back") it is a complaint, however polite the rest of the sentence.
OUTCOMES = words_set(
    "answer answered answering respond responded responding response responses "
    "reply replied replying replies call called calls callback update updated updates "
    "resolve resolved solve solved fix fixed fixes help helped helping work works "
    "worked working arrive arrived receive received refund refunded contacted return "
    "returned heard acknowledged processed sorted delivered showed fixing resolving "
    "get got getting reach reached connect connected access load loads loading login "
    "log find found speak talk spoke talked spoken hear notify notified contact "
    "inform informed honor honored honour honoured"
)

#: After a negated "get", these make it "understand" ("I don't get why"), not a
#: missing answer or delivery.
GET_UNDERSTAND = words_set("why it how what")

#: Words that, after "still", say the customer is waiting on an unfinished job.
WAITING = words_set("waiting wait waited pending hold sitting stuck")

#: Words that say a failure repeats.
REPEATS = ("again", "keeps", "keep", "repeatedly", "constantly", "twice")

#: Before "trying"/"tried", words that make it a struggle rather than an experiment.
EFFORT_LEADS = words_set("been keep keeps kept still i've we've have has")

#: Units of time: with a lead-in ("for hours", "took 3 days") they complain about delay.
TIME_UNITS = words_set(
    "minutes mins min minute hour hours hr hrs day days week weeks month months"
)
#: A number glued to its unit: "2hrs", "45min", "3hr30min".
GLUED_TIME = re.compile(r"^\d+\+?(?:min|mins|minutes|hr|hrs|hour|hours|day|days)\b")
TIME_LEAD_INS = words_set(
    "for after over took taking take takes waited waiting wait spent been "
    "another almost nearly than wasted"
)
#: Words that count a span of time ("an hour", "a few days", "all day").
QUANTITIES = words_set(
    "an one two three four five six seven eight nine ten eleven twelve fifteen "
    "twenty thirty forty fifty sixty half few several couple many multiple all "
    "whole entire"
)
#: Words that place a span instead of counting it ("for the month", "this week").
DETERMINERS = words_set("the this that next each per every my our")
NUMBER = re.compile(r"^\d+(?:[.,:]\d+)?\+?$")
#: Words that may stand inside a span of time ("the last 3", "more than 2", "of").
SPAN_WORDS = words_set("the last past more than about around almost nearly over of +")
#: Lead-ins that make a span of time quick ("within the hour", "in under 5 minutes").
QUICK_TIME = words_set("within under less only just")
#: After a span of time, words that place it rather than complain about it.
TIME_PLACED = words_set(
    "ago before prior early earlier notice later until till left away from"
)
#: Before "day 3", words that make it a date or a rate, not a count of days.
NOT_A_COUNT = words_set("per each every the this that of")

#: Polite words that VADER scores as praise; in a comment that also complains they
#: are courtesy ("please help", "thanks in advance"), not satisfaction.
POLITE = words_set(
    "help helping please pls plz thanks thank thx ty hope hoping appreciate "
    "appreciated care kindly advise"
)

#: Words that mark a complaint even where no word in the sentence is negative.
#: ("again" is not one: "thanks again"; with a failure it is :func:`again_failing`.)
COMPLAINT_MARKERS = words_set("still yet never nobody")

#: Openings of a request ("can you reset my password", "I would like a copy").
REQUEST_OPENERS = frozenset(
    {
        ("can", "you"),
        ("could", "you"),
        ("would", "you"),
        ("can", "someone"),
        ("can", "i"),
        ("could", "i"),
        ("i", "need"),
        ("we", "need"),
        ("i'd", "like"),
        ("i", "would"),
        ("we", "would"),
        ("we'd", "like"),
        ("please",),
        ("pls",),
        ("plz",),
        ("kindly",),
    }
)

#: Openings of a question that is a complaint ("Why is it still down?").
QUESTION_OPENERS = (
    ("why",),
    ("how", "come"),
    ("how", "long"),
    ("what", "happened"),
    ("where", "is"),
    ("where's",),
    ("where", "are"),
)
OPENER_WORDS = frozenset(o[0] for o in QUESTION_OPENERS)
#: Words that open a request for information ("Is there ...?", "Can I ...?").
INTERROGATIVES = words_set(
    "can could would will is are do does did how when what where which who whom "
    "whose any anyone should shall may might has have was were am what's whats "
    "when's how's who's which's"
)
#: Words that may stand before the question word: greetings and links.
QUESTION_LEADS = words_set("hi hello hey so and but also then ok okay quick question")

#: Openings of a question about whether something failed ("Is there an outage?").
STATUS_OPENERS = words_set(
    "is are was were will would do does did can could has have should any"
)

#: Anywhere in a sentence, questions that ask what has gone wrong.
WRONG_QUESTIONS = (
    ("what's", "going", "on"),
    ("what", "is", "going", "on"),
    ("whats", "going", "on"),
    ("what's", "up", "with"),
    ("whats", "up", "with"),
    ("what", "is", "up", "with"),
)

#: Words that open an answer ("Yes, I did", "OK I'll try").
ANSWERS = words_set("yes yeah yep yup ok okay sure alright")

#: "like" after these compares ("looks like rain"); after "would" it asks.
LIKE_COMPARE = words_set(
    "look looks looked looking seem seems seemed feel feels felt sound sounds "
    "sounded more just something"
)
LIKE_REQUEST = words_set("would i'd we'd you'd they'd he'd she'd")

#: Words that say a fault is over ("the outage was fixed").
RESOLUTIONS = words_set("fixed resolved solved restored repaired")

#: Before "down", words that make it a state ("is down", "went down", "still down").
DOWN_LEADS = words_set(
    "is are was were be been being it's its went goes go going gone still keeps "
    "keep kept"
)

#: Before "better" or "improve", words that demand it ("need a better system").
DEMANDS = words_set(
    "need needs should must could gotta would expected expect hoped wish"
)

#: Words that only report that something was said ("I was told it was fixed").
TOLD_LEADS = words_set("was were been being")

#: What a negated word must not be for a negated action to be a complaint: idioms of
#: reassurance or of degree ("doesn't matter", "not only", "don't hesitate").
NOT_AN_ACTION = words_set(
    "only just matter mind hesitate forget think know believe sure a an the to "
    "that this it too so as be very really much many more less all at even need "
    "want have since because if when while with for of in on by from"
)

#: Words a customer uses to leave a provider ("never again", "switching to").
NEVER_AGAIN_VERBS = words_set(
    "use using buy buying order ordering recommend deal shop return"
)
