"""CSV exports: the feedback and survey-response rows as formula-safe, streamed CSV text.

Every cell goes through :mod:`engage.reports.cells`: numbers stay numbers, every other
value (answers, names, headers) is neutralised against formula injection.

CSV policy (documented in the README): UTF-8 with a byte order mark, so Excel opens it as
UTF-8 rather than the ANSI code page; RFC 4180 (CRLF, every non-numeric field quoted).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from engage.reports.cells import value_cell
from engage.reports.tabular import (
    BATCH,
    RESPONSE_COLUMNS,
    feedback_columns,
    feedback_rows,
    response_questions,
    response_rows,
)

#: The UTF-8 byte order mark at the start of every CSV (Excel reads UTF-8 only with it).
BOM = "\ufeff"


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
