"""Reading a CSV of measurements into checked rows and a per-row error report.

Pure: bytes and the clauses in force in, rows and errors out; nothing is stored here.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from engage.models import Objective
from engage.sla.compliance import parse_period
from engage.sla.measurements import (
    NOTE_MAX,
    Entry,
    check_clause_measured,
    check_period,
    parse_value,
)
from engage.sla.tree import is_perception_target

T = TypeVar("T")
#: Rows per file; larger imports are split, so one transaction stays short.
MAX_ROWS = 10_000
#: A spreadsheet reads a cell starting with one of these as a formula (SECURITY.md 3).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_INTEGER = re.compile(r"[0-9]{1,18}")


class CsvFileError(ValueError):
    """The file as a whole cannot be read; the message is for the person uploading."""


@dataclass(frozen=True)
class RowError:
    row: int
    #: The row's cells as read, shortened for display.
    values: tuple[str, ...]
    message: str


@dataclass
class ParsedFile:
    rows: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Header columns that Engage does not read.
    ignored_columns: list[str] = field(default_factory=list)


def _cells(record: Sequence[str]) -> tuple[str, ...]:
    shown = (c.replace("\x00", "\N{SYMBOL FOR NULL}") for c in record)
    return tuple(c if len(c) <= 80 else c[:79] + "…" for c in shown)


def _plain_metric(text: str) -> str:
    """The metric name as compared: stripped, case-folded, a formula guard removed."""
    text = text.strip()
    if text.startswith("'") and text[1:2] in FORMULA_TRIGGERS:
        text = text[1:]
    return text.casefold()


class _Context:
    """What every row is checked against: the clauses in force and today's month."""

    def __init__(self, objectives: Sequence[Objective], today: date, delimiter: str):
        self.today, self.delimiter = today, delimiter
        self.by_id = {o.id: o for o in objectives}
        self.by_metric: dict[str, list[Objective]] = defaultdict(list)
        for objective in objectives:
            self.by_metric[_plain_metric(objective.metric)].append(objective)
        self.names = ", ".join(o.metric for o in objectives) or "none"

    def find(self, metric: str, objective_id: str) -> Objective:
        """:raise ValueError: no clause in force, or more than one, matches."""
        if text := objective_id.strip():
            found = self.by_id.get(int(text)) if _INTEGER.fullmatch(text) else None
            if found is None:
                raise ValueError(f"objective_id '{text}' is not in force here")
            return found
        if not metric.strip():
            raise ValueError("the metric is missing")
        matches = self.by_metric.get(_plain_metric(metric), [])
        if not matches:
            raise ValueError(f"unknown metric '{metric.strip()}' (known: {self.names})")
        if len(matches) > 1:
            raise ValueError(
                f"metric '{metric.strip()}' is ambiguous; use objective_id"
            )
        return matches[0]


def _header(names: list[str]) -> list[str]:
    columns = [n.strip().casefold() for n in names]
    if duplicates := sorted({c for c in columns if c and columns.count(c) > 1}):
        raise CsvFileError(f"The header repeats the column(s) {', '.join(duplicates)}.")
    present = set(columns)
    if not {"period", "value"} <= present or not present & {"metric", "objective_id"}:
        found = ", ".join(_cells([n.strip() for n in names if n.strip()])) or "nothing"
        raise CsvFileError(
            "The first row must be a header naming the columns period, metric (or "
            f"objective_id) and value, optionally note. Found: {found}."
        )
    return columns


