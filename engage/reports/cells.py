"""Spreadsheet cells that cannot become formulas (SECURITY.md cases 3 and 4).

Exports are code: a spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (or as the start of one after Excel strips the
control character), and openpyxl writes any string starting with ``=`` as a live ``<f>``
element. Every cell that comes from customer answers, and every header and sheet name, goes
through :func:`text_cell` (strings) or :func:`value_cell` (anything). The rule is ASVS 1.2.10:
such a cell is prefixed with a single quote ``'`` so that it is shown literally, and the
prefix is the only change, so :func:`unescape` returns the original text.

Leading whitespace does not hide a trigger: ``" =1"`` is evaluated by some spreadsheet
programs after trimming, so a trigger after leading spaces counts too. The full-width
``＝`` (U+FF1D) and its siblings are folded to ``=`` by LibreOffice's autocorrect, so
they are triggers as well.

Numbers stay numbers: a numeric answer ``-3`` in a numeric column is exported as the number
-3 (Grafana #17363 regression), because the writer passes an ``int``/``float``, not a
string, and those are never prefixed.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

#: Characters that start a formula (or are stripped before one) in Excel, LibreOffice
#: and Google Sheets, including the full-width forms LibreOffice folds to ASCII.
TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

#: The ASVS 1.2.10 escape: a leading apostrophe makes the cell literal text.
PREFIX = "'"

#: Whitespace and control characters (other than tab, CR and LF, which are triggers
#: themselves) that a spreadsheet may trim or drop before it looks for a formula.
_LEADING_SPACE = re.compile(
    "[ \x00-\x08\x0b\x0c\x0e-\x1f\u00a0\u2000-\u200b\u3000\ufeff]*"
)

#: The characters of :data:`_LEADING_SPACE`, for a quick first-character test.
_SPACE_CHARS = frozenset(
    " \u00a0\u3000\ufeff"
    + "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]))
    + "".join(map(chr, range(0x2000, 0x200C)))
)

#: Characters Excel forbids in sheet names.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

#: XML 1.0 cannot hold these; openpyxl raises IllegalCharacterError on them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Cell = str | int | float | None


def needs_prefix(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    if not text:
        return False
    first = text[0]
    if first in TRIGGERS:
        return True
    if first not in _SPACE_CHARS:  # the common case, without the regex
        return False
    rest = text[_LEADING_SPACE.match(text).end() :]  # type: ignore[union-attr]
    return bool(rest) and rest[0] in TRIGGERS


def text_cell(text: str) -> str:
    """Neutralise one string cell: prefix it with ``'`` when it could start a formula.

    A text that already starts with ``'`` is prefixed too when the rest would be a
    trigger, so unescaping stays unambiguous: ``"'=1"`` becomes ``"''=1"``.
    """
    if needs_prefix(text) or (text.startswith(PREFIX) and needs_prefix(text[1:])):
        return PREFIX + text
    return text


def unescape(cell: str) -> str:
    """The original text of a cell written by :func:`text_cell`."""
    if cell.startswith(PREFIX) and (
        needs_prefix(cell[1:])
        or (cell[1:].startswith(PREFIX) and needs_prefix(cell[2:]))
    ):
        return cell[1:]
    return cell


def value_cell(value: Any) -> Cell:
    """Any exported value as a safe cell: numbers stay numbers, the rest is safe text.

    ``bool`` becomes ``"yes"``/``"no"`` (not 1/0), dates ISO 8601, lists are joined with
    ``"; "``, non-finite floats become empty (neither CSV nor XLSX can hold them as numbers).
    """
    if value is None:
        return None
    if type(value) is str:  # the common case first
        return text_cell(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return text_cell("; ".join(str(v) for v in value if v is not None))
    return text_cell(str(value))


def xlsx_cell(value: Any) -> Cell:
    """Like :func:`value_cell`, minus the control characters XML cannot carry.

    The tab and LF stay; a CR becomes LF, as XML parsers turn it into one on reading
    anyway (XML end-of-line handling), so the file says what every reader will see.
    NUL and friends are dropped since openpyxl refuses them and PostgreSQL never
    stores NUL anyway. CSV keeps every character exactly.
    """
    if isinstance(value, str):
        # Strip first, then neutralise: "\x00=1" must not become a bare "=1".
        value = _XML_ILLEGAL.sub("", value)
    cell = value_cell(value)
    if isinstance(cell, str):
        return _XML_ILLEGAL.sub("", cell).replace("\r\n", "\n").replace("\r", "\n")
    return cell


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A sheet name Excel accepts that is also neutralised against formulas.

    At most 31 characters, none of ``[]:*?/\\``, not blank, not starting or ending
    with ``'`` (Excel rejects that) and unique (case-insensitively) among ``taken``.
    A trigger at the start is defused with a leading ``_`` rather than ``'``, which
    sheet names cannot start with.
    """
    cleaned = _XML_ILLEGAL.sub("", _SHEET_FORBIDDEN.sub("_", name)).strip().strip("'")
    if needs_prefix(cleaned):
        cleaned = "_" + cleaned
    cleaned = cleaned[:SHEET_NAME_MAX].rstrip("'") or "Sheet"
    if taken is None:
        return cleaned
    lowered = {t.lower() for t in taken}
    candidate, n = cleaned, 1
    while candidate.lower() in lowered:
        n += 1
        suffix = f" ({n})"
        candidate = cleaned[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate)
    return candidate
