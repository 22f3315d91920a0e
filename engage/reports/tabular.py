"""Export row queries: feedback and survey responses as flat rows, read in constant memory.

Rows are read with one query per export, fetched in batches of :data:`BATCH` (``yield_per``:
a server-side cursor on PostgreSQL, the lazy cursor on SQLite), as plain column tuples rather
than ORM objects, so an SLA with 100,000 responses exports in constant memory on SQLite and
PostgreSQL alike. (Keyset pages, ``WHERE id > last ORDER BY id LIMIT n``, were measured
first: SQLite picked the (agreement, received) index and re-sorted every page, 49 s for
300,000 rows instead of 6 s.) The writers (:mod:`engage.reports.csv_export`,
:mod:`engage.reports.workbook`) pass every cell through :mod:`engage.reports.cells`.
The column lists below are stable, and a column is never dropped because the newest rows
lack it. Leaving quotes out (``include_text=False``) removes the free-text columns.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select

from engage.extensions import db
from engage.models import (
    Agreement,
    Answer,
    Aspect,
    Customer,
    Feedback,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyVersion,
)

#: Rows read per query.
BATCH = 2_000

FEEDBACK_COLUMNS: tuple[str, ...] = (
    "feedback_id",
    "received_at",
    "source",
    "kind",
    "customer_id",
    "customer",
    "agreement_id",
    "sla",
    "aspects",
    "score",
    "sentiment_compound",
    "sentiment",
    "text",
    "scorer_version",
    "response_id",
    "session_id",
)
#: Columns dropped when free text is left out.
TEXT_COLUMNS = frozenset({"text"})
RESPONSE_COLUMNS: tuple[str, ...] = (
    "response_id",
    "submitted_at",
    "survey_id",
    "survey",
    "survey_version",
    "agreement_id",
    "sla",
    "customer_id",
    "customer",
)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The half-open UTC interval of the days ``start`` to ``end`` inclusive."""
    return (
        datetime.combine(start, time.min, UTC),
        datetime.combine(end + timedelta(days=1), time.min, UTC),
    )


def sentiment_label(compound: float | None) -> str | None:
    """VADER's conventional bands (+-0.05)."""
    if compound is None:
        return None
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"