def parse_csv(
    data: bytes, objectives: Sequence[Objective], today: date, max_rows: int = MAX_ROWS
) -> ParsedFile:
    """Read and check every row of a measurements CSV.

    :param objectives: the clauses in force for the agreement (own and inherited).
    :param today: months after this one are refused.
    :raise CsvFileError: the file cannot be read at all (encoding, header, size).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            "The file is not UTF-8 text. In a spreadsheet, save it as "
            "'CSV UTF-8 (comma delimited)' and upload it again."
        ) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    context = _Context(objectives, today, delimiter)
    result = ParsedFile()
    columns: list[str] | None = None
    data_rows = row = 0
    try:
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=delimiter, strict=True
        )
        for row, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if columns is None:
                columns = _header(record)
                known = {"period", "metric", "objective_id", "value", "note"}
                result.ignored_columns = [c for c in columns if c not in known]
                continue
            data_rows += 1
            if data_rows > max_rows:
                raise CsvFileError(
                    f"The file has more than {max_rows:,} rows. "
                    "Split it into smaller files and import them one by one."
                )
            parsed = _parse_row(row, record, columns, context)
            if isinstance(parsed, Entry):
                result.rows.append(parsed)
            else:
                result.errors.append(parsed)
    except csv.Error as error:
        raise CsvFileError(f"Row {row + 1} cannot be read as CSV: {error}.") from None
    if columns is None:
        raise CsvFileError("The file is empty.")
    _refuse_duplicates(result)
    return result


def _required(cells: dict[str, str], column: str) -> str:
    if not cells.get(column, "").strip():
        raise ValueError(f"the {column} is missing")
    return cells[column]


def _attempt(problems: list[str], parse: Callable[[], T]) -> T | None:
    """``parse()``, or None with its message added to ``problems``."""
    try:
        return parse()
    except ValueError as exc:
        problems.append(str(exc))
        return None


def _period(text: str, today: date) -> date:
    period = parse_period(text)
    check_period(period, today)
    return period


def _parse_row(
    row: int, record: list[str], columns: list[str], context: _Context
) -> Entry | RowError:
    if any("\x00" in cell for cell in record):
        return RowError(row, _cells(record), "contains a NUL byte, which is not text")
    if len(record) > len(columns) and any(c.strip() for c in record[len(columns) :]):
        hint = " (a decimal comma without quotes?)" if context.delimiter == "," else ""
        message = f"has more values than the header has columns{hint}"
        return RowError(row, _cells(record), message)
    cells = dict(zip(columns, record, strict=False))
    problems: list[str] = []
    period = _attempt(
        problems, lambda: _period(_required(cells, "period"), context.today)
    )
    objective = _attempt(
        problems,
        lambda: context.find(cells.get("metric", ""), cells.get("objective_id", "")),
    )
    comma = context.delimiter == ";"
    value = _attempt(problems, lambda: parse_value(_required(cells, "value"), comma))
    note = cells.get("note", "").strip()
    if len(note) > NOTE_MAX:
        problems.append(f"the note is longer than {NOTE_MAX} characters")
    if period is not None and objective is not None:
        _attempt(problems, lambda: check_clause_measured(objective, period))
    if problems or period is None or objective is None or value is None:
        return RowError(row, _cells(record), "; ".join(problems))
    return Entry(objective, period, value, note, row)


def _refuse_duplicates(result: ParsedFile) -> None:
    """Two rows for one objective and month: neither is taken, both are reported."""
    groups: dict[tuple[int, date], list[Entry]] = defaultdict(list)
    for parsed in result.rows:
        groups[(parsed.objective.id, parsed.period)].append(parsed)
    for group in groups.values():
        for parsed in group if len(group) > 1 else ():
            others = ", ".join(str(r.row) for r in group if r is not parsed)
            values = (
                f"{parsed.period:%Y-%m}",
                parsed.objective.metric,
                f"{parsed.value:g}",
            )
            message = f"duplicate: the same metric and month are in row {others}"
            result.errors.append(RowError(parsed.row, values, message))
    result.rows = [
        r for r in result.rows if len(groups[(r.objective.id, r.period)]) == 1
    ]
    result.errors.sort(key=lambda e: e.row)


def template_csv(objectives: Sequence[Objective], period: date) -> str:
    """A CSV to fill in: one row per clause in force, for ``period``, values empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["period", "metric", "value", "note"])
    for objective in objectives:
        if is_perception_target(objective) or objective.dropped_in is not None:
            continue  # judged from feedback, or binds nothing any more
        metric = objective.metric
        if metric.startswith(FORMULA_TRIGGERS):
            metric = "'" + metric  # read back without the quote by _plain_metric
        writer.writerow([f"{period:%Y-%m}", metric, "", ""])
    return out.getvalue()
