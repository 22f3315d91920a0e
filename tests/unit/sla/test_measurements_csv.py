"""Reading a measurements CSV: plain objects, no app or database."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from engage.models import Direction, Objective
from engage.sla.measurement_csv import (
    MAX_ROWS,
    CsvFileError,
    ParsedFile,
    parse_csv,
    template_csv,
)
from engage.sla.measurements import parse_value

TODAY = date(2025, 6, 10)
UPTIME = Objective(
    id=1, metric="Availability", target=99.5, direction=Direction.AT_LEAST
)
RESPONSE = Objective(
    id=2, metric="Response time", target=4, direction=Direction.AT_MOST
)
OBJECTIVES = [UPTIME, RESPONSE]


def parse(text: str, **kw: int) -> ParsedFile:
    return parse_csv(text.encode(), OBJECTIVES, TODAY, **kw)


def test_good_file() -> None:
    result = parse(
        "period,metric,value,note\n"
        "2025-03,Availability,99.95,\n"
        "2025-03-01, response TIME ,3.5,two incidents\n"
        "\n"
        "2025-04,availability,-1e-3,\n"
    )
    assert result.errors == []
    assert [(r.row, r.objective, r.period, r.value, r.note) for r in result.rows] == [
        (2, UPTIME, date(2025, 3, 1), 99.95, ""),
        (3, RESPONSE, date(2025, 3, 1), 3.5, "two incidents"),
        (5, UPTIME, date(2025, 4, 1), -0.001, ""),
    ]


def test_bom_crlf_and_header_case() -> None:
    data = "\ufeffPeriod,METRIC,Value\r\n2025-05,Availability,99.9\r\n".encode()
    result = parse_csv(data, OBJECTIVES, TODAY)
    assert [(r.objective.id, r.value) for r in result.rows] == [(1, 99.9)]


def test_semicolons_and_decimal_commas() -> None:
    result = parse('period;metric;value;note\n2025-05;Availability;99,9;"a; b"\n')
    assert result.errors == []
    assert [(r.value, r.note) for r in result.rows] == [(99.9, "a; b")]


def test_objective_id_column_and_extra_columns() -> None:
    result = parse("period,objective_id,value,comment\n2025-05,2,3\n2025-05,9,1\n")
    assert result.ignored_columns == ["comment"]
    assert [r.objective for r in result.rows] == [RESPONSE]
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "objective_id '9' is not in force here")
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2025-05,Latency,1", "unknown metric 'Latency' (known: Availability, Respo"),
        ("2025-05,,1", "the metric is missing"),
        ("2025-13,Availability,1", "'2025-13' is not a month such as 2025-03"),
        ("May 2025,Availability,1", "'May 2025' is not a month"),
        ("2025-05-02,Availability,1", "not the first day of a month"),
        (",Availability,1", "the period is missing"),
        ("2025-07,Availability,1", "2025-07 is in the future"),
        ("2025-05,Availability,", "the value is missing"),
        ("2025-05,Availability,abc", "'abc' is not a number"),
        ("2025-05,Availability,99.9%", "'99.9%' is not a number"),
        ("2025-05,Availability,nan", "'nan' is not a number"),
        ("2025-05,Availability,inf", "'inf' is not a number"),
        ("2025-05,Availability,1e999", "'1e999' is too large"),
        ("2025-05,Availability,1_000", "'1_000' is not a number"),
        ("2025-05,Availability,99,9,note", "more values than the header has columns"),
        ("2025-05,Availability,1,\x00", "contains a NUL byte"),
        ("2025-05,Availability\x00,1", "contains a NUL byte"),
        (f"2025-05,Availability,1,{'x' * 301}", "the note is longer than 300"),
    ],
)
def test_each_error_kind(row: str, message: str) -> None:
    result = parse(f"period,metric,value,note\n{row}\n")
    assert result.rows == []
    [error] = result.errors
    assert error.row == 2
    assert message in error.message


def test_every_problem_of_a_row_is_named_and_raw_values_kept() -> None:
    result = parse("period,metric,value\n2025-13,Latency,abc\n2025-05,Availability,1\n")
    [error] = result.errors
    assert error.message.count(";") == 2
    assert error.values == ("2025-13", "Latency", "abc")
    assert len(result.rows) == 1


def test_nul_is_shown_not_passed_on() -> None:
    [error] = parse("period,metric,value\n2025-05,Avail\x00,1\n").errors
    assert "\x00" not in "".join(error.values)


def test_duplicates_in_the_file_are_all_refused() -> None:
    result = parse(
        "period,metric,value\n"
        "2025-05,Availability,99.9\n"
        "2025-05,Response time,2\n"
        "2025-05-01,AVAILABILITY,98\n"
    )
    assert [r.objective for r in result.rows] == [RESPONSE]
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "duplicate: the same metric and month are in row 4"),
        (4, "duplicate: the same metric and month are in row 2"),
    ]


def test_ambiguous_metric_asks_for_objective_id() -> None:
    twin = Objective(
        id=3, metric="availability", target=1, direction=Direction.AT_LEAST
    )
    result = parse_csv(
        b"period,metric,value\n2025-05,Availability,1\n", [UPTIME, twin], TODAY
    )
    assert "use objective_id" in result.errors[0].message


def test_row_cap() -> None:
    rows = "".join(f"2025-0{1 + i % 5},Availability,{i}\n" for i in range(4))
    with pytest.raises(CsvFileError, match="more than 3 rows"):
        parse("period,metric,value\n" + rows, max_rows=3)
    assert len(parse("period,metric,value\n" + rows, max_rows=4).rows) == 4


def test_default_row_cap_is_ten_thousand() -> None:
    assert MAX_ROWS == 10_000
    rows = "2025-05,Availability,1\n" * (MAX_ROWS + 1)
    with pytest.raises(CsvFileError, match="more than 10,000 rows"):
        parse("period,metric,value\n" + rows)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("period,metric,value\n2025-05,Disponibilité,1\n".encode("latin-1"), "UTF-8"),
        ("period,metric,value\n".encode("utf-16"), "UTF-8"),
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"2025-05,Availability,1\n", "must be a header"),
        (b"period,value\n2025-05,1\n", "must be a header"),
        (b"period,metric,Metric,value\n", "repeats the column(s) metric"),
        (b'period,metric,value\n"2025-05,Availability,1\n', "cannot be read"),
    ],
)
def test_file_errors(data: bytes, message: str) -> None:
    with pytest.raises(
        CsvFileError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        parse_csv(data, OBJECTIVES, TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("99.95", 99.95), (" -3 ", -3.0), ("1e3", 1000.0), (".5", 0.5), ("7.", 7.0)],
)
def test_parse_value(text: str, expected: float) -> None:
    assert parse_value(text) == expected


def test_template_round_trips_and_guards_formulas() -> None:
    sneaky = Objective(
        id=5, metric="=HYPERLINK(1)", target=1, direction=Direction.AT_MOST
    )
    text = template_csv([UPTIME, sneaky], date(2025, 5, 1))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["period", "metric", "value", "note"],
        ["2025-05", "Availability", "", ""],
        ["2025-05", "'=HYPERLINK(1)", "", ""],
    ]
    filled = text.replace(",,\r\n", ",1,\r\n")
    result = parse_csv(filled.encode(), [UPTIME, sneaky], TODAY)
    assert result.errors == []
    assert [r.objective for r in result.rows] == [UPTIME, sneaky]
