"""CSV and XLSX exports that stream with flat memory and cannot carry formulas.

Rows are read with one query per export, fetched in batches of :data:`BATCH` (``yield_per``:
a server-side cursor on PostgreSQL, the lazy cursor on SQLite), as plain column tuples rather
than ORM objects, so an SLA with 100,000 responses exports in constant memory on SQLite and
PostgreSQL alike. (Keyset pages, ``WHERE id > last ORDER BY id LIMIT n``, were measured
first: SQLite picked the (agreement, received) index and re-sorted every page, 49 s for
300,000 rows instead of 6 s.) Every cell goes
through :mod:`engage.reports.cells`: numbers stay numbers, every other value (answers,
names, headers, sheet names) is neutralised against formula injection.

CSV policy (documented in the README): UTF-8 with a byte order mark, so Excel opens it as
UTF-8 rather than the ANSI code page; RFC 4180 (CRLF, every non-numeric field quoted); the
column lists below are stable, and a column is never dropped because the newest rows lack
it. Leaving quotes out (``include_text=False``) removes the free-text columns.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from openpyxl import Workbook
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
from engage.reports.cells import Cell, sheet_name, value_cell, xlsx_cell

#: Rows read per query.
BATCH = 2_000
#: Bytes per chunk when a finished XLSX file is streamed.
CHUNK = 64 * 1024
#: The UTF-8 byte order mark at the start of every CSV (Excel reads UTF-8 only with it).
BOM = "\ufeff"

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


# -- writers ------------------------------------------------------------------


def csv_lines(header: Iterable[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text in chunks: BOM, header, then rows, flushed every :data:`BATCH` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([value_cell(h) for h in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow([value_cell(c) for c in row])
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def feedback_csv(
    agreement_ids: Collection[int], start: date, end: date, include_text: bool = True
) -> Iterator[str]:
    rows = feedback_rows(agreement_ids, start, end, include_text=include_text)
    return csv_lines(feedback_columns(include_text), rows)


def responses_csv(
    agreement_ids: Collection[int], start: date, end: date, include_text: bool = True
) -> Iterator[str]:
    questions = response_questions(agreement_ids, start, end, include_text)
    header = [*RESPONSE_COLUMNS, *(h for _, h in questions)]
    return csv_lines(header, response_rows(agreement_ids, start, end, questions))


class SafeSheets:
    """A write-only workbook whose sheet names and cells are all neutralised."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self._names: set[str] = set()

    def sheet(
        self, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        ws = self.book.create_sheet(title=sheet_name(name, self._names))
        ws.append([xlsx_cell(h) for h in header])
        for row in rows:
            ws.append([_xlsx(c) for c in row])

    def save(self) -> str:
        """Write the workbook to a temporary file and return its path."""
        fd, path = tempfile.mkstemp(prefix="engage-export-", suffix=".xlsx")
        os.close(fd)
        self.book.save(path)
        return path


def _xlsx(value: Any) -> Cell | datetime:
    # Timestamps as real Excel dates (naive UTC: Excel has no time zones).
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return xlsx_cell(value)


def stream_file(path: str, chunk: int = CHUNK) -> Iterator[bytes]:
    """The file's bytes in chunks; the file is deleted once read (or abandoned)."""
    try:
        with open(path, "rb") as handle:
            while data := handle.read(chunk):
                yield data
    finally:
        os.unlink(path)


# -- the XLSX insight report ---------------------------------------------------

SUMMARY_COLUMNS = ("agreement_id", "sla", "alignment", "why", "perception", "n",
                   "ci_low", "ci_high", "objectives_met", "objectives_measured",
                   "trend", "themes", "unmet_needs")  # fmt: skip
TREND_COLUMNS = ("agreement_id", "sla", "month", "perception_mean", "n", "ci_low",
                 "ci_high", "compliance_pct")  # fmt: skip
SESSION_COLUMNS = ("session_id", "held_on", "customer", "title", "channel",
                   "attendees", "notes", "asks", "commitments")  # fmt: skip
ACTION_COLUMNS = ("action_id", "title", "customer", "sla", "owner", "due_on",
                  "status", "session_id", "quote")  # fmt: skip


def _summary_rows(data: Any) -> Iterator[list[Any]]:
    yield ["Report", data.title, data.subtitle]
    yield ["Period", data.start, data.end]
    yield ["Generated", data.generated_at]
    yield ["Quotes included", data.include_quotes]
    if data.omitted:
        yield ["SLAs without a section", data.omitted]
    yield []
    yield list(SUMMARY_COLUMNS)
    for section in data.sections:
        ev, a = section.evidence, section.agreement
        estimate = ev["perception"]
        yield [a.id, a.name, ev["alignment_label"], ev["why"], estimate.get("value"),
               estimate.get("n"), estimate.get("low"), estimate.get("high"),
               ev["compliance"]["met"], ev["compliance"]["measured"],
               ev["trend"]["direction"], [t.get("phrase") for t in ev["themes"]],
               [t.get("phrase") for t in ev["unmet_needs"]]]  # fmt: skip


def _trend_rows(data: Any) -> Iterator[list[Any]]:
    for section in data.sections:
        a = section.agreement
        for p in section.series:
            yield [a.id, a.name, p.month, p.mean, p.n, p.low, p.high, p.compliance]


def _session_rows(data: Any, include_text: bool) -> Iterator[list[Any]]:
    for s in data.sessions:
        texts = [s.attendees, s.notes, s.asks, s.commitments] if include_text else []
        yield [s.id, s.held_on, s.customer.display_name, s.title, s.channel.value,
               *texts]  # fmt: skip


def _action_rows(data: Any, include_text: bool) -> Iterator[list[Any]]:
    for item in data.actions:
        yield [item.id, item.title, item.customer.display_name,
               item.agreement.name if item.agreement else None,
               item.owner.name if item.owner else None, item.due_on,
               item.status.label, item.session_id,
               *([item.quote] if include_text else [])]  # fmt: skip


def report_xlsx(data: Any, include_text: bool | None = None) -> str:
    """The insight report :class:`~engage.reports.data.ReportData` as an XLSX file.

    Sheets: Summary (one line per detailed SLA), Trend (monthly perception mean, n,
    95 % CI and compliance %), Feedback (every item of the report's SLAs in the
    period), Sessions and Action items (those of the report). Returns the path of a
    temporary file; stream it with :func:`stream_file`, which deletes it.
    """
    text = data.include_quotes if include_text is None else include_text
    book = SafeSheets()
    book.sheet("Summary", [data.title], _summary_rows(data))
    book.sheet("Trend", TREND_COLUMNS, _trend_rows(data))
    book.sheet(
        "Feedback",
        feedback_columns(text),
        feedback_rows(data.agreement_ids, data.start, data.end, include_text=text),
    )
    sessions = SESSION_COLUMNS if text else SESSION_COLUMNS[:5]
    book.sheet("Sessions", sessions, _session_rows(data, text))
    actions = ACTION_COLUMNS if text else ACTION_COLUMNS[:-1]
    book.sheet("Action items", actions, _action_rows(data, text))
    return book.save()
