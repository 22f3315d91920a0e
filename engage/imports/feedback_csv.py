"""Reading a CSV of external comments (ticket-closure comments, ...) into checked rows.

Pure: bytes and a ``Directory`` of the customers and SLAs the importer may use in, rows
and a per-line error report out; nothing is read from or written to the database here.

The columns are ``customer, agreement, date, text`` and optionally ``score``, a CSAT
rating from 1 (very dissatisfied) to 5 (very satisfied); header names are matched
without regard to case, and other columns are ignored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import TypeVar

from engage.imports.directory import AgreementRef, CustomerRef, Directory
from engage.imports.values import (
    guard,
    parse_received_at,
    parse_score,
    parse_text,
    plain,
    shorten,
)
from engage.sla.measurement_csv import MAX_ROWS, CsvFileError, RowError

__all__ = ["AgreementRef", "CsvFileError", "CustomerRef", "Directory", "RowError"]

T = TypeVar("T")

#: The largest file read, as for uploads (``MAX_CONTENT_LENGTH``); the CLI checks it too.
MAX_BYTES = 1024 * 1024
REQUIRED = ("customer", "agreement", "date", "text")
COLUMNS = (*REQUIRED, "score")
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class FeedbackRow:
    """A checked row: the comment of a customer about one of their SLAs."""

    #: The line of the file the row starts on (the header is line 1).
    line: int
    customer_id: int
    agreement_id: int
    received_at: datetime
    text: str
    score: float | None

    @cached_property
    def import_key(self) -> str:
        """SHA-256 of the normalised row: the same comment twice has the same key."""
        same_text = " ".join(unicodedata.normalize("NFC", self.text).split())
        score = "" if self.score is None else f"{self.score:g}"
        normalised = [
            self.customer_id,
            self.agreement_id,
            self.received_at.astimezone(UTC).isoformat(),
            same_text,
            score,
        ]
        encoded = json.dumps(normalised, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()

    @cached_property
    def csat_key(self) -> str:
        """The key of the row's CSAT score, distinct from the comment's."""
        return hashlib.sha256(f"{self.import_key}:csat".encode()).hexdigest()


@dataclass
class ParsedFeedback:
    rows: list[FeedbackRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Header columns that Engage does not read.
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Data rows in the file (the header and blank lines not counted)."""
        return len(self.rows) + len(self.errors)


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """The file as text, or why it cannot be read.

    :raise CsvFileError: too large, empty, UTF-16, or not UTF-8 (the line is named).
    """
    if len(data) > max_bytes:
        raise CsvFileError(
            f"The file is larger than {max_bytes / 1048576:g} MiB. "
            "Split it into smaller files and import them one by one."
        )
    if not data.strip():
        raise CsvFileError("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(
            "The file is UTF-16 ('Unicode text'). In a spreadsheet, save it as "
            "'CSV UTF-8' and import it again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvFileError(
            f"The file is not UTF-8 text (line {line} has a byte that is not; perhaps "
            "it was saved as Windows-1252 or Latin-1). Save it as 'CSV UTF-8' and "
            "import it again."
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter the first line uses most: comma, semicolon or tab."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    return max(DELIMITERS, key=first.count)


def _header(record: list[str]) -> list[str]:
    columns = [plain(c) for c in record]
    if repeated := sorted({c for c in columns if c and columns.count(c) > 1}):
        raise CsvFileError(f"The header repeats the column(s) {', '.join(repeated)}.")
    if missing := [c for c in REQUIRED if c not in columns]:
        found = ", ".join(shorten(c.strip()) for c in record if c.strip()) or "nothing"
        raise CsvFileError(
            "The first line must be a header naming the columns customer, agreement, "
            f"date and text, and optionally score. Missing: {', '.join(missing)}. "
            f"Found: {found}."
        )
    return columns


def parse_feedback_csv(
    data: bytes,
    directory: Directory,
    today: date,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> ParsedFeedback:
    """Read and check every row of a feedback CSV.

    :param today: the current UTC date; later dates are refused.
    :raise CsvFileError: the file cannot be read at all (size, encoding, header).
    """
    text = decode(data, max_bytes)
    delimiter = sniff_delimiter(text)
    result = ParsedFeedback()
    columns: list[str] | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if columns is None:
                columns = _header(record)
                result.ignored_columns = [c for c in columns if c not in COLUMNS]
                continue
            if result.total >= max_rows:
                raise CsvFileError(
                    f"The file has more than {max_rows:,} rows. "
                    "Split it into smaller files and import them one by one."
                )
            parsed = _parse_row(start, record, columns, directory, today, delimiter)
            if isinstance(parsed, FeedbackRow):
                result.rows.append(parsed)
            else:
                result.errors.append(parsed)
    except csv.Error as error:
        raise CsvFileError(f"Line {line} cannot be read as CSV: {error}.") from None
    if columns is None:
        raise CsvFileError("The file is empty.")
    if not result.total:
        raise CsvFileError("The file has a header but no rows.")
    return result


def _parse_row(
    line: int,
    record: list[str],
    columns: list[str],
    directory: Directory,
    today: date,
    delimiter: str,
) -> FeedbackRow | RowError:
    shown = tuple(shorten(c) for c in record)
    if any("\x00" in cell for cell in record):
        return RowError(line, shown, "contains a NUL byte, which is not text")
    cells = dict(zip(columns, record, strict=False))
    problems: list[str] = []
    customer = _attempt(problems, lambda: directory.customer(cells.get("customer", "")))
    agreement = None
    if customer is not None:
        agreement = _attempt(
            problems, lambda: directory.agreement(customer, cells.get("agreement", ""))
        )
    received_at = _attempt(
        problems, lambda: parse_received_at(cells.get("date", ""), today)
    )
    text = _attempt(problems, lambda: parse_text(cells.get("text", "")))
    score = _attempt(
        problems, lambda: parse_score(cells.get("score", ""), delimiter != ",")
    )
    extra = [c for c in record[len(columns) :] if c.strip()]
    if len(record) > len(columns) and (problems or extra):
        # A comma in an unquoted text shifts the cells after it to the right.
        name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
        problems = [
            "has more values than the header has columns: put a text that contains "
            f"a {name} in double quotes"
        ]
    if problems or None in (customer, agreement, received_at, text):
        return RowError(line, shown, "; ".join(problems))
    assert customer is not None
    assert agreement is not None
    assert received_at is not None
    assert text is not None
    return FeedbackRow(line, customer.id, agreement.id, received_at, text, score)


def _attempt(problems: list[str], check: Callable[[], T]) -> T | None:
    """``check()``, or None with its message added to ``problems``."""
    try:
        return check()
    except ValueError as error:
        problems.append(str(error))
    return None


def sample_csv(examples: Sequence[tuple[str, str]], today: date) -> str:
    """A CSV to start from: three comments for each ``(customer, agreement)`` given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    days = [today - timedelta(days=n) for n in (3, 2, 1)]
    comments = [
        (f"{days[0]}", "Ticket closed quickly, thanks for the help!", "5"),
        (
            f"{days[1]}T09:30:00Z",
            "The outage took two days to fix and nobody called us back.",
            "1",
        ),
        (f"{days[2]}", "Still waiting for the new laptop; please hurry.", ""),
    ]
    for customer, agreement in examples:
        for when, text, score in comments:
            writer.writerow(
                [guard(customer), guard(agreement), when, guard(text), score]
            )
    return out.getvalue()
