"""Pushing feedback through the API, at most once per ``Idempotency-Key``.

Items are checked with the CSV import's functions (the same directory of customers
and SLAs, the same date, text and score rules) and stored with its Core insert, which
keeps the rollups current and skips an ``import_key`` stored already.

Each item's ``import_key`` is derived from the API key, the request's
``Idempotency-Key`` and the item's position, so a retry maps onto the rows the first
attempt stored and the UNIQUE index refuses a second copy, even when two retries run
at the same moment. Comparing those stored rows with the retried body tells a retry
(same body: the original answer) from a reused key (another body: 422), following
draft-ietf-httpapi-idempotency-key-header and SECURITY.md's rules, with no table of
its own.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy import select

from engage import audit
from engage.database import reading_first
from engage.extensions import db
from engage.imports.directory import AgreementRef, CustomerRef, Directory
from engage.imports.feedback_csv import FeedbackRow, ParsedFeedback
from engage.imports.service import directory_for, import_rows
from engage.imports.values import parse_received_at, parse_score, parse_text
from engage.models import ApiKey, Feedback

T = TypeVar("T")
#: A key the client chose: printable ASCII, long enough to be unique per request.
KEY_MIN, KEY_MAX = 8, 200


class IdempotencyKeyError(ValueError):
    """The ``Idempotency-Key`` header is missing or malformed (a 400)."""


def check_idempotency_key(value: str | None) -> str:
    """:raise IdempotencyKeyError: missing, too short or long, or not printable ASCII."""
    if value is None or not value.strip():
        raise IdempotencyKeyError(
            "Send an Idempotency-Key header (a unique value such as a UUID) so a "
            "retry never stores the feedback twice."
        )
    value = value.strip()
    if not KEY_MIN <= len(value) <= KEY_MAX or not all("!" <= c <= "~" for c in value):
        raise IdempotencyKeyError(
            f"The Idempotency-Key must be {KEY_MIN} to {KEY_MAX} printable ASCII "
            "characters without spaces."
        )
    return value


@dataclass(frozen=True)
class ApiFeedbackRow(FeedbackRow):
    """A checked item whose ``import_key`` comes from who sent it, not its content."""

    seed: str = ""

    @cached_property
    def import_key(self) -> str:
        return hashlib.sha256(self.seed.encode()).hexdigest()


def _seed(key: ApiKey, idempotency_key: str, index: int) -> str:
    return f"api:{key.id}:{idempotency_key}:{index}"


def _key_of(key: ApiKey, idempotency_key: str, index: int) -> str:
    return hashlib.sha256(_seed(key, idempotency_key, index).encode()).hexdigest()


class _Lookup:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.customers = {c.id: c for c in directory.listed}

    def customer(self, item: dict[str, Any]) -> CustomerRef:
        if item.get("customer_id") is not None:
            found = self.customers.get(item["customer_id"])
            if found is None:
                raise ValueError(f"unknown customer_id {item['customer_id']}")
            return found
        return self.directory.customer(item.get("customer") or "")

    def agreement(self, customer: CustomerRef, item: dict[str, Any]) -> AgreementRef:
        if item.get("agreement_id") is not None:
            found = self.directory.agreements.get(item["agreement_id"])
            if found is None:
                raise ValueError(f"unknown agreement_id {item['agreement_id']}")
            if found.customer_id != customer.id:
                raise ValueError(
                    f"SLA {found.id} is not an SLA of {customer.display_name}"
                )
            return found
        return self.directory.agreement(customer, item.get("agreement") or "")


@dataclass
class Checked:
    rows: list[ApiFeedbackRow] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)


def _attempt(problems: list[str], check: Callable[[], T]) -> T | None:
    """``check()``, or None with its message added to ``problems``."""
    try:
        return check()
    except ValueError as error:
        problems.append(str(error))
        return None


def _check_item(
    index: int, item: dict[str, Any], lookup: _Lookup, seed: str, today: date
) -> ApiFeedbackRow | list[str]:
    problems: list[str] = []
    customer = _attempt(problems, lambda: lookup.customer(item))
    agreement = None
    if customer is not None:
        agreement = _attempt(problems, lambda: lookup.agreement(customer, item))
    received_at = _attempt(
        problems, lambda: parse_received_at(item["received_at"], today)
    )
    text = _attempt(problems, lambda: parse_text(item["text"]))
    raw = item.get("score")
    score = None
    if raw is not None:
        score = _attempt(problems, lambda: parse_score(repr(float(raw)), False))
    if (
        problems
        or customer is None
        or agreement is None
        or received_at is None
        or text is None
    ):
        return problems
    return ApiFeedbackRow(
        index, customer.id, agreement.id, received_at, text, score, seed=seed
    )


def check_items(
    items: Sequence[dict[str, Any]], key: ApiKey, idempotency_key: str, today: date
) -> Checked:
    """Check every item as the CSV import checks a row (reading only)."""
    checked = Checked()
    db.session.rollback()  # read without SQLite's write lock, as the import does
    with reading_first():
        lookup = _Lookup(directory_for(None))
    for index, item in enumerate(items):
        seed = _seed(key, idempotency_key, index)
        result = _check_item(index, item, lookup, seed, today)
        if isinstance(result, list):
            checked.errors[index] = result
        else:
            checked.rows.append(result)
    return checked


class Replay(enum.Enum):
    NEW = "new"  # nothing stored under this key yet
    SAME = "same"  # stored already, from this very body: answer as the first time
    CONFLICT = "conflict"  # the key was used with another body


def _stored(keys: Sequence[str]) -> dict[str, Feedback]:
    query = select(Feedback).where(Feedback.import_key.in_(keys))
    return {f.import_key: f for f in db.session.scalars(query) if f.import_key}


def _same(row: ApiFeedbackRow, comment: Feedback, csat: Feedback | None) -> bool:
    stored_score = csat.score if csat is not None else None
    return (
        comment.customer_id == row.customer_id
        and comment.agreement_id == row.agreement_id
        and comment.received_at.astimezone(UTC) == row.received_at.astimezone(UTC)
        and comment.text == row.text
        and stored_score == row.score
    )


def compare(
    rows: Sequence[ApiFeedbackRow], key: ApiKey, idempotency_key: str
) -> tuple[Replay, dict[str, Feedback]]:
    """Whether ``rows`` were stored under this key before, and from the same body.

    The key of the item after the last is looked up too: an earlier body with more
    items used the key as well.
    """
    beyond = _key_of(key, idempotency_key, len(rows))
    wanted = [r.import_key for r in rows] + [r.csat_key for r in rows] + [beyond]
    stored = _stored(wanted)
    if not stored:
        return Replay.NEW, stored
    if beyond in stored:
        return Replay.CONFLICT, stored
    for row in rows:
        comment = stored.get(row.import_key)
        csat = stored.get(row.csat_key)
        if comment is None or not _same(row, comment, csat):
            return Replay.CONFLICT, stored
    return Replay.SAME, stored


def store(rows: Sequence[ApiFeedbackRow]) -> int:
    """Insert ``rows`` (the caller commits); returns how many were skipped as stored."""
    report = import_rows(ParsedFeedback(rows=list(rows)))
    return report.skipped


def answer(
    rows: Sequence[ApiFeedbackRow], stored: dict[str, Feedback]
) -> dict[str, Any]:
    """The answer to a push, built from the stored rows: the same for every retry."""
    items = []
    for row in rows:
        csat = stored.get(row.csat_key)
        items.append(
            {
                "index": row.line,
                "id": stored[row.import_key].id,
                "csat_id": csat.id if csat is not None else None,
            }
        )
    scores = sum(1 for item in items if item["csat_id"] is not None)
    return {"stored": len(items), "scores": scores, "items": items}


def stored_rows(rows: Sequence[ApiFeedbackRow]) -> dict[str, Feedback]:
    return _stored([r.import_key for r in rows] + [r.csat_key for r in rows])


def audit_push(
    key: ApiKey, rows: Sequence[ApiFeedbackRow], idempotency_key: str
) -> None:
    scores = sum(1 for r in rows if r.score is not None)
    audit.record(
        None,
        "feedback.api",
        key,
        f"API key '{key.name}' pushed {len(rows)} feedback item(s) "
        f"({scores} with a score)",
        api_key_id=key.id,
        items=len(rows),
        scores=scores,
        idempotency_key=idempotency_key[:80],
    )
