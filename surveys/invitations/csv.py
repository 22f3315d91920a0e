"""Reading an uploaded CSV of contact emails into rows and a per-row error report.

``parse_contacts_csv`` is pure (bytes in, rows out); ``match_contacts`` checks each
row against the contacts the agreement's customer has.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from engage.models import Contact
from engage.sla.measurement_csv import CsvFileError, RowError

__all__ = ["CsvFileError", "ParsedContacts", "RowError", "parse_contacts_csv"]

#: Rows per upload; more contacts than this are not one customer's.
MAX_ROWS = 2_000
#: Shape only: email_validator refuses reserved domains (``.local``, ``.test``) that
#: self-hosted customers do use, and a real address must match a stored contact anyway.
_EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+")


@dataclass(frozen=True)
class ContactRow:
    row: int
    email: str
    name: str


@dataclass
class ParsedContacts:
    rows: list[ContactRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: The contacts to invite, once matched (``match_contacts``).
    contacts: list[Contact] = field(default_factory=list)
    #: Data rows in the file (the header and blank lines not counted).
    total: int = 0


def _shown(cells: Sequence[str]) -> tuple[str, ...]:
    shown = (c.replace("\x00", "\N{SYMBOL FOR NULL}") for c in cells)
    return tuple(c if len(c) <= 80 else c[:79] + "…" for c in shown)


def _header(record: list[str]) -> list[str]:
    columns = [c.strip().casefold() for c in record]
    if "email" not in columns:
        found = ", ".join(_shown([c for c in record if c.strip()])) or "nothing"
        raise CsvFileError(
            "The first row must be a header with an email column (and optionally "
            f"name). Found: {found}."
        )
    if columns.count("email") > 1:
        raise CsvFileError("The header has more than one email column.")
    return columns


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            "The file is not UTF-8 text. In a spreadsheet, save it as "
            "'CSV UTF-8 (comma delimited)' and upload it again."
        ) from None


def parse_contacts_csv(data: bytes, max_rows: int = MAX_ROWS) -> ParsedContacts:
    """Read the ``email`` (and ``name``) of every row; report bad and repeated ones.

    :raise CsvFileError: the file cannot be read at all.
    """
    text = _decode(data)
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    result = ParsedContacts()
    columns: list[str] | None = None
    seen: dict[str, int] = {}
    row = 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if columns is None:
                columns = _header(record)
                continue
            if len(result.rows) + len(result.errors) >= max_rows:
                raise CsvFileError(f"The file has more than {max_rows:,} rows.")
            cells = dict(zip(columns, record, strict=False))
            email = cells.get("email", "").strip().lower()
            problem = _email_problem(email, record)
            if problem is None and email in seen:
                problem = f"duplicate: the same email is in row {seen[email]}"
            if problem:
                result.errors.append(RowError(row, _shown(record), problem))
                continue
            seen[email] = row
            result.rows.append(ContactRow(row, email, cells.get("name", "").strip()))
    except csv.Error as error:
        raise CsvFileError(f"Row {row + 1} cannot be read as CSV: {error}.") from None
    if columns is None:
        raise CsvFileError("The file is empty.")
    result.total = len(result.rows) + len(result.errors)
    if not result.total:
        raise CsvFileError("The file has a header but no contacts.")
    return result


def _email_problem(email: str, record: Sequence[str]) -> str | None:
    if any("\x00" in cell for cell in record):
        return "contains a NUL byte, which is not text"
    if not email:
        return "the email is missing"
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        return "not a valid email address"
    return None


def match_contacts(
    parsed: ParsedContacts,
    candidates: Sequence[Contact],
    recent: dict[int, datetime],
    min_days: int,
) -> None:
    """Turn rows into contacts of the customer; report unknown, inactive, recent."""
    by_email: dict[str, Contact] = {}
    for contact in candidates:
        by_email.setdefault(contact.email.lower(), contact)
    for item in parsed.rows:
        found = by_email.get(item.email)
        problem = None
        if found is None:
            problem = "unknown email: not a contact of this agreement's customer"
        elif not found.active:
            problem = "inactive contact"
        elif found.id in recent:
            problem = (
                f"surveyed recently (invited {recent[found.id]:%Y-%m-%d}; "
                f"limit {min_days} days)"
            )
        if problem or found is None:
            values = (item.email, item.name) if item.name else (item.email,)
            parsed.errors.append(RowError(item.row, values, problem or ""))
        else:
            parsed.contacts.append(found)
    parsed.errors.sort(key=lambda e: e.row)
