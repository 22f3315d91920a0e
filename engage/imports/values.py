"""Checking the cells of an imported feedback row, one value at a time.

Pure functions: a cell's text in, the value or a ``ValueError`` saying why not out.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from engage.sla.measurement_csv import FORMULA_TRIGGERS
from engage.sla.measurements import parse_value

#: The longest comment kept; longer ones are refused rather than cut.
TEXT_MAX = 5000
#: A CSAT score: 1 (very dissatisfied) to 5 (very satisfied); decimals are allowed.
SCORE_MIN, SCORE_MAX = 1.0, 5.0
#: A date without a time is stored at noon UTC, which is the same day from UTC-11 to +11.
NOON = time(12, tzinfo=UTC)
#: Dates before this are taken for typos (``0025-03-01``, ``1925-03-01``).
EARLIEST = date(2000, 1, 1)
#: Spreadsheets also read full-width signs as formulas (SECURITY.md case 3).
FORMULA_START = (*FORMULA_TRIGGERS, "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def shorten(text: str, limit: int = 80) -> str:
    """``text`` for a message or report: NUL made visible, cut at ``limit``."""
    text = text.replace("\x00", "\N{SYMBOL FOR NULL}")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str) -> str:
    """A name as compared: single-spaced, case-folded, a spreadsheet's formula guard off."""
    text = " ".join(text.split())
    if text.startswith("'") and text[1:2].startswith(FORMULA_START):
        text = text[1:]
    return text.casefold()


def guard(cell: str) -> str:
    """``cell`` safe for a spreadsheet: a formula-like start gets a ``'`` (ASVS 1.2.10).

    The import reads the quote back off (``plain``, ``parse_text``).
    """
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def parse_received_at(text: str, today: date) -> datetime:
    """``YYYY-MM-DD`` (noon UTC) or an ISO date and time (UTC unless it says otherwise).

    :raise ValueError: missing, not such a date, in the future, or before 2000.
    """
    text = text.strip()
    if not text:
        raise ValueError("the date is missing")
    hint = "use YYYY-MM-DD or a date and time such as 2025-03-01T14:30:00Z"
    if not _ISO_DATE.match(text) or (len(text) > 10 and text[10] not in "T "):
        raise ValueError(f"'{shorten(text, 40)}' is not a date: {hint}")
    try:
        if len(text) == 10:
            received = datetime.combine(date.fromisoformat(text), NOON)
        else:
            received = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{shorten(text, 40)}' is not a valid date: {hint}") from None
    if received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
    received = received.astimezone(UTC)
    if received.date() > today:
        raise ValueError(f"the date {received:%Y-%m-%d} is in the future")
    if received.date() < EARLIEST:
        raise ValueError(f"the date {received:%Y-%m-%d} is before {EARLIEST:%Y}")
    return received


def parse_score(text: str, decimal_comma: bool) -> float | None:
    """An optional CSAT score from 1 to 5, such as ``4`` or ``4.5``.

    :raise ValueError: not a number, or outside 1 to 5.
    """
    if not text.strip():
        return None
    score = parse_value(text, decimal_comma)
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError(
            f"the score {text.strip()} is not a CSAT score from "
            f"{SCORE_MIN:g} to {SCORE_MAX:g}"
        )
    return score


def parse_text(text: str) -> str:
    """The comment, its line breaks made ``\\n``, trimmed.

    :raise ValueError: empty or longer than ``TEXT_MAX`` characters.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:2].startswith(FORMULA_START):
        text = text[1:]  # the guard ``sample_csv`` and spreadsheets put there
    if not text:
        raise ValueError("the text is empty")
    if len(text) > TEXT_MAX:
        raise ValueError(
            f"the text has {len(text):,} characters, more than {TEXT_MAX:,}"
        )
    return text
