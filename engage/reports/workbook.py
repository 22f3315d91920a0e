"""XLSX exports: the formula-safe write-only workbook and the insight report's sheets."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook

from engage.reports.cells import Cell, sheet_name, xlsx_cell
from engage.reports.tabular import feedback_columns, feedback_rows

#: Bytes per chunk when a finished XLSX file is streamed.
CHUNK = 64 * 1024


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
    """The insight report :class:`~engage.reports.content.ReportData` as an XLSX file.

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