def _number(value: float | None) -> int | float | None:
    """Integral answers as ints, so ``-3`` exports as -3, not -3.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


# -- feedback ---------------------------------------------------------------


def feedback_columns(include_text: bool = True) -> list[str]:
    return [c for c in FEEDBACK_COLUMNS if include_text or c not in TEXT_COLUMNS]


def _feedback_query(ids: Sequence[int], low: datetime, high: datetime) -> Select[Any]:
    return (
        select(
            Feedback.id,
            Feedback.received_at,
            Feedback.source,
            Feedback.kind,
            Feedback.customer_id,
            Customer.name,
            Feedback.agreement_id,
            Agreement.name,
            Aspect.name,
            Feedback.aspect_matches,
            Feedback.score,
            Feedback.compound,
            Feedback.text,
            Feedback.scorer_version,
            Answer.response_id,
            Feedback.session_id,
        )
        .join(Customer, Customer.id == Feedback.customer_id)
        .outerjoin(Agreement, Agreement.id == Feedback.agreement_id)
        .outerjoin(Aspect, Aspect.id == Feedback.aspect_id)
        .outerjoin(Answer, Answer.id == Feedback.answer_id)
        .where(
            Feedback.agreement_id.in_(ids),
            Feedback.received_at >= low,
            Feedback.received_at < high,
        )
        .order_by(Feedback.id)
        # One query, fetched in batches (a server-side cursor on PostgreSQL).
        .execution_options(yield_per=BATCH)
    )


def _aspects(primary: str | None, matches: list[dict[str, Any]] | None) -> list[str]:
    names = [primary] if primary else []
    for match in matches or []:
        name = match.get("aspect") if isinstance(match, dict) else None
        if name and name not in names:
            names.append(str(name))
    return names


def feedback_rows(
    agreement_ids: Collection[int],
    start: date,
    end: date,
    *,
    include_text: bool = True,
) -> Iterator[list[Any]]:
    """Raw values of every feedback item on ``agreement_ids`` received in the period."""
    ids = sorted(agreement_ids)
    if not ids:
        return
    low, high = bounds(start, end)
    columns = feedback_columns(include_text)
    for row in db.session.execute(_feedback_query(ids, low, high)):
        (fid, received, source, kind, cid, cname, aid, aname, aspect, matches,
         score, compound, text, scorer, response_id, session_id) = row  # fmt: skip
        values = {
            "feedback_id": fid,
            "received_at": received,
            "source": source.value,
            "kind": kind.value,
            "customer_id": cid,
            "customer": cname,
            "agreement_id": aid,
            "sla": aname,
            "aspects": _aspects(aspect, matches),
            "score": _number(score),
            "sentiment_compound": compound,
            "sentiment": sentiment_label(compound),
            "text": text,
            "scorer_version": scorer,
            "response_id": response_id,
            "session_id": session_id,
        }
        yield [values[c] for c in columns]


# -- survey responses -------------------------------------------------------


def _responses_filter(ids: Sequence[int], low: datetime, high: datetime) -> list[Any]:
    return [
        Invitation.agreement_id.in_(ids),
        Response.submitted_at >= low,
        Response.submitted_at < high,
    ]


def response_questions(
    agreement_ids: Collection[int], start: date, end: date, include_text: bool = True
) -> list[tuple[int, str]]:
    """(question id, header) of every question answered in the period, in survey order.

    Headers are the prompts; a prompt used by several questions (another version of the
    survey) gets its id appended, so no two columns share a header.
    """
    ids = sorted(agreement_ids)
    if not ids:
        return []
    low, high = bounds(start, end)
    versions = (
        select(Response.version_id)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .where(*_responses_filter(ids, low, high))
        .distinct()
    )
    stmt = (
        select(Question.id, Question.prompt, Question.kind)
        .join(SurveyVersion, SurveyVersion.id == Question.version_id)
        .where(Question.version_id.in_(versions))
        .order_by(
            SurveyVersion.survey_id,
            SurveyVersion.number,
            Question.position,
            Question.id,
        )  # fmt: skip
    )
    questions = [
        (qid, prompt)
        for qid, prompt, kind in db.session.execute(stmt)
        if include_text or kind is not QuestionKind.TEXT
    ]
    counts: dict[str, int] = {}
    for _, prompt in questions:
        counts[prompt] = counts.get(prompt, 0) + 1
    return [
        (qid, prompt if counts[prompt] == 1 else f"{prompt} [q{qid}]")
        for qid, prompt in questions
    ]


def _answer_value(number: float | None, choices: Any, text: str | None) -> Any:
    if number is not None:
        return _number(number)
    if choices:
        return [str(c) for c in choices] if isinstance(choices, list) else str(choices)
    return text


def response_rows(
    agreement_ids: Collection[int],
    start: date,
    end: date,
    questions: Sequence[tuple[int, str]],
) -> Iterator[list[Any]]:
    """One row per response: :data:`RESPONSE_COLUMNS`, then one cell per question."""
    ids = sorted(agreement_ids)
    if not ids:
        return
    low, high = bounds(start, end)
    position = {qid: i for i, (qid, _) in enumerate(questions)}
    result = db.session.execute(
        select(
            Response.id,
            Response.submitted_at,
            Survey.id,
            Survey.title,
            SurveyVersion.number,
            Invitation.agreement_id,
            Agreement.name,
            Customer.id,
            Customer.name,
        )
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(SurveyVersion, SurveyVersion.id == Response.version_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .join(Agreement, Agreement.id == Invitation.agreement_id)
        .outerjoin(Customer, Customer.id == Agreement.customer_id)
        .where(*_responses_filter(ids, low, high))
        .order_by(Response.id)
        # One query, fetched in batches (a server-side cursor on PostgreSQL).
        .execution_options(yield_per=BATCH)
    )
    for partition in result.partitions():
        batch = list(partition)
        answers: dict[int, list[Any]] = {
            row[0]: [None] * len(questions) for row in batch
        }
        for rid, qid, number, choices, text in db.session.execute(
            select(
                Answer.response_id,
                Answer.question_id,
                Answer.number,
                Answer.choices,
                Answer.text,
            ).where(Answer.response_id.in_(list(answers)))
        ):
            if qid in position:
                answers[rid][position[qid]] = _answer_value(number, choices, text)
        for row in batch:
            yield [*row, *answers[row[0]]]
