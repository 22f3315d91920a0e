"""Importing feedback files: each row scored, tagged and stored once, however often sent.

Every row gets an ``import_key``, a digest of its normalised values; a row whose key is
stored already is skipped, and ``INSERT ... ON CONFLICT (import_key) DO NOTHING`` keeps
a second import running at the same moment from storing it twice.

Reading, checking and scoring happen in a deferred read transaction; only the inserts
take SQLite's write lock (``engage.database.reading_first``). The caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from engage import audit, rollups
from engage.auth.access import visible_customer_ids
from engage.database import reading_first
from engage.extensions import db
from engage.feedback import load_keyword_map, text_feedback
from engage.imports.feedback_csv import (
    AgreementRef,
    CustomerRef,
    Directory,
    FeedbackRow,
    ParsedFeedback,
    RowError,
    parse_feedback_csv,
)
from engage.models import (
    Agreement,
    Customer,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    User,
)

T = TypeVar("T")
#: Rows per query and per INSERT: few round trips, short statements.
CHUNK = 500
#: The columns an imported row sets; every INSERT of a batch names the same ones.
COLUMNS = (
    "source",
    "kind",
    "received_at",
    "customer_id",
    "agreement_id",
    "objective_id",
    "aspect_id",
    "import_key",
    "aspect_matches",
    "score",
    "text",
    "compound",
    "pos",
    "neu",
    "neg",
    "scorer_version",
)
Progress = Callable[[int], None]


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), row by row of the file."""

    #: Data rows in the file.
    total: int
    dry_run: bool = False
    #: Rows stored now (or that would be).
    imported: int = 0
    #: Of those, rows that also got a CSAT score row.
    scores: int = 0
    #: Rows already stored by an earlier import, or repeated within the file.
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def directory_for(user: User | None) -> Directory:
    """The customers and SLAs ``user`` may import for; everything for None (the CLI).

    Corporate SLAs belong to no customer and take no imported rows.
    """
    ids = visible_customer_ids(user) if user is not None else None
    parent = aliased(Customer)
    customers = select(Customer.id, Customer.name, parent.name.label("parent")).join(
        parent, Customer.parent_id == parent.id, isouter=True
    )
    agreements = select(Agreement.id, Agreement.name, Agreement.customer_id).where(
        Agreement.customer_id.is_not(None)
    )
    if ids is not None:
        customers = customers.where(Customer.id.in_(ids))
        agreements = agreements.where(Agreement.customer_id.in_(ids))
    return Directory(
        (
            CustomerRef(r.id, r.name, f"{r.parent} / {r.name}" if r.parent else r.name)
            for r in db.session.execute(customers)
        ),
        (
            AgreementRef(r.id, r.name, r.customer_id)
            for r in db.session.execute(agreements)
        ),
    )


def _end_transaction() -> None:
    """End the open transaction, which must not have written anything.

    A write request or the CLI begins with SQLite's write lock (``BEGIN IMMEDIATE``);
    ending its first transaction lets the reading and scoring below run without it.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("commit or roll back pending changes before importing")
    session.rollback()


def read_csv(data: bytes, user: User | None, today: date) -> ParsedFeedback:
    """Parse ``data`` and check each row against what ``user`` may import for.

    :raise CsvFileError: the file cannot be read at all.
    """
    _end_transaction()
    with reading_first():
        return parse_feedback_csv(data, directory_for(user), today)


def _stored_keys(keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for batch in chunks(keys):
        query = select(Feedback.import_key).where(Feedback.import_key.in_(batch))
        found.update(key for key in db.session.scalars(query) if key)
    return found


def _new_rows(parsed: ParsedFeedback, report: ImportReport) -> list[FeedbackRow]:
    """The rows not stored yet, each once; the others count as skipped."""
    stored = _stored_keys([row.import_key for row in parsed.rows])
    seen: set[str] = set()
    new: list[FeedbackRow] = []
    for row in parsed.rows:
        if row.import_key in stored or row.import_key in seen:
            report.skipped += 1
        else:
            seen.add(row.import_key)
            new.append(row)
    return new


def _values(rows: Sequence[FeedbackRow], progress: Progress) -> list[dict[str, Any]]:
    """Score and tag ``rows``: one comment row each, and one CSAT row for a score."""
    keyword_map = load_keyword_map()
    agreements: dict[int, Agreement] = {}
    values: list[dict[str, Any]] = []
    for batch in chunks(rows):
        for row in batch:
            agreement = agreements.get(row.agreement_id)
            if agreement is None:
                agreement = db.session.get_one(Agreement, row.agreement_id)
                agreements[row.agreement_id] = agreement
            comment = text_feedback(
                row.text,
                source=FeedbackSource.IMPORT,
                customer_id=row.customer_id,
                agreement=agreement,
                received_at=row.received_at,
                keyword_map=keyword_map,
            )
            comment.agreement_id, comment.import_key = agreement.id, row.import_key
            values.append({c: getattr(comment, c) for c in COLUMNS})
            if row.score is not None:
                csat = dict.fromkeys(COLUMNS)
                csat.update(
                    source=FeedbackSource.IMPORT,
                    kind=FeedbackKind.CSAT,
                    received_at=row.received_at,
                    customer_id=row.customer_id,
                    agreement_id=agreement.id,
                    import_key=row.csat_key,
                    score=row.score,
                )
                values.append(csat)
        progress(len(batch))
    return values


def _insert(values: Sequence[dict[str, Any]], report: ImportReport) -> None:
    """Insert ``values`` in batches; a key stored meanwhile is left alone."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = Feedback.__table__
    statement = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.import_key])
        .returning(*(table.c[f] for f in rollups.FIELDS))
    )
    for batch in chunks(values):
        stored = db.session.execute(statement, list(batch)).mappings().all()
        # Core inserts bypass the ORM's flush, so the rollups are told here.
        rollups.apply(db.session, [(rollups.contribution(r), 1) for r in stored])
        kinds = [r["kind"] for r in stored]
        text_rows = sum(1 for kind in kinds if kind is FeedbackKind.TEXT)
        report.imported += text_rows
        report.scores += len(kinds) - text_rows
        report.skipped += sum(1 for v in batch if v["kind"] is FeedbackKind.TEXT)
        report.skipped -= text_rows


def import_rows(
    parsed: ParsedFeedback, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Store the rows of ``parsed`` not stored yet; flush only, the caller commits.

    :param dry_run: only count what would be stored.
    :param progress: called with the number of rows done, batch by batch.
    """
    advance = progress or (lambda n: None)
    report = ImportReport(
        parsed.total,
        dry_run=dry_run,
        errors=parsed.errors,
        ignored_columns=parsed.ignored_columns,
    )
    _end_transaction()
    with reading_first():
        new = _new_rows(parsed, report)
        advance(report.skipped)
        if dry_run:
            report.imported = len(new)
            report.scores = sum(1 for row in new if row.score is not None)
            advance(len(new))
            return report
        values = _values(new, advance)
    _end_transaction()
    _insert(values, report)
    return report


def record_import(report: ImportReport, actor: User | None, filename: str) -> None:
    """Write the import to the audit log (the caller commits)."""
    summary = (
        f"Imported feedback from {filename}: {report.imported} rows "
        f"({report.scores} with a score), {report.skipped} already present, "
        f"{len(report.errors)} with problems"
    )
    audit.record(
        actor,
        "feedback.import",
        None,
        summary,
        filename=filename,
        rows=report.total,
        imported=report.imported,
        scores=report.scores,
        skipped=report.skipped,
        errors=len(report.errors),
    )
